package dev.llmgateway.process;

import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A {@code llama_router} entry: a llama-server in router mode that serves many models. Its models and
 * their states come from {@code GET /models} (polled); loads and unloads go through its API
 * ({@code POST /models/load|unload {"model"}}), one at a time per router — its scheduler races when
 * asked for several at once (llama.cpp #28443, #28698, #28774) — and a load is done when the router
 * says the model is loaded.
 */
final class LlamaRouterWatch {

  private static final Logger LOG = LoggerFactory.getLogger(LlamaRouterWatch.class);
  static final long POLL_MS = 2000;
  private static final long LOAD_POLL_MS = 100;

  private final Vertx vertx;
  private final HttpClient client;
  private final String id;
  private final String host;
  private final int port;
  private final Runnable onChange;
  private Map<String, String> states = Map.of();
  private Future<Void> lastCommand = Future.succeededFuture();
  private long timer = -1;

  LlamaRouterWatch(Vertx vertx, HttpClient client, String id, String host, int port, Runnable onChange) {
    this.vertx = vertx;
    this.client = client;
    this.id = id;
    this.host = host;
    this.port = port;
    this.onChange = onChange;
  }

  String id() {
    return id;
  }

  String address() {
    return host + ":" + port;
  }

  /** Model name → loaded, loading, unloaded or failed, as last seen. */
  Map<String, String> states() {
    return states;
  }

  void start() {
    poll();
    timer = vertx.setPeriodic(POLL_MS, t -> poll());
  }

  void stop() {
    if (timer >= 0) {
      vertx.cancelTimer(timer);
    }
  }

  Future<Void> poll() {
    return call(HttpMethod.GET, "/models", null)
        .map(body -> parse(new JsonObject(body)))
        .otherwise(err -> Map.of())
        .map(now -> {
          if (!Objects.equals(now, states)) {
            states = now;
            onChange.run();
          }
          return null;
        });
  }

  /** {@code status.value} as the gateway names load states ({@code failed: true} wins). */
  static Map<String, String> parse(JsonObject models) {
    Map<String, String> out = new LinkedHashMap<>();
    JsonArray data = models.getJsonArray("data", new JsonArray());
    for (int i = 0; i < data.size(); i++) {
      JsonObject m = data.getJsonObject(i);
      JsonObject status = m.getJsonObject("status", new JsonObject());
      String value = status.getString("value", "unloaded");
      String state = Boolean.TRUE.equals(status.getBoolean("failed")) || Boolean.TRUE.equals(m.getBoolean("failed"))
          ? "failed" : switch (value) {
            case "loaded" -> "loaded";
            case "loading", "downloading" -> "loading";
            default -> "unloaded"; // unloaded, sleeping
          };
      out.put(m.getString("id"), state);
    }
    return out;
  }

  /** Loads a model and completes when the router reports it loaded (or failed). */
  Future<Void> load(String model, long timeoutMs) {
    return serially(() -> call(HttpMethod.POST, "/models/load", new JsonObject().put("model", model).encode())
        .compose(v -> until(model, "loaded", System.currentTimeMillis() + timeoutMs)));
  }

  Future<Void> unload(String model, long timeoutMs) {
    return serially(() -> call(HttpMethod.POST, "/models/unload", new JsonObject().put("model", model).encode())
        .compose(v -> until(model, "unloaded", System.currentTimeMillis() + timeoutMs)));
  }

  private Future<Void> serially(java.util.function.Supplier<Future<Void>> command) {
    Future<Void> next = lastCommand.transform(ar -> command.get());
    lastCommand = next.otherwiseEmpty();
    return next;
  }

  private Future<Void> until(String model, String wanted, long deadline) {
    return poll().compose(v -> {
      String state = states.get(model);
      if (wanted.equals(state)) {
        return Future.succeededFuture();
      }
      if ("failed".equals(state)) {
        return Future.failedFuture(id + "/" + model + " failed to load in the router on " + host + ":" + port);
      }
      if (System.currentTimeMillis() > deadline) {
        return Future.failedFuture(id + "/" + model + " is not " + wanted + " yet (router on " + host + ":" + port + ")");
      }
      Promise<Void> later = Promise.promise();
      vertx.setTimer(LOAD_POLL_MS, t -> until(model, wanted, deadline).onComplete(later));
      return later.future();
    });
  }

  private Future<String> call(HttpMethod method, String uri, String body) {
    return JsonCall.send(client, host, port, method, uri, body, 10_000)
        .onFailure(err -> LOG.debug("{}: {} {}: {}", id, method, uri, err.getMessage()));
  }
}
