package dev.llmgateway.process;

import dev.llmgateway.api.ApiError;
import dev.llmgateway.bus.BusErrors;
import dev.llmgateway.bus.MemoryBus;
import dev.llmgateway.config.GatewayConfig;
import dev.llmgateway.metrics.MemoryMetrics;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.Message;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.nio.file.Path;
import dev.llmgateway.config.OllamaUrl;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Objects;
import java.util.Map;
import java.util.TreeSet;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The memory side of the process verticle: the device budgets (detected once), the plans of the
 * current config, the {@link MemoryScheduler} and its bus addresses ({@link MemoryBus}), the view
 * {@code /admin/memory} and {@code /v1/models} show, and the memory metrics.
 */
final class MemoryService {

  private static final Logger LOG = LoggerFactory.getLogger(MemoryService.class);
  private static final long ROUTER_LOAD_MS = 120_000;

  private final Vertx vertx;
  private final MemoryMetrics metrics;
  private final MemoryScheduler scheduler;
  private DeviceProbe probe = new DeviceProbe(Map.of(), "not probed yet");
  private JsonObject lastStates;
  private OllamaWatch ollama;
  private String ollamaAddress;
  private List<MemoryScheduler.Foreign> ollamaModels = List.of();
  private final Map<String, LlamaRouterWatch> routers = new LinkedHashMap<>();
  private List<ModelPlans.RouterPlan> routerPlans = List.of();
  private io.vertx.core.http.HttpClient routerClient;

  MemoryService(Vertx vertx, Context context, MemoryMetrics metrics) {
    this.vertx = vertx;
    this.metrics = metrics;
    this.scheduler = new MemoryScheduler(vertx, context, System::currentTimeMillis, new MemoryScheduler.Listener() {
      @Override
      public void swapped(String id, long nanos) {
        metrics.swap(id, nanos);
      }

      @Override
      public void changed() {
        published();
      }
    });
  }

  MemoryScheduler scheduler() {
    return scheduler;
  }

  /** Blocking: asks the GPU tools or reads /proc/meminfo. Once, at start. */
  void probe(Map<String, String> env) {
    probe = DeviceProbe.detect(env, Path.of("/proc/meminfo"));
    LOG.info("memory budgets from {}: {}", probe.source(), probe.totals());
  }

  /** Blocking (reads GGUF headers): the plans of a config. */
  ModelPlans plan(GatewayConfig config) {
    ModelPlans plans = ModelPlans.build(config, probe);
    plans.plans().values().stream().filter(p -> p.note() != null)
        .forEach(p -> LOG.warn("{}: {}", p.id(), p.note()));
    return plans;
  }

  /** Follows the {@code llama_router} entries: one watch per router, each counted as one consumer. */
  void routers(List<ModelPlans.RouterPlan> plans, io.vertx.core.http.HttpClient client) {
    routerClient = client;
    routerPlans = plans;
    Map<String, ModelPlans.RouterPlan> byId = new LinkedHashMap<>();
    plans.forEach(p -> byId.put(p.id(), p));
    routers.values().removeIf(w -> {
      ModelPlans.RouterPlan p = byId.get(w.id());
      boolean gone = p == null || !w.address().equals(p.host() + ":" + p.port());
      if (gone) {
        w.stop();
      }
      return gone;
    });
    plans.forEach(p -> routers.computeIfAbsent(p.id(), id -> {
      LlamaRouterWatch w = new LlamaRouterWatch(vertx, client, id, p.host(), p.port(), scheduler::changed);
      w.start();
      return w;
    }));
    pushForeign();
  }

  private void pushForeign() {
    List<MemoryScheduler.Foreign> all = new java.util.ArrayList<>(ollamaModels);
    routerPlans.forEach(p -> all.add(new MemoryScheduler.Foreign(p.id(), p.device(), p.bytes(), false)));
    scheduler.foreign(all, this::unloadOllama);
  }

  /** A {@code <router>/<model>} id: its router's watch and the model's name, or null. */
  private Map.Entry<LlamaRouterWatch, String> routed(String id) {
    int slash = id.indexOf('/');
    LlamaRouterWatch w = slash > 0 ? routers.get(id.substring(0, slash)) : null;
    return w == null ? null : Map.entry(w, id.substring(slash + 1));
  }

  /** Saves and restores the slots of models with keep_cache_on_swap, through their servers' API. */
  void keepCaches(io.vertx.core.http.HttpClient client, Map<String, Supervisor> supervisors) {
    SlotCache slots = new SlotCache(client);
    scheduler.cache(new MemoryScheduler.CacheKeeper() {
      @Override
      public Future<Void> save(String id) {
        Supervisor s = supervisors.get(id);
        return s == null ? Future.succeededFuture() : slots.save(s.spec());
      }

      @Override
      public Future<Void> restore(String id) {
        Supervisor s = supervisors.get(id);
        return s == null ? Future.succeededFuture() : slots.restore(s.spec());
      }
    });
  }

  /** Blocking: the llama_router entries of a config. */
  List<ModelPlans.RouterPlan> routers(GatewayConfig config) {
    return ModelPlans.routers(config, probe);
  }

  /** Follows a new config: the llama.cpp servers among the supervisors are scheduled. */
  void apply(ModelPlans plans, Map<String, Supervisor> supervisors) {
    Map<String, Supervisor> llama = new LinkedHashMap<>();
    supervisors.forEach((id, s) -> {
      if (s.spec().kind() == ChildSpec.Kind.LLAMA_SERVER) {
        llama.put(id, s);
      }
    });
    scheduler.update(plans, llama);
  }

  /**
   * Counts the models of the Ollama server at {@code url} when it runs on this machine
   * ({@code local}, resolved on a worker); a changed URL replaces the watch.
   */
  void watchOllama(String url, boolean local, io.vertx.core.http.HttpClient client) {
    String address = local && url != null ? url : null;
    if (Objects.equals(address, ollamaAddress)) {
      return;
    }
    if (ollama != null) {
      ollama.stop();
      ollama = null;
      ollamaModels = List.of();
      pushForeign();
    }
    ollamaAddress = address;
    if (address != null) {
      OllamaWatch watch = new OllamaWatch(vertx, client, OllamaUrl.host(address), OllamaUrl.port(address),
          () -> scheduler.plans().budgets().containsKey("gpu0"), found -> {
            ollamaModels = found;
            pushForeign();
          });
      ollama = watch;
      watch.start(OllamaWatch.POLL_MS);
    }
  }

  /**
   * Ollama's models matter where memory is scarce: when this machine has a GPU, or when the budget is
   * set by hand. On a machine without a GPU and {@code budget: auto}, Ollama (in the machine's
   * memory) is not polled.
   */
  boolean countsOllama(ModelPlans plans, boolean explicitBudget) {
    return !plans.plans().isEmpty()
        && (explicitBudget || probe.totals().keySet().stream().anyMatch(d -> d.startsWith("gpu")));
  }

  private Future<Void> unloadOllama(MemoryScheduler.Foreign model) {
    return ollama == null ? Future.succeededFuture() : ollama.unload(model);
  }

  void stop() {
    if (ollama != null) {
      ollama.stop();
    }
    routers.values().forEach(LlamaRouterWatch::stop);
  }

  void listen() {
    var bus = vertx.eventBus();
    bus.<JsonObject>localConsumer(MemoryBus.SNAPSHOT, msg -> msg.reply(snapshot()));
    bus.<JsonObject>localConsumer(MemoryBus.STATES_NOW, msg -> msg.reply(states()));
    bus.<JsonObject>localConsumer(MemoryBus.LOAD, msg -> {
      var routed = routed(id(msg));
      answer(msg, routed != null ? routed.getKey().load(routed.getValue(), ROUTER_LOAD_MS) : scheduler.load(id(msg)),
          "loaded");
    });
    bus.<JsonObject>localConsumer(MemoryBus.UNLOAD, msg -> {
      var routed = routed(id(msg));
      answer(msg, routed != null ? routed.getKey().unload(routed.getValue(), ROUTER_LOAD_MS)
          : scheduler.unload(id(msg)), "unloaded");
    });
  }

  private static String id(Message<JsonObject> msg) {
    return msg.body() == null ? "" : msg.body().getString("id", "");
  }

  private void answer(Message<JsonObject> msg, Future<Void> step, String state) {
    step.onComplete(ar -> {
      if (ar.succeeded()) {
        msg.reply(new JsonObject().put("id", id(msg)).put("state", state));
      } else {
        BusErrors.fail(msg, ar.cause() instanceof ApiError ? ar.cause()
            : new ApiError(503, "api_error", "model_unavailable", "model", ar.cause().getMessage()));
      }
    });
  }

  /** {@code GET /admin/memory}. */
  JsonObject snapshot() {
    ModelPlans plans = scheduler.plans();
    TreeSet<String> names = new TreeSet<>(plans.budgets().keySet());
    scheduler.models().forEach(m -> names.add(m.device()));
    scheduler.foreignConsumers().forEach(f -> names.add(f.device()));
    JsonArray devices = new JsonArray();
    for (String device : names) {
      JsonArray models = new JsonArray();
      scheduler.models().stream().filter(m -> m.device().equals(device)).forEach(m -> models.add(new JsonObject()
          .put("id", m.id()).put("bytes", m.bytes()).put("state", m.state())
          .put("last_used", m.lastUsed() == null ? null : java.time.Instant.ofEpochMilli(m.lastUsed()).toString())));
      scheduler.foreignConsumers().stream().filter(f -> f.device().equals(device)).forEach(f -> models.add(
          new JsonObject().put("id", f.name()).put("bytes", f.bytes()).put("state", "loaded")
              .putNull("last_used")));
      devices.add(new JsonObject()
          .put("name", device)
          .put("budget_bytes", plans.budgets().get(device))
          .put("used_bytes", scheduler.usedBytes(device))
          .put("models", models));
    }
    return new JsonObject().put("devices", devices).put("reserve_bytes", plans.reserveBytes())
        .put("source", probe.source());
  }

  /** What {@code /v1/models} needs of every llama.cpp model. */
  JsonObject states() {
    JsonArray models = new JsonArray();
    scheduler.models().forEach(m -> {
      JsonObject state = new JsonObject().put("id", m.id()).put("state", m.state())
          .put("bytes", m.bytes()).put("device", m.device()).put("n_ctx", m.nCtx());
      if (m.slots() > 0) {
        state.put("slots", m.slots()); // what the routers admit when no limit is configured
      }
      if (m.external()) {
        state.put("external", true); // the routers need not ask before each request (SupervisedGate)
      }
      models.add(state);
    });
    // The models of each llama_router, as it reports them; their memory is the router's.
    routers.values().forEach(w -> w.states().forEach((name, state) -> models.add(new JsonObject()
        .put("id", w.id() + "/" + name).put("state", state).putNull("bytes").putNull("device").putNull("n_ctx")
        .put("router", w.id()))));
    return new JsonObject().put("models", models);
  }

  /** After every pass: the metrics, and the states to the routers when they changed. */
  private void published() {
    ModelPlans plans = scheduler.plans();
    plans.budgets().forEach((device, budget) -> metrics.device(device, budget, scheduler.usedBytes(device)));
    JsonObject states = states();
    if (!states.equals(lastStates)) {
      lastStates = states;
      vertx.eventBus().publish(MemoryBus.STATES, states);
    }
  }
}
