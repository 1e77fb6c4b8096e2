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
 * their states come from {@code GET /models}, then from its event stream {@code GET /models/sse}
 * ({@code data: {"model","event","data":{"status"}}}), with a slow poll as a safety net; loads and unloads go through its API
 * ({@code POST /models/load|unload {"model"}}), one at a time per router — its scheduler races when
 * asked for several at once (llama.cpp #28443, #28698, #28774) — and a load is done when the router
 * says the model is loaded.
 */
final class LlamaRouterWatch {

  private static final Logger LOG = LoggerFactory.getLogger(LlamaRouterWatch.class);
  static final long POLL_MS = 10_000;
  private static final long RECONNECT_MS = 1000;
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
  private boolean stopped;
  private io.vertx.core.http.HttpClientRequest sse;

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
    follow();
    timer = vertx.setPeriodic(POLL_MS, t -> poll());
  }

  void stop() {
    stopped = true;
    if (timer >= 0) {
      vertx.cancelTimer(timer);
    }
    if (sse != null) {
      sse.reset();
    }
  }

  /** The router's event stream; reconnected (after a fresh poll) when it ends. */
  private void follow() {
    if (stopped) {
      return;
    }
    client.request(new io.vertx.core.http.RequestOptions().setHost(host).setPort(port).setURI("/models/sse"))
        .compose(req -> {
          sse = req;
          return req.send();
        })
        .onSuccess(resp -> {
          if (resp.statusCode() != 200) {
            LOG.info("{}: the router on {}:{} has no /models/sse ({}): its states are polled every {} s", id, host,
                port, resp.statusCode(), POLL_MS / 1000);
            resp.end();
            return;
          }
          io.vertx.core.parsetools.RecordParser lines = io.vertx.core.parsetools.RecordParser.newDelimited("\n", resp);
          lines.handler(line -> event(line.toString().trim()));
          lines.endHandler(v -> reconnect());
          lines.exceptionHandler(err -> reconnect());
        })
        .onFailure(err -> reconnect());
  }

  private void reconnect() {
    if (!stopped) {
      vertx.setTimer(RECONNECT_MS, t -> poll().onComplete(ar -> follow()));
    }
  }

  /** One {@code data:} line of the stream: a model's new status. */
  private void event(String line) {
    if (!line.startsWith("data:")) {
      return;
    }
    try {
      JsonObject e = new JsonObject(line.substring(5).trim());
      JsonObject data = e.getJsonObject("data", new JsonObject());
      String status = data.getString("status");
      String model = e.getString("model");
      if (model == null || status == null) {
        return;
      }
      Map<String, String> next = new LinkedHashMap<>(states);
      next.put(model, stateOf(status, Boolean.TRUE.equals(data.getBoolean("failed"))));
      if (!next.equals(states)) {
        states = next;
        onChange.run();
      }
    } catch (RuntimeException notJson) {
      // a comment or a keep-alive: nothing to do
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
      out.put(m.getString("id"), stateOf(value,
          Boolean.TRUE.equals(status.getBoolean("failed")) || Boolean.TRUE.equals(m.getBoolean("failed"))));
    }
    return out;
  }

  private static String stateOf(String value, boolean failed) {
    return failed ? "failed" : switch (value) {
      case "loaded" -> "loaded";
      case "loading", "downloading" -> "loading";
      default -> "unloaded"; // unloaded, sleeping
    };
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
