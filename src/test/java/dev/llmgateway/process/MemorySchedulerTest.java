package dev.llmgateway.process;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.llmgateway.api.ApiError;
import dev.llmgateway.testing.Async;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.junit5.VertxExtension;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Supplier;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** The scheduler against fake servers whose loads and stops take one timer tick (no processes). */
@ExtendWith(VertxExtension.class)
class MemorySchedulerTest {

  private static final long GIB = 1L << 30;

  private Vertx vertx;
  private Context context;
  private MemoryScheduler scheduler;
  private final AtomicLong clock = new AtomicLong(1000);
  private final Map<String, FakeRunner> runners = new LinkedHashMap<>();
  private final List<String> swaps = new CopyOnWriteArrayList<>();
  /** Every stop, and whether a request was in flight then (it must never be). */
  private final List<String> stops = new CopyOnWriteArrayList<>();

  @BeforeEach
  void setUp(Vertx vertx) {
    this.vertx = vertx;
    this.context = vertx.getOrCreateContext();
    scheduler = new MemoryScheduler(vertx, context, clock::incrementAndGet, new MemoryScheduler.Listener() {
      @Override
      public void swapped(String id, long nanos) {
        swaps.add(id);
      }

      @Override
      public void changed() {
      }
    });
  }

  /** Three 4 GiB models on an 9 GiB budget (1 GiB reserved): two fit at a time. */
  private void threeModels(ModelPlan... overrides) {
    Map<String, ModelPlan> plans = new LinkedHashMap<>();
    for (String id : List.of("a", "b", "c")) {
      plans.put(id, plan(id, 4 * GIB, 0, false));
    }
    for (ModelPlan p : overrides) {
      plans.put(p.id(), p);
    }
    configure(plans, 0);
  }

  private void configure(Map<String, ModelPlan> plans, int maxLoaded) {
    plans.keySet().forEach(id -> runners.putIfAbsent(id, new FakeRunner(id)));
    on(() -> {
      scheduler.update(new ModelPlans(plans, Map.of("gpu0", 9 * GIB), GIB, maxLoaded, 2000), runners);
      return Future.succeededFuture();
    });
  }

  private static ModelPlan plan(String id, long bytes, int priority, boolean pin) {
    return new ModelPlan(id, "gpu0", bytes, false, 0, priority, pin, false, false, null);
  }

  private <T> T on(Supplier<Future<T>> action) {
    Promise<T> p = Promise.promise();
    context.runOnContext(v -> action.get().onComplete(p));
    return Async.await(p.future());
  }

  private void request(String id) {
    on(() -> scheduler.acquire(id));
  }

  private void release(String id) {
    on(() -> {
      scheduler.release(id);
      return Future.succeededFuture();
    });
  }

  private List<String> loaded() {
    return on(() -> Future.succeededFuture(scheduler.models().stream()
        .filter(m -> m.state().equals("loaded")).map(MemoryScheduler.ModelView::id).toList()));
  }

  @Test
  void loadsWhatFitsWithoutStoppingAnything() {
    threeModels();
    request("a");
    release("a");
    request("b");
    release("b");
    assertEquals(List.of("a", "b"), loaded());
    assertEquals(List.of(), stops);
  }

  @Test
  void makesRoomByStoppingTheLeastRecentlyUsedIdleModel() {
    threeModels();
    request("a");
    release("a");
    request("b");
    release("b");
    request("a");
    release("a"); // b is now the least recently used
    request("c");
    assertEquals(List.of("b@0"), stops);
    assertEquals(List.of("a", "c"), loaded());
    assertEquals(List.of("c"), swaps);
  }

  @Test
  void evictsLowerPriorityFirstAndPinnedNever() {
    threeModels(plan("a", 4 * GIB, 0, true), plan("b", 4 * GIB, 5, false));
    request("a");
    release("a");
    request("b");
    release("b");
    request("c"); // a is pinned, b has a priority: still b goes, a never
    assertEquals(List.of("b@0"), stops);
    release("c");
    threeModels(plan("a", 4 * GIB, 0, true), plan("b", 4 * GIB, 5, false), plan("c", 4 * GIB, 9, false));
    request("b"); // c (priority 9) goes before pinned a
    assertEquals(List.of("b@0", "c@0"), stops);
  }

  @Test
  void aStreamInFlightIsNeverCutAndNewRequestsForTheDrainingModelWait() {
    threeModels();
    request("a");
    request("b"); // both stay in flight
    Promise<Void> cWaits = Promise.promise();
    context.runOnContext(v -> scheduler.acquire("c").onComplete(cWaits));
    Async.until("a is chosen", () -> on(() -> Future.succeededFuture(
        scheduler.models().stream().anyMatch(m -> m.queued() > 0))));
    Promise<Void> aAgain = Promise.promise();
    context.runOnContext(v -> scheduler.acquire("a").onComplete(aAgain)); // a is draining: waits
    assertFalse(cWaits.future().isComplete());
    assertFalse(aAgain.future().isComplete());
    release("a"); // the last request of a ends: now it goes
    Async.await("c admitted", cWaits.future());
    assertEquals(List.of("a@0"), stops, "stopped only once nothing was in flight");
    release("b");
    Async.await("a back", aAgain.future());
    assertEquals(List.of("a@0", "b@0"), stops);
  }

  @Test
  void aModelLargerThanItsBudgetIsRefusedAtOnce() {
    threeModels(plan("c", 12 * GIB, 0, false));
    ApiError e = assertThrows(ApiError.class, () -> request("c"));
    assertEquals(503, e.status());
    assertTrue(e.body().encode().contains("model_too_large"), e.body().encode());
    assertTrue(e.getMessage().contains("12.0 GiB") && e.getMessage().contains("9.0 GiB"), e.getMessage());
    assertEquals(List.of(), loaded());
  }

  @Test
  void waitingInVainSaysWhatHoldsTheMemory() {
    threeModels(plan("a", 4 * GIB, 0, true), plan("b", 4 * GIB, 0, true));
    request("a");
    request("b");
    ApiError e = assertThrows(ApiError.class, () -> request("c"));
    assertTrue(e.body().encode().contains("swap_timeout"), e.body().encode());
    assertTrue(e.getMessage().contains("a 4.0 GiB (pinned)") && e.getMessage().contains("b 4.0 GiB (pinned)"),
        e.getMessage());
  }

  @Test
  void requestsQueuedForALoadedModelAreServedBeforeItIsSwappedOut() {
    threeModels(plan("a", 8 * GIB, 0, false), plan("b", 8 * GIB, 0, false));
    // A B A B A arriving together: one swap each way, not four.
    List<Future<Void>> all = new ArrayList<>();
    Promise<Void> queued = Promise.promise();
    context.runOnContext(v -> {
      for (String id : List.of("a", "b", "a", "b", "a")) {
        all.add(scheduler.acquire(id).onSuccess(x -> vertx.setTimer(5, t -> scheduler.release(id))));
      }
      queued.complete();
    });
    Async.await(queued.future());
    Async.await("all served", Future.all(all));
    Async.until("a stopped", () -> stops.size() >= 1);
    assertEquals(List.of("a@0"), stops, "a served its three, then b its two");
  }

  @Test
  void maxLoadedCapsTheCountToo() {
    Map<String, ModelPlan> plans = new LinkedHashMap<>();
    for (String id : List.of("a", "b")) {
      plans.put(id, plan(id, GIB, 0, false));
    }
    configure(plans, 1);
    request("a");
    release("a");
    request("b");
    assertEquals(List.of("a@0"), stops);
    assertEquals(List.of("b"), loaded());
  }

  @Test
  void unloadWaitsForTheRequestsInFlight() {
    threeModels();
    request("a");
    Promise<Void> unloaded = Promise.promise();
    context.runOnContext(v -> scheduler.unload("a").onComplete(unloaded));
    assertFalse(unloaded.future().isComplete());
    release("a");
    Async.await("unloaded", unloaded.future());
    assertEquals(List.of("a@0"), stops);
    assertEquals(List.of(), loaded());
  }

  /** A server that loads and stops within one timer tick and reports every change. */
  private final class FakeRunner implements Schedulable {
    private final String id;
    private ProcessState state = ProcessState.STOPPED;
    private int inFlight;
    private Promise<Void> ready;

    FakeRunner(String id) {
      this.id = id;
    }

    @Override
    public String id() {
      return id;
    }

    @Override
    public ProcessState state() {
      return state;
    }

    @Override
    public Future<Void> ensure() {
      if (state.serving()) {
        return Future.succeededFuture();
      }
      if (state == ProcessState.STOPPED) {
        state = ProcessState.STARTING;
        ready = Promise.promise();
        vertx.setTimer(2, t -> {
          state = ProcessState.RUNNING;
          ready.complete();
          scheduler.changed();
        });
      }
      return ready.future();
    }

    @Override
    public Future<Void> stop(String reason) {
      if (!state.serving()) {
        return Future.succeededFuture();
      }
      stops.add(id + "@" + inFlight);
      state = ProcessState.STOPPING;
      Promise<Void> done = Promise.promise();
      vertx.setTimer(2, t -> {
        state = ProcessState.STOPPED;
        done.complete();
        scheduler.changed();
      });
      return done.future();
    }

    @Override
    public void acquire() {
      inFlight++;
    }

    @Override
    public void release() {
      inFlight--;
    }

    @Override
    public int inFlight() {
      return inFlight;
    }

    @Override
    public long startupTimeoutMs() {
      return 5000;
    }
  }
}
