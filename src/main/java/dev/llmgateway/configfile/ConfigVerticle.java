package dev.llmgateway.configfile;

import dev.llmgateway.api.ApiError;
import dev.llmgateway.bus.BusErrors;
import dev.llmgateway.bus.ConfigBus;
import dev.llmgateway.bus.ConfigEdits;
import dev.llmgateway.config.MainSelectionFile;
import io.vertx.core.eventbus.Message;
import dev.llmgateway.bus.ConfigSnapshot;
import dev.llmgateway.config.GatewaySettings;
import dev.llmgateway.config.ConfigProblem;
import dev.llmgateway.config.ConfigReader;
import dev.llmgateway.config.Overrides;
import dev.llmgateway.config.ConfigException;
import dev.llmgateway.config.GatewayConfig;
import dev.llmgateway.config.SecretRedactor;
import dev.llmgateway.config.ConfigJson;
import dev.llmgateway.config.ConfigBinder;
import dev.llmgateway.config.YamlLines;
import io.vertx.config.ConfigRetriever;
import io.vertx.config.ConfigRetrieverOptions;
import io.vertx.config.ConfigStoreOptions;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import dev.llmgateway.metrics.GatewayMetrics;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Owns {@code llm.yml}: loads it through Vert.x Config (file store, YAML format), checks it every scan
 * period, and publishes each new valid config on {@link ConfigBus#CHANGED}. An edit that does not parse or
 * validate keeps the last good config, is logged once, and is reported on {@link ConfigBus#STATUS}.
 */
public final class ConfigVerticle extends VerticleBase {


  private static final Logger LOG = LoggerFactory.getLogger(ConfigVerticle.class);

  private final Path file;
  private final Overrides overrides;
  private final long scanPeriodMs;
  private final Function<String, String> env;
  private final GatewayMetrics metrics;

  private ConfigRetriever retriever;
  private long timerId = -1;
  /** The latest scan; scans run one after the other, whether the timer or an edit asks. */
  private Future<Void> scan = Future.succeededFuture();

  private JsonObject currentRaw;
  private GatewayConfig current;
  private long version;
  private Instant loadedAt;
  private ConfigException lastError;
  /** The error last published on {@link ConfigBus#STATUS_CHANGED} (null: none). */
  private String announcedError;

  public ConfigVerticle(Path file, Overrides overrides, long scanPeriodMs, Function<String, String> env,
      GatewayMetrics metrics) {
    this.file = file;
    this.overrides = overrides;
    this.scanPeriodMs = scanPeriodMs;
    this.env = env;
    this.metrics = metrics;
  }

  @Override
  public Future<?> start() {
    // Not optional: an optional store turns a missing or half-written file into {}.
    ConfigStoreOptions store = new ConfigStoreOptions().setType("file").setFormat("yaml")
        .setOptional(false).setConfig(new JsonObject().put("path", file.toString()));
    // We poll ourselves (scan period 0 here) so a failed read is reported our way and a
    // revert to the last good file clears the error.
    retriever = ConfigRetriever.create(vertx, new ConfigRetrieverOptions()
        .setIncludeDefaultStores(false).setScanPeriod(0).addStore(store));
    return check().compose(v -> {
      if (current == null) {
        return Future.failedFuture(lastError != null ? lastError
            : unexpected(new IllegalStateException("the file changed while it was being read; try again")));
      }
      vertx.eventBus().consumer(ConfigBus.CURRENT, msg -> msg.reply(payload()));
      vertx.eventBus().consumer(ConfigBus.STATUS, msg -> msg.reply(status()));
      vertx.eventBus().<JsonObject>consumer(ConfigBus.EDIT, this::edit);
      timerId = vertx.setPeriodic(scanPeriodMs, t -> {
        if (scan.isComplete()) {
          check();
        }
      });
      return Future.succeededFuture();
    });
  }

  @Override
  public Future<?> stop() {
    if (timerId >= 0) {
      vertx.cancelTimer(timerId);
    }
    return retriever.close();
  }

  /** One scan, after the one under way: read through the retriever, then accept or reject. Never fails. */
  private Future<Void> check() {
    scan = scan.transform(previous -> retriever.getConfig()
        .compose(this::accept, this::explainReadFailure)
        .recover(err -> {
          record(err instanceof ConfigException ce ? ce : unexpected(err));
          return Future.succeededFuture();
        })
        .andThen(ar -> announceStatus()));
    return scan;
  }

  /**
   * {@link ConfigBus#EDIT}: the one writer of the file. Edits run one at a time on a worker; the
   * reply comes after the written file has been loaded and published, so the caller's next request
   * already sees it.
   */
  private void edit(Message<JsonObject> msg) {
    MainSelectionFile.Request request;
    try {
      request = MainSelectionFile.Request.fromJson(msg.body());
    } catch (RuntimeException e) {
      BusErrors.fail(msg, ApiError.badRequest(e.getMessage(), null));
      return;
    }
    vertx.executeBlocking(() -> MainSelectionFile.write(file, overrides, request))
        .compose(result -> {
          if (result.changed()) {
            LOG.info("main model set to {} (mode {}) in {}: {}", result.ref(), result.mode().yamlName(),
                file, String.join("; ", result.changes()));
          }
          return check().map(v -> result.toJson().put("applied", result.appliedIn(current)));
        })
        .onComplete(ar -> {
          if (ar.succeeded()) {
            msg.reply(ar.result());
          } else {
            BusErrors.fail(msg, ConfigEdits.toApiError(ar.cause(), file));
          }
        });
  }

  private Future<Void> accept(JsonObject raw) {
    if (raw == null) {
      raw = new JsonObject();
    }
    if (raw.equals(currentRaw)) {
      if (lastError != null) {
        LOG.info("{} is valid again; using it", file);
        lastError = null;
      }
      return Future.succeededFuture();
    }
    JsonObject snapshot = raw;
    return vertx.executeBlocking(() -> bind(snapshot)).map(bound -> {
      GatewayConfig previous = current;
      currentRaw = snapshot;
      current = bound.config();
      version++;
      loadedAt = Instant.now();
      lastError = null;
      metrics.configLoad(true);
      bound.warnings().forEach(w -> LOG.warn(w.format(file.toString())));
      String main = current.mainRef() == null ? "none" : current.mainRef();
      if (previous == null) {
        LOG.info("loaded {}: {} local and {} cloud models, main = {}", file,
            current.localModels().size(), current.cloudModels().size(), main);
      } else {
        LOG.info("reloaded {} (version {}): {} local and {} cloud models, main = {}", file, version,
            current.localModels().size(), current.cloudModels().size(), main);
        warnAboutRestartOnlySettings(previous.gateway(), current.gateway());
      }
      vertx.eventBus().publish(ConfigBus.CHANGED, payload());
      return null;
    });
  }

  /** Runs on a worker: binding is cheap, but placing problems re-reads the file. */
  private ConfigBinder.Bound bind(JsonObject raw) throws ConfigException {
    try {
      ConfigBinder.Bound bound = ConfigBinder.bind(ConfigJson.plain(raw), file, overrides);
      if (bound.warnings().isEmpty()) {
        return bound;
      }
      String text = ConfigReader.readText(file);
      return new ConfigBinder.Bound(bound.config(), YamlLines.of(text).place(bound.warnings()));
    } catch (ConfigException e) {
      String text;
      try {
        text = ConfigReader.readText(file);
      } catch (ConfigException unreadable) {
        throw e;
      }
      throw ConfigReader.placed(e, text);
    }
  }

  /** The retriever only says "failed"; read the file ourselves to say where and why. */
  private Future<Void> explainReadFailure(Throwable cause) {
    return vertx.executeBlocking(() -> {
      ConfigReader.read(file, overrides);
      return null; // fixed between the two reads: the next scan picks it up
    }).mapEmpty();
  }

  private ConfigException unexpected(Throwable err) {
    String why = err.getMessage() == null ? err.getClass().getSimpleName() : err.getMessage();
    return new ConfigException(file.toString(), List.of(ConfigProblem.error("", "cannot load: " + why)));
  }

  private void record(ConfigException e) {
    boolean same = lastError != null && lastError.getMessage().equals(e.getMessage());
    lastError = e;
    if (!same) {
      metrics.configLoad(false);
    }
    if (!same && current != null) {
      LOG.warn("{} — keeping the last good config (version {})", e.getMessage(), version);
    }
  }

  private static void warnAboutRestartOnlySettings(GatewaySettings before, GatewaySettings after) {
    if (!before.host().equals(after.host()) || before.port() != after.port()) {
      LOG.warn("gateway.host/port changed to {}:{}; restart the gateway to listen there",
          after.host(), after.port());
    }
  }

  /** Publishes the status on {@link ConfigBus#STATUS_CHANGED} when an error appeared, changed or went. */
  private void announceStatus() {
    String now = lastError == null ? null : lastError.getMessage();
    // Before the first good config there is nothing in use: the gateway does not start at all.
    if (current != null && !java.util.Objects.equals(now, announcedError)) {
      announcedError = now;
      JsonObject status = status();
      status.remove("config");
      vertx.eventBus().publish(ConfigBus.STATUS_CHANGED, status);
    }
  }

  private JsonObject payload() {
    return new ConfigSnapshot(version, loadedAt, current).toJson();
  }

  private JsonObject status() {
    SecretRedactor redactor = SecretRedactor.of(current, env);
    JsonObject out = new JsonObject()
        .put("status", lastError == null ? "ok" : "error")
        .put("file", file.toAbsolutePath().toString())
        .put("version", version)
        .put("loaded_at", loadedAt.toString());
    if (lastError != null) {
      JsonArray problems = new JsonArray();
      lastError.problems().forEach(p -> problems.add(new JsonObject()
          .put("severity", p.warning() ? "warning" : "error")
          .put("line", p.line())
          .put("key", p.key())
          .put("message", redactor.redactText(p.message()))));
      out.put("last_error", new JsonObject()
          .put("message", redactor.redactText(lastError.getMessage()))
          .put("problems", problems));
    } else {
      out.putNull("last_error");
    }
    @SuppressWarnings("unchecked")
    java.util.Map<String, Object> redacted =
        (java.util.Map<String, Object>) redactor.redact(ConfigJson.plain(currentRaw));
    return out.put("config", new JsonObject(redacted));
  }
}
