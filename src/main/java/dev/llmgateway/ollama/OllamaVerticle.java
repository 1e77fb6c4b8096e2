package dev.llmgateway.ollama;

import dev.llmgateway.bus.ConfigBus;
import dev.llmgateway.bus.ConfigSnapshot;
import dev.llmgateway.bus.BusErrors;
import dev.llmgateway.bus.OllamaBus;
import dev.llmgateway.metrics.GatewayMetrics;
import dev.llmgateway.config.GatewayConfig;
import dev.llmgateway.config.LocalModel;
import dev.llmgateway.config.MainMode;
import dev.llmgateway.config.OllamaNames;
import dev.llmgateway.config.Overrides;
import dev.llmgateway.api.ApiError;
import dev.llmgateway.model.ModelCatalog;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.eventbus.EventBus;
import io.vertx.core.eventbus.Message;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.PoolOptions;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The one place that speaks Ollama's management API for the running gateway: lists and deletes
 * models, runs pulls as jobs (progress published on {@code llm.ollama.pull.<id>}), and selects the
 * main model (writing llm.yml back). One instance; the admin endpoints of every router instance ask
 * it over the event bus ({@link OllamaBus}).
 */
public final class OllamaVerticle extends VerticleBase {

  private static final Logger LOG = LoggerFactory.getLogger(OllamaVerticle.class);
  /** How long a finished pull stays readable. */
  static final long RETENTION_MS = TimeUnit.MINUTES.toMillis(10);
  /** How long {@code POST /admin/ollama/pulls} waits for Ollama to accept before answering 202. */
  private static final long ACCEPT_WAIT_MS = 5_000;

  private final Overrides overrides;
  private final GatewayMetrics metrics;
  private HttpClient http;
  private PullJobs jobs;
  private OllamaDiscovery discovery;
  private GatewayConfig config;

  public OllamaVerticle(Overrides overrides, GatewayMetrics metrics) {
    this.overrides = overrides;
    this.metrics = metrics;
  }

  @Override
  public Future<?> start() {
    http = vertx.createHttpClient(new HttpClientOptions().setKeepAlive(true).setKeepAliveTimeout(3)
        .setTcpNoDelay(true), new PoolOptions().setHttp1MaxSize(32));
    jobs = new PullJobs(vertx, RETENTION_MS, metrics);
    // Polls wait for a short answer: a hung Ollama must not hold discovery for the request timeout.
    discovery = new OllamaDiscovery(vertx, () -> new OllamaClient(http, config.gateway().ollamaUrl(),
        config.gateway().connectTimeoutMs(), OllamaDiscovery.ANSWER_TIMEOUT_MS),
        () -> config.gateway().ollamaDiscovery());
    EventBus bus = vertx.eventBus();
    return bus.<JsonObject>request(ConfigBus.CURRENT, null).map(reply -> {
      config = ConfigSnapshot.fromJson(reply.body()).config();
      bus.<JsonObject>consumer(ConfigBus.CHANGED, msg -> {
        GatewayConfig before = config;
        config = ConfigSnapshot.fromJson(msg.body()).config();
        if (before.gateway().ollamaDiscovery() != config.gateway().ollamaDiscovery()
            || !before.gateway().ollamaUrl().equals(config.gateway().ollamaUrl())) {
          discovery.refresh();
        }
      });
      bus.<JsonObject>consumer(OllamaBus.DISCOVERED_CURRENT, msg -> msg.reply(discovery.current()));
      bus.<JsonObject>consumer(OllamaBus.RUNNING, msg -> answer(msg,
          client(urlOf(msg)).running()));
      bus.<JsonObject>consumer(OllamaBus.SHOW, msg -> answer(msg,
          client(urlOf(msg)).show(msg.body().getString("model", ""), msg.body().getBoolean("verbose", false))));
      bus.<JsonObject>consumer(OllamaBus.MODELS, this::models);
      bus.<JsonObject>consumer(OllamaBus.DELETE_MODEL, this::deleteModel);
      bus.<JsonObject>consumer(OllamaBus.PULLS_START, this::startPull);
      bus.<JsonObject>consumer(OllamaBus.PULLS_LIST, msg -> msg.reply(new JsonObject()
          .put("pulls", new JsonArray(jobs.all().stream().map(PullJob::toJson).toList()))));
      bus.<JsonObject>consumer(OllamaBus.PULLS_GET, msg -> withJob(msg, job -> msg.reply(job.toJson())));
      bus.<JsonObject>consumer(OllamaBus.PULLS_CANCEL, this::cancelPull);
      bus.<JsonObject>consumer(OllamaBus.SET_MAIN, this::setMain);
      discovery.start();
      return null;
    });
  }

  /** The server a request names ({@code url}), else the configured one. */
  private String urlOf(Message<JsonObject> msg) {
    String url = msg.body() == null ? null : msg.body().getString("url");
    return url == null ? config.gateway().ollamaUrl() : url;
  }

  private static void answer(Message<JsonObject> msg, Future<JsonObject> result) {
    result.onComplete(ar -> {
      if (ar.succeeded()) {
        msg.reply(ar.result());
      } else {
        BusErrors.fail(msg, ar.cause());
      }
    });
  }

  @Override
  public Future<?> stop() {
    discovery.stop();
    jobs.cancelAll("the gateway is stopping");
    return http.close();
  }

  private OllamaClient client(String url) {
    return new OllamaClient(http, url, config.gateway().connectTimeoutMs(), config.gateway().requestTimeoutMs());
  }

  private OllamaClient client() {
    return client(config.gateway().ollamaUrl());
  }

  private void models(Message<JsonObject> msg) {
    OllamaClient client = client();
    client.models().onComplete(ar -> {
      if (ar.failed()) {
        BusErrors.fail(msg, ar.cause());
        return;
      }
      ModelCatalog catalog = new ModelCatalog(config);
      JsonArray models = new JsonArray();
      for (OllamaModel m : ar.result()) {
        LocalModel entry = entryFor(m.name());
        models.add(m.raw().copy()
            .put("entry", entry == null ? null : entry.ref())
            .put("roles", new JsonArray(entry == null ? List.of() : catalog.rolesOf(entry.ref()))));
      }
      msg.reply(new JsonObject().put("url", client.url()).put("models", models));
    });
  }

  /** The first {@code type: ollama} entry for a model served by the configured Ollama, or null. */
  private LocalModel entryFor(String name) {
    return config.localModels().stream().filter(LocalModel::ollama)
        .filter(m -> OllamaNames.same(m.path(), name)).findFirst().orElse(null);
  }

  private void deleteModel(Message<JsonObject> msg) {
    String model = msg.body().getString("model", "");
    LocalModel entry = entryFor(model);
    List<String> roles = entry == null ? List.of() : new ModelCatalog(config).rolesOf(entry.ref());
    if (!roles.isEmpty() && !msg.body().getBoolean("force", false)) {
      BusErrors.fail(msg, new ApiError(409, "invalid_request_error", "model_in_use", "model", model
          + " is the " + String.join(" and ", roles) + " model of the gateway (" + entry.ref()
          + "); select another one first (PUT /admin/main), or delete it anyway with ?force=true"));
      return;
    }
    OllamaClient client = client();
    client.delete(model).onComplete(ar -> {
      if (ar.failed()) {
        BusErrors.fail(msg, ar.cause());
      } else {
        LOG.info("deleted {} from Ollama at {}", model, client.url());
        discovery.refresh();
        msg.reply(new JsonObject().put("deleted", model).put("url", client.url()));
      }
    });
  }

  private void startPull(Message<JsonObject> msg) {
    String model = msg.body().getString("model");
    String problem = OllamaNames.problem(model);
    if (problem != null) {
      BusErrors.fail(msg, ApiError.badRequest(problem, "model"));
      return;
    }
    PullJobs.Started started = jobs.startOrJoin(model.trim(), client());
    PullJob job = started.job();
    if (!started.joined()) {
      LOG.info("pull {} of {} started", job.id(), job.model());
      job.call().result().onComplete(ar -> {
        LOG.info("pull {} of {}: {}", job.id(), job.model(), ar.succeeded() ? "done" : ar.cause().getMessage());
        if (ar.succeeded()) {
          discovery.refresh(); // the new model is usable by name at once
        }
      });
    }
    // Answer once Ollama has accepted the pull, so an unreachable Ollama is a 502 right here.
    job.call().answered().timeout(ACCEPT_WAIT_MS, TimeUnit.MILLISECONDS).onComplete(ar -> {
      if (ar.failed() && job.call().result().failed()
          && job.call().result().cause() instanceof OllamaException e
          && e.kind() == OllamaException.Kind.UNREACHABLE) {
        jobs.forget(job.id());
        BusErrors.fail(msg, e);
        return;
      }
      msg.reply(new JsonObject().put("id", job.id()).put("model", job.model())
          .put("events", PullJob.eventsPath(job.id())).put("joined", started.joined())
          .put("state", job.state().json()));
    });
  }

  private void cancelPull(Message<JsonObject> msg) {
    withJob(msg, job -> {
      if (job.running()) {
        job.call().cancel("the pull of " + job.model() + " was cancelled");
        job.call().result().onComplete(ar -> msg.reply(job.toJson()));
      } else if (job.state() == PullJob.State.CANCELLED) {
        msg.reply(job.toJson());
      } else {
        BusErrors.fail(msg, new ApiError(409, "invalid_request_error", "pull_finished", null,
            "the pull " + job.id() + " of " + job.model() + " already finished (" + job.state().json() + ")"));
      }
    });
  }

  private void withJob(Message<JsonObject> msg, Consumer<PullJob> action) {
    String id = msg.body().getString("id");
    jobs.get(id).ifPresentOrElse(action, () -> BusErrors.fail(msg, new ApiError(404,
        "invalid_request_error", "pull_not_found", null, "no pull with id " + id + " (finished pulls are "
        + "kept for " + TimeUnit.MILLISECONDS.toMinutes(RETENTION_MS) + " minutes; GET /admin/ollama/pulls "
        + "lists them)")));
  }

  private void setMain(Message<JsonObject> msg) {
    JsonObject body = msg.body();
    String modeText = body.getString("mode");
    MainMode mode = modeText == null ? null : MainMode.fromYaml(modeText);
    if (modeText != null && mode == null) {
      BusErrors.fail(msg, ApiError.badRequest("mode must be local, cloud or mix (got \"" + modeText + "\")", "mode"));
      return;
    }
    MainSwitch.Request request = new MainSwitch.Request(body.getString("model"), mode,
        body.getBoolean("check", true), MainSwitch.Origin.ADMIN);
    new MainSwitch(vertx, Path.of(config.file()), overrides, this::client,
        MainSwitch.throughConfigVerticle(vertx)).run(request)
        .onComplete(ar -> {
          if (ar.succeeded()) {
            msg.reply(ar.result().toJson().put("applied", true));
          } else {
            BusErrors.fail(msg, ar.cause());
          }
        });
  }
}
