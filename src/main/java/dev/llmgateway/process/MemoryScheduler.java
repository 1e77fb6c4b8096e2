package dev.llmgateway.process;

import dev.llmgateway.api.ApiError;
import dev.llmgateway.config.ByteSize;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Decides which llama.cpp models are loaded so that each device stays within its budget. A request
 * ({@link #acquire}) for a loaded model goes through at once; otherwise it waits in the model's FIFO
 * queue while the model loads, or while room is made for it by stopping other models: least recently
 * used first, lowest priority first, models with a role after the others, pinned never. A model
 * chosen to make room ("draining") takes no new requests, finishes those in flight — a stream is
 * never cut — and is stopped when the last one ends; requests that arrive for it meanwhile wait for
 * it to come back. The room is claimed per device in the order requests arrived, so a busy loaded
 * model cannot starve a waiting one, and a model that was just loaded serves its whole queue before
 * it can be chosen (no A-B-A-B thrash within a queue).
 *
 * <p>Runs on the process verticle's event loop only. Every change (a request, a release, a state
 * change of a server) schedules one pass over the queues ({@link #changed}).
 */
final class MemoryScheduler {

  private static final Logger LOG = LoggerFactory.getLogger(MemoryScheduler.class);

  /** What the scheduler reports. */
  interface Listener {
    /** A model was loaded after others were stopped to make room for it. */
    void swapped(String id, long nanos);

    /** Something the load state or memory use depends on changed. */
    void changed();
  }

  /** keep_cache_on_swap: what is done to a model's cache around a swap (best effort, never fails). */
  interface CacheKeeper {
    CacheKeeper NONE = new CacheKeeper() {
      @Override
      public Future<Void> save(String id) {
        return Future.succeededFuture();
      }

      @Override
      public Future<Void> restore(String id) {
        return Future.succeededFuture();
      }
    };

    Future<Void> save(String id);

    Future<Void> restore(String id);
  }

  /** Memory held by something the scheduler does not run (an Ollama model), maybe unloadable. */
  record Foreign(String name, String device, long bytes, boolean unloadable) {
  }

  private final Vertx vertx;
  private final Context context;
  private final LongSupplier clock;
  private final Listener listener;
  private final Map<String, Slot> slots = new LinkedHashMap<>();
  private List<Foreign> foreign = List.of();
  private java.util.function.Function<Foreign, Future<Void>> unloadForeign = f -> Future.succeededFuture();
  private ModelPlans plans = new ModelPlans(Map.of(), Map.of(), 0, 0, 120_000);
  private boolean pumpScheduled;
  private CacheKeeper cache = CacheKeeper.NONE;

  private static final class Slot {
    final Schedulable runner;
    ModelPlan plan;
    final ArrayDeque<Waiter> waiting = new ArrayDeque<>();
    boolean draining;
    /** The model the room is being made for; null for an admin unload. */
    String drainingFor;
    boolean loading;
    long lastUsed;
    long swapStartNanos;
    /** A stop is under way (saving the cache first, or the server exiting). */
    boolean stopping;
    /** Its slots were saved when it last went: restore them when it is back. */
    boolean saved;
    /** Admin unloads waiting for the server to be gone. */
    final List<Promise<Void>> unloaded = new ArrayList<>();

    Slot(Schedulable runner, ModelPlan plan) {
      this.runner = runner;
      this.plan = plan;
    }
  }

  private static final class Waiter {
    final Promise<Void> promise = Promise.promise();
    final long since;
    final boolean counts;
    long timer = -1;

    Waiter(long since, boolean counts) {
      this.since = since;
      this.counts = counts;
    }
  }

  MemoryScheduler(Vertx vertx, Context context, LongSupplier clock, Listener listener) {
    this.vertx = vertx;
    this.context = context;
    this.clock = clock;
    this.listener = listener;
  }

  // --- configuration ----------------------------------------------------------------------

  /** New plans and budgets; models no longer in {@code runners} are forgotten (their waiters failed). */
  void update(ModelPlans next, Map<String, ? extends Schedulable> runners) {
    plans = next;
    for (String id : new ArrayList<>(slots.keySet())) {
      if (!runners.containsKey(id) || !next.plans().containsKey(id)) {
        Slot gone = slots.remove(id);
        failAll(gone, new ApiError(503, "api_error", "model_unavailable", "model",
            id + " was removed from the config"));
      }
    }
    runners.forEach((id, runner) -> {
      ModelPlan plan = next.plans().get(id);
      if (plan == null) {
        return;
      }
      Slot slot = slots.get(id);
      if (slot == null || slot.runner != runner) {
        slots.put(id, new Slot(runner, plan));
      } else {
        slot.plan = plan;
      }
    });
    changed();
  }

  void foreign(List<Foreign> consumers, java.util.function.Function<Foreign, Future<Void>> unload) {
    foreign = List.copyOf(consumers);
    unloadForeign = unload;
    changed();
  }

  ModelPlans plans() {
    return plans;
  }

  void cache(CacheKeeper keeper) {
    cache = keeper;
  }

  // --- requests ---------------------------------------------------------------------------

  /** Completes once the request may go to the model (counted in flight until {@link #release}). */
  Future<Void> acquire(String id) {
    return enqueue(id, true);
  }

  /** Loads a model as a request would (making room), without counting a request. */
  Future<Void> load(String id) {
    return enqueue(id, false);
  }

  private Future<Void> enqueue(String id, boolean counts) {
    Slot slot = slots.get(id);
    if (slot == null) {
      return Future.failedFuture(new ApiError(404, "invalid_request_error", "model_not_found", "model",
          "no llama.cpp model \"" + id + "\""));
    }
    ApiError tooLarge = tooLarge(slot);
    if (tooLarge != null) {
      return Future.failedFuture(tooLarge);
    }
    if (slot.runner.state().serving() && !slot.draining && !slot.loading && slot.waiting.isEmpty()) {
      admit(slot, counts);
      return Future.succeededFuture();
    }
    Waiter w = new Waiter(clock.getAsLong(), counts);
    slot.waiting.add(w);
    w.timer = vertx.setTimer(Math.max(1, plans.swapTimeoutMs()), t -> timedOut(slot, w));
    changed();
    return w.promise.future();
  }

  void release(String id) {
    Slot slot = slots.get(id);
    if (slot != null) {
      slot.runner.release();
      slot.lastUsed = clock.getAsLong();
      if (slot.draining && slot.runner.inFlight() == 0) {
        changed();
      }
    }
  }

  /** Stops a model once its requests in flight are done; completes when it is stopped. */
  Future<Void> unload(String id) {
    Slot slot = slots.get(id);
    if (slot == null) {
      return Future.failedFuture(new ApiError(404, "invalid_request_error", "model_not_found", "model",
          "no llama.cpp model \"" + id + "\""));
    }
    if (!Schedulable.holdsMemory(slot.runner.state()) && !slot.loading) {
      return Future.succeededFuture();
    }
    slot.draining = true;
    slot.drainingFor = null;
    Promise<Void> done = Promise.promise();
    slot.unloaded.add(done);
    changed();
    return done.future();
  }

  private void admit(Slot slot, boolean counts) {
    if (counts) {
      slot.runner.acquire();
    }
    slot.lastUsed = clock.getAsLong();
  }

  /** Schedules one pass over the queues (several changes in one turn of the event loop share it). */
  void changed() {
    if (!pumpScheduled) {
      pumpScheduled = true;
      context.runOnContext(v -> {
        pumpScheduled = false;
        pump();
        listener.changed();
      });
    }
  }

  // --- the pass ---------------------------------------------------------------------------

  private void pump() {
    // A model drained for a waiter that is gone (timed out, failed) goes back to serving.
    for (Slot s : slots.values()) {
      if (s.draining && s.drainingFor != null) {
        Slot target = slots.get(s.drainingFor);
        if (target == null || (target.waiting.isEmpty() && !target.loading)) {
          s.draining = false;
          s.drainingFor = null;
        }
      }
    }
    // Drained models with nothing in flight are stopped.
    for (Slot s : slots.values()) {
      if (s.draining && !s.stopping && s.runner.inFlight() == 0 && s.runner.state() == ProcessState.RUNNING) {
        stop(s, s.drainingFor == null ? "unload requested" : "making room for " + s.drainingFor);
      } else if (s.draining && !s.loading && !Schedulable.holdsMemory(s.runner.state())) {
        s.draining = false;
        s.drainingFor = null;
        s.unloaded.forEach(Promise::tryComplete);
        s.unloaded.clear();
      }
    }
    // Queues of loaded models first: what waits for a model that is there is served before any
    // model is chosen to make room (a model just loaded serves its queue before it can go).
    for (Slot slot : slots.values()) {
      if (slot.runner.state().serving() && !slot.draining && !slot.loading) {
        while (!slot.waiting.isEmpty()) {
          Waiter w = slot.waiting.poll();
          vertx.cancelTimer(w.timer);
          admit(slot, w.counts);
          w.promise.tryComplete();
        }
      }
    }
    List<Slot> queued = slots.values().stream().filter(s -> !s.waiting.isEmpty())
        .sorted(Comparator.comparingLong(s -> s.waiting.peek().since)).toList();
    Set<String> blocked = new HashSet<>();
    for (Slot slot : queued) {
      ProcessState state = slot.runner.state();
      if (slot.draining || slot.loading || state == ProcessState.STARTING || state == ProcessState.BACKOFF
          || state == ProcessState.STOPPING || state.serving()) {
        continue; // wait for the next change
      }
      if (state == ProcessState.FAILED) {
        start(slot); // fails at once with the reason and how to retry
        continue;
      }
      String device = slot.plan.device();
      if (blocked.contains(device) || blocked.contains("*")) {
        continue;
      }
      if (fits(slot)) {
        start(slot);
      } else {
        makeRoom(slot);
        blocked.add(device);
        if (plans.maxLoaded() > 0 && countLoaded() >= plans.maxLoaded()) {
          blocked.add("*");
        }
      }
    }
  }

  private boolean fits(Slot slot) {
    String device = slot.plan.device();
    boolean bytesFit = used(device) + slot.plan.bytes() <= plans.usable(device);
    return bytesFit && (plans.maxLoaded() <= 0 || countLoaded() < plans.maxLoaded());
  }

  private long used(String device) {
    long used = 0;
    for (Slot s : slots.values()) {
      if (s.plan.device().equals(device) && (s.loading || Schedulable.holdsMemory(s.runner.state()))) {
        used += s.plan.bytes();
      }
    }
    for (Foreign f : foreign) {
      if (f.device().equals(device)) {
        used += f.bytes();
      }
    }
    return used;
  }

  private int countLoaded() {
    return (int) slots.values().stream()
        .filter(s -> s.loading || Schedulable.holdsMemory(s.runner.state())).count();
  }

  /**
   * Chooses the models to stop so that {@code slot} fits, and starts draining them; nothing is
   * stopped when even all of them would not be enough (pinned models, servers the gateway did not
   * start or loading models hold the rest: the request waits, then says so).
   */
  private void makeRoom(Slot slot) {
    String device = slot.plan.device();
    long need = used(device) + slot.plan.bytes() - plans.usable(device);
    int needCount = plans.maxLoaded() > 0 ? countLoaded() + 1 - plans.maxLoaded() : 0;
    // Already on their way out: count them first.
    for (Slot s : slots.values()) {
      if (s != slot && (s.draining || s.runner.state() == ProcessState.STOPPING)
          && Schedulable.holdsMemory(s.runner.state())) {
        if (s.plan.device().equals(device)) {
          need -= s.plan.bytes();
        }
        needCount--;
      }
    }
    List<Slot> chosen = new ArrayList<>();
    boolean countBound = needCount > 0;
    List<Slot> candidates = slots.values().stream()
        .filter(s -> s != slot && !s.plan.pin() && !s.draining && !s.loading
            && s.runner.state() == ProcessState.RUNNING
            && (s.plan.device().equals(device) || countBound))
        .sorted(Comparator.<Slot>comparingInt(s -> s.plan.priority())
            .thenComparing(s -> s.plan.evictLast())
            .thenComparingLong(s -> s.lastUsed))
        .toList();
    for (Slot s : candidates) {
      if (need <= 0 && needCount <= 0) {
        break;
      }
      if ((s.plan.device().equals(device) && need > 0) || needCount > 0) {
        chosen.add(s);
        if (s.plan.device().equals(device)) {
          need -= s.plan.bytes();
        }
        needCount--;
      }
    }
    List<Foreign> foreignChosen = new ArrayList<>();
    for (Foreign f : foreign) {
      if (need > 0 && f.unloadable() && f.device().equals(device)) {
        foreignChosen.add(f);
        need -= f.bytes();
      }
    }
    if (need > 0 || needCount > 0) {
      return; // not possible now; the request waits for a change (or its timeout)
    }
    if (slot.swapStartNanos == 0 && (!chosen.isEmpty() || !foreignChosen.isEmpty())) {
      slot.swapStartNanos = System.nanoTime();
    }
    for (Slot s : chosen) {
      LOG.info("making room for {} ({}) on {}: {} is swapped out once its {} request(s) in flight end",
          slot.plan.id(), ByteSize.format(slot.plan.bytes()), device, s.plan.id(), s.runner.inFlight());
      s.draining = true;
      s.drainingFor = slot.plan.id();
      if (s.runner.inFlight() == 0 && !s.stopping) {
        stop(s, "making room for " + slot.plan.id());
      }
    }
    for (Foreign f : foreignChosen) {
      LOG.info("making room for {} on {}: unloading the idle Ollama model {}", slot.plan.id(), device, f.name());
      foreign = foreign.stream().filter(x -> x != f).toList();
      unloadForeign.apply(f).onComplete(ar -> changed());
    }
  }

  private Future<Void> stop(Slot s, String reason) {
    s.stopping = true;
    Future<Void> before = s.plan.keepCache() && s.runner.state() == ProcessState.RUNNING
        ? cache.save(s.plan.id()).onComplete(ar -> s.saved = true) : Future.succeededFuture();
    return before.compose(v -> s.runner.stop(reason)).onComplete(ar -> {
      s.stopping = false;
      changed();
    });
  }

  private void start(Slot slot) {
    slot.loading = true;
    slot.runner.ensure()
        .timeout(slot.runner.startupTimeoutMs(), TimeUnit.MILLISECONDS)
        .compose(v -> slot.saved && slot.plan.keepCache()
            ? cache.restore(slot.plan.id()).onComplete(r -> slot.saved = false) : Future.succeededFuture())
        .onComplete(ar -> {
          slot.loading = false;
          if (ar.succeeded()) {
            if (slot.swapStartNanos > 0) {
              listener.swapped(slot.plan.id(), System.nanoTime() - slot.swapStartNanos);
            }
          } else {
            String why = ar.cause() instanceof java.util.concurrent.TimeoutException
                ? slot.plan.id() + " is still starting after " + slot.runner.startupTimeoutMs() / 1000
                    + " s (big models take a while: try again, or raise startup_timeout)"
                : slot.plan.id() + " is not available: " + ar.cause().getMessage();
            failAll(slot, new ApiError(503, "api_error", "model_unavailable", "model", why));
          }
          slot.swapStartNanos = 0;
          changed();
        });
  }

  private void timedOut(Slot slot, Waiter w) {
    if (!slot.waiting.contains(w)) {
      return;
    }
    ProcessState state = slot.runner.state();
    if (slot.loading || state == ProcessState.STARTING || state == ProcessState.BACKOFF) {
      return; // the load (or the restart after a crash) decides: it has its own startup timeout
    }
    slot.waiting.remove(w);
    w.promise.tryFail(new ApiError(503, "api_error", "swap_timeout", "model",
        "no room for " + slot.plan.id() + " (" + ByteSize.format(slot.plan.bytes()) + ") on "
            + slot.plan.device() + " after " + plans.swapTimeoutMs() / 1000 + " s (gateway.memory."
            + "swap_timeout_seconds): " + holders(slot.plan.device())));
    changed();
  }

  private void failAll(Slot slot, ApiError error) {
    while (!slot.waiting.isEmpty()) {
      Waiter w = slot.waiting.poll();
      vertx.cancelTimer(w.timer);
      w.promise.tryFail(error);
    }
  }

  private ApiError tooLarge(Slot slot) {
    long usable = plans.usable(slot.plan.device());
    if (slot.plan.bytes() <= usable) {
      return null;
    }
    Long budget = plans.budgets().get(slot.plan.device());
    return new ApiError(503, "api_error", "model_too_large", "model", slot.plan.id() + " needs "
        + ByteSize.format(slot.plan.bytes()) + (slot.plan.estimated() ? " (estimated from its GGUF)" : "")
        + " but " + slot.plan.device() + " has a budget of " + ByteSize.format(budget == null ? 0 : budget)
        + " with " + ByteSize.format(plans.reserveBytes()) + " reserved: it can never be loaded there; "
        + "raise gateway.memory.budget, lower ctx_size, or set its memory:");
  }

  /** What holds a device's memory, for the message of a request that waited in vain. */
  String holders(String device) {
    List<String> parts = new ArrayList<>();
    for (Slot s : slots.values()) {
      if (s.plan.device().equals(device) && (s.loading || Schedulable.holdsMemory(s.runner.state()))) {
        String why = s.plan.pin() ? "pinned" : s.runner.state() == ProcessState.EXTERNAL
            ? "started outside the gateway" : s.loading || s.runner.state() == ProcessState.STARTING
            ? "loading" : s.runner.inFlight() > 0 ? s.runner.inFlight() + " request(s) in flight" : "idle";
        parts.add(s.plan.id() + " " + ByteSize.format(s.plan.bytes()) + " (" + why + ")");
      }
    }
    foreign.stream().filter(f -> f.device().equals(device))
        .forEach(f -> parts.add("Ollama " + f.name() + " " + ByteSize.format(f.bytes())));
    Long budget = plans.budgets().get(device);
    return "held by " + (parts.isEmpty() ? "nothing" : String.join(", ", parts)) + "; budget "
        + (budget == null ? "unlimited" : ByteSize.format(budget)) + ", "
        + ByteSize.format(plans.reserveBytes()) + " reserved";
  }

  // --- the view ---------------------------------------------------------------------------

  /** One model's load state as clients see it. */
  /** {@code external}: a server the gateway found running and did not start (never stopped by it). */
  record ModelView(String id, String device, long bytes, String state, Long lastUsed, long nCtx,
      int queued, int inFlight, boolean external, int slots) {
  }

  List<ModelView> models() {
    List<ModelView> out = new ArrayList<>();
    for (Slot s : slots.values()) {
      out.add(new ModelView(s.plan.id(), s.plan.device(), s.plan.bytes(), loadState(s),
          s.lastUsed == 0 ? null : s.lastUsed, s.plan.nCtx(), s.waiting.size(), s.runner.inFlight(),
          s.runner.state() == ProcessState.EXTERNAL, s.runner.serverSlots()));
    }
    return out;
  }

  List<Foreign> foreignConsumers() {
    return foreign;
  }

  long usedBytes(String device) {
    return used(device);
  }

  private static String loadState(Slot s) {
    ProcessState st = s.runner.state();
    if (s.loading || st == ProcessState.STARTING || st == ProcessState.BACKOFF) {
      return "loading";
    }
    if (st == ProcessState.FAILED) {
      return "failed";
    }
    // A server still exiting holds its memory: loaded until it is gone.
    return Schedulable.holdsMemory(st) ? "loaded" : "unloaded";
  }

  /** For logs: the devices and what is on them. */
  @Override
  public String toString() {
    return slots.values().stream().map(s -> s.plan.id() + "=" + loadState(s)).collect(Collectors.joining(", "));
  }
}
