package dev.llmgateway.process;

import dev.llmgateway.bus.ProcessBus;
import dev.llmgateway.bus.ConfigBus;
import dev.llmgateway.bus.ConfigSnapshot;
import dev.llmgateway.config.GatewayConfig;
import dev.llmgateway.config.OllamaUrl;
import dev.llmgateway.config.SupervisionSettings;
import dev.llmgateway.metrics.GatewayMetrics;
import dev.llmgateway.metrics.MemoryMetrics;
import dev.llmgateway.api.ApiError;
import dev.llmgateway.bus.BusErrors;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.eventbus.Message;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.PoolOptions;
import dev.llmgateway.api.Connections;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Owns every child process the gateway starts: {@code llama-server} per llama.cpp entry (and LiteLLM
 * proxies when configured). Starts the models that have a role at boot and the others on their first
 * request, follows config changes, stops idle children and, on shutdown, all of them.
 *
 * <p>Event bus: the addresses and bodies in {@link ProcessBus}.
 */
public final class ProcessVerticle extends VerticleBase {


  private static final Logger LOG = LoggerFactory.getLogger(ProcessVerticle.class);

  private final Map<String, String> env;
  private final GatewayMetrics metrics;
  private final Map<String, Supervisor> supervisors = new LinkedHashMap<>();
  private HttpClient probeClient;
  private PidRegistry registry;
  private SupervisionSettings settings;
  private long idleTimer = -1;
  private MemoryService memory;

  public ProcessVerticle(Map<String, String> env, GatewayMetrics metrics) {
    this.env = Map.copyOf(env);
    this.metrics = metrics;
  }

  @Override
  public Future<?> start() {
    // No keep-alive: a probe must see the port as it is now, not through an old connection.
    probeClient = Connections.client(vertx, new HttpClientOptions().setKeepAlive(false), new PoolOptions());
    memory = new MemoryService(vertx, context, new MemoryMetrics(metrics.registry()));
    memory.keepCaches(probeClient, supervisors);
    return vertx.eventBus().<JsonObject>request(ConfigBus.CURRENT, null)
        .map(reply -> ConfigSnapshot.fromJson(reply.body()).config())
        .compose(config -> {
          settings = config.gateway().supervision();
          registry = new PidRegistry(stateFile(config, env));
          return vertx.executeBlocking(() -> {
            List<String> orphans = registry.stopOrphans(settings.stopGraceMs());
            if (!orphans.isEmpty()) {
              LOG.warn("stopped children left running by an earlier gateway: {}", orphans);
            }
            memory.probe(env);
            return setup(config);
          }).map(setup -> {
            apply(setup);
            return null;
          });
        })
        .onSuccess(v -> {
          var bus = vertx.eventBus();
          bus.<JsonObject>localConsumer(ConfigBus.CHANGED, msg -> onConfig(msg.body()));
          bus.<JsonObject>localConsumer(ProcessBus.LIST, msg -> msg.reply(list()));
          bus.<JsonObject>localConsumer(ProcessBus.ACQUIRE, this::acquire);
          bus.<JsonObject>localConsumer(ProcessBus.RELEASE, msg -> withSupervisor(msg, this::release));
          memory.listen();
          bus.<JsonObject>localConsumer(ProcessBus.COMMAND, this::command);
          bus.<JsonObject>localConsumer(ProcessBus.LOGS, msg -> withSupervisor(msg, s -> msg.reply(new JsonObject()
              .put("id", s.id()).put("lines", s.logs().all()))));
          idleTimer = vertx.setPeriodic(1000, t -> {
            long now = System.currentTimeMillis();
            supervisors.values().forEach(s -> s.checkIdle(now));
          });
        });
  }

  /** Stops every child: SIGTERM, then SIGKILL after the grace period. */
  @Override
  public Future<?> stop() {
    if (idleTimer >= 0) {
      vertx.cancelTimer(idleTimer);
    }
    memory.stop();
    List<Future<Void>> stops = new ArrayList<>();
    supervisors.values().forEach(s -> stops.add(s.stop("the gateway is shutting down")));
    return Future.join(stops)
        .timeout(settings.stopGraceMs() + 2000, TimeUnit.MILLISECONDS)
        .eventually(() -> probeClient.close());
  }

  private void onConfig(JsonObject payload) {
    GatewayConfig config = ConfigSnapshot.fromJson(payload).config();
    settings = config.gateway().supervision();
    vertx.executeBlocking(() -> setup(config)).onSuccess(this::apply);
  }

  /**
   * The children of a config, the memory plans of its models and whether its Ollama server runs on
   * this machine (files read, names resolved: built on a worker).
   */
  private record Setup(Map<String, ChildSpec> specs, ModelPlans plans, String ollamaUrl, boolean ollamaLocal,
      boolean memoryAuto, List<ModelPlans.RouterPlan> routers) {
  }

  private Setup setup(GatewayConfig config) {
    String ollama = config.gateway().ollamaUrl();
    boolean local = ollama != null && ChildSpecs.isLocal(OllamaUrl.host(ollama));
    return new Setup(ChildSpecs.build(config, env), memory.plan(config), ollama, local,
        config.gateway().memory().auto(), memory.routers(config));
  }

  /**
   * Adds, updates and removes supervisors to match the config; untouched ones are left alone. Models
   * with a role are loaded through the scheduler, so the boot respects the budgets too.
   */
  private void apply(Setup setup) {
    Map<String, ChildSpec> specs = setup.specs();
    List<String> boot = new ArrayList<>();
    Supervisor.Limits limits = new Supervisor.Limits(settings.restartBackoffMs(),
        settings.restartBackoffMaxMs(), settings.maxRestarts(), settings.restartWindowMs(),
        settings.stopGraceMs());
    for (String id : new ArrayList<>(supervisors.keySet())) {
      if (!specs.containsKey(id)) {
        Supervisor gone = supervisors.remove(id);
        gone.stop("removed from the config");
        vertx.eventBus().publish(ProcessBus.STATUS, gone.status().put("state", "removed"));
      }
    }
    specs.forEach((id, spec) -> {
      Supervisor existing = supervisors.get(id);
      if (existing == null) {
        Supervisor s = new Supervisor(vertx, context, probeClient, host, limits, spec);
        supervisors.put(id, s);
        vertx.eventBus().publish(ProcessBus.STATUS, s.status());
        if (spec.bootStart()) {
          boot.add(id);
        }
      } else {
        existing.update(spec);
      }
    });
    memory.apply(setup.plans(), supervisors);
    memory.routers(setup.routers(), probeClient);
    memory.watchOllama(setup.ollamaUrl(), setup.ollamaLocal() && memory.countsOllama(setup.plans(),
        !setup.memoryAuto()), probeClient);
    for (String id : boot) {
      Supervisor s = supervisors.get(id);
      Future<Void> load = setup.plans().plans().containsKey(id) ? memory.scheduler().load(id) : s.ensure();
      load.onFailure(err -> LOG.warn("{} (it has a role) is not loaded at start: {}", id, err.getMessage()));
    }
  }

  private void release(Supervisor s) {
    if (memory.scheduler().plans().plans().containsKey(s.id())) {
      memory.scheduler().release(s.id());
    } else {
      s.release();
    }
  }

  /**
   * A request for a model: through the memory scheduler (it may wait for room, or fail with
   * model_too_large or swap_timeout, carried as an ApiError). After a refused connection the child
   * most likely just died: its restart is awaited first.
   */
  private void acquire(Message<JsonObject> msg) {
    boolean refused = msg.body().getBoolean("refused", false);
    withSupervisor(msg, s -> {
      boolean scheduled = memory.scheduler().plans().plans().containsKey(s.id());
      Future<Void> before = refused ? s.ensureAfterRefusal().timeout(s.spec().startupTimeoutMs(),
          TimeUnit.MILLISECONDS) : Future.succeededFuture();
      before.compose(v -> scheduled ? memory.scheduler().acquire(s.id()) : legacyAcquire(s))
          .onComplete(ar -> {
            if (ar.succeeded()) {
              msg.reply(new JsonObject().put("id", s.id()).put("state", s.state().label())
                  .put("slots", s.serverSlots()));
            } else if (ar.cause() instanceof ApiError) {
              BusErrors.fail(msg, ar.cause());
            } else if (ar.cause() instanceof java.util.concurrent.TimeoutException) {
              msg.fail(ProcessBus.UNAVAILABLE, s.id() + " is still starting after "
                  + s.spec().startupTimeoutMs() / 1000 + " s (big models take a while: try again, or "
                  + "raise startup_timeout)");
            } else {
              msg.fail(ProcessBus.UNAVAILABLE, s.id() + " is not available: " + ar.cause().getMessage());
            }
          });
    });
  }

  /** A child the scheduler does not plan (none today but LiteLLM proxies): started, counted. */
  private static Future<Void> legacyAcquire(Supervisor s) {
    return s.ensure().timeout(s.spec().startupTimeoutMs(), TimeUnit.MILLISECONDS).onSuccess(v -> s.acquire());
  }

  private void command(Message<JsonObject> msg) {
    withSupervisor(msg, s -> {
      String action = msg.body().getString("action", "");
      Future<Void> step = switch (action) {
        case "start" -> {
          s.start();
          yield Future.succeededFuture();
        }
        case "restart" -> {
          s.restart();
          yield Future.succeededFuture();
        }
        case "stop" -> s.stop("stop requested");
        default -> null;
      };
      if (step == null) {
        msg.fail(400, "unknown action \"" + action + "\": use start, stop or restart");
        return;
      }
      step.onComplete(ar -> msg.reply(s.status()));
    });
  }

  private void withSupervisor(Message<JsonObject> msg, Consumer<Supervisor> action) {
    String id = msg.body() == null ? null : msg.body().getString("id");
    Supervisor s = id == null ? null : supervisors.get(id);
    if (s == null) {
      msg.fail(ProcessBus.NOT_FOUND, "no supervised process \"" + id + "\"; GET /admin/processes lists them");
    } else {
      action.accept(s);
    }
  }

  private JsonObject list() {
    JsonArray all = new JsonArray();
    supervisors.values().forEach(s -> all.add(s.status()));
    return new JsonObject().put("processes", all);
  }

  private final Supervisor.Host host = new Supervisor.Host() {
    @Override
    public Future<ChildProcess> launch(ChildSpec spec, Consumer<String> onLine) {
      return vertx.executeBlocking(() -> {
        ChildProcess child = ChildProcess.start(spec, context, onLine);
        registry.add(spec.id(), child.handle());
        return child;
      });
    }

    @Override
    public void forget(ChildProcess child) {
      long pid = child.pid();
      vertx.executeBlocking(() -> {
        registry.remove(pid);
        return null;
      });
    }

    @Override
    public void changed(Supervisor supervisor) {
      metrics.processState(supervisor.id(), supervisor.state().label());
      memory.scheduler().changed();
      vertx.eventBus().publish(ProcessBus.STATUS, supervisor.status());
    }

    @Override
    public void restarting(Supervisor supervisor) {
      metrics.processRestart(supervisor.id());
    }

    @Override
    public void logLine(Supervisor supervisor, JsonObject line) {
      vertx.eventBus().publish(ProcessBus.LOG_PREFIX + supervisor.id(), line);
    }
  };

  /** Where the PIDs of this config's children are recorded. */
  static Path stateFile(GatewayConfig config, Map<String, String> env) {
    return StateDir.of(config, env).resolve(StateDir.key(config) + "-children.json");
  }
}
