package dev.llmgateway.ollama;

import dev.llmgateway.api.ApiError;
import dev.llmgateway.api.Endpoint;
import dev.llmgateway.api.ErrorEnvelope;
import dev.llmgateway.api.ErrorResponses;
import dev.llmgateway.api.RouteMount;
import dev.llmgateway.bus.BusErrors;
import dev.llmgateway.bus.OllamaBus;
import dev.llmgateway.bus.ProcessBus;
import dev.llmgateway.config.OllamaNames;
import dev.llmgateway.model.Backend;
import dev.llmgateway.model.LiveCatalog;
import dev.llmgateway.model.ModelCatalog;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.DecodeException;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.BodyHandler;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * The rest of Ollama's API, for clients that speak only it (the model calls, {@code /api/chat} and
 * the like, go through the router's proxy): {@code GET /api/version}, {@code GET /api/tags} (every
 * model the gateway knows, in Ollama's shape), {@code GET /api/ps} (what is loaded: Ollama's models
 * and the llama.cpp servers that run), {@code POST /api/show}, {@code POST /api/pull} (from the
 * gateway's pull jobs) and {@code DELETE /api/delete}. Errors are Ollama's {@code {"error": "..."}}.
 */
public final class OllamaApiRoutes implements RouteMount {

  /** The version of Ollama's API the gateway speaks (BACKENDS.md): clients gate features on it. */
  static final String VERSION = "0.32.15";
  private static final int BODY_LIMIT = 64 * 1024;
  /** What {@code /api/ps} shows for a server that never unloads by itself (Ollama's keep_alive -1). */
  private static final String NEVER = "2318-01-01T00:00:00Z";

  private Vertx vertx;
  private LiveCatalog live;

  @Override
  public Future<Void> mount(Vertx vertx, Router router) {
    this.vertx = vertx;
    BodyHandler body = BodyHandler.create(false).setBodyLimit(BODY_LIMIT);
    return LiveCatalog.follow(vertx).map(catalog -> {
      live = catalog;
      router.get("/api/version").handler(ctx -> ctx.json(new JsonObject().put("version", VERSION)));
      router.get("/api/tags").handler(this::tags);
      router.get("/api/ps").handler(this::ps);
      router.post("/api/show").handler(body).handler(this::show);
      router.post("/api/pull").handler(body).handler(this::pull);
      router.delete("/api/delete").handler(body).handler(this::delete);
      return null;
    });
  }

  private void tags(RoutingContext ctx) {
    ModelCatalog catalog = live.get();
    JsonArray models = new JsonArray();
    for (Backend b : catalog.all()) {
      JsonObject raw = b.kind() == Backend.Kind.OLLAMA ? ollamaModel(b) : null;
      JsonObject m = raw != null ? raw.copy() : described(b);
      models.add(m.put("name", b.id()).put("model", b.id()));
    }
    ctx.json(new JsonObject().put("models", models));
  }

  /** What the Ollama server said about the model of an Ollama entry (discovery keeps it), or null. */
  private JsonObject ollamaModel(Backend b) {
    for (Object o : live.ollamaModels()) {
      if (o instanceof JsonObject m && OllamaNames.same(m.getString("name"), b.upstreamModel())) {
        return m;
      }
    }
    return null;
  }

  /** A model Ollama does not serve, described as far as the gateway knows it. */
  private JsonObject described(Backend b) {
    String format = b.kind() == Backend.Kind.LLAMA_CPP ? "gguf" : "";
    return new JsonObject()
        .put("modified_at", live.snapshot().loadedAt().toString())
        .put("size", 0)
        .put("digest", digest(b.ref()))
        .put("details", new JsonObject().put("parent_model", "").put("format", format)
            .put("family", b.kind().label()).put("families", new JsonArray().add(b.kind().label()))
            .put("parameter_size", "").put("quantization_level", ""))
        .put("capabilities", capabilities(b));
  }

  private static JsonArray capabilities(Backend b) {
    return b.serves() == Backend.Serves.EMBEDDINGS ? new JsonArray().add("embedding")
        : new JsonArray().add("completion").add("tools");
  }

  private void ps(RoutingContext ctx) {
    ModelCatalog catalog = live.get();
    Set<String> servers = new LinkedHashSet<>();
    catalog.all().stream().filter(b -> b.kind() == Backend.Kind.OLLAMA).forEach(b -> servers.add(b.baseUrl()));
    List<Future<JsonArray>> parts = new ArrayList<>();
    for (String url : servers) {
      parts.add(vertx.eventBus().<JsonObject>request(OllamaBus.RUNNING, new JsonObject().put("url", url))
          .map(reply -> ollamaRunning(catalog, url, reply.body()))
          .recover(err -> Future.succeededFuture(new JsonArray()))); // that Ollama is down: nothing loaded
    }
    parts.add(vertx.eventBus().<JsonObject>request(ProcessBus.LIST, new JsonObject())
        .map(reply -> llamaCppRunning(catalog, reply.body()))
        .recover(err -> Future.succeededFuture(new JsonArray())));
    Future.join(parts).onComplete(ar -> {
      JsonArray models = new JsonArray();
      parts.forEach(p -> {
        if (p.succeeded()) {
          models.addAll(p.result());
        }
      });
      ctx.json(new JsonObject().put("models", models));
    });
  }

  /** Ollama's loaded models, named as the gateway's clients know them. */
  private static JsonArray ollamaRunning(ModelCatalog catalog, String url, JsonObject ps) {
    JsonArray out = new JsonArray();
    for (Object o : ps.getJsonArray("models", new JsonArray())) {
      if (!(o instanceof JsonObject m)) {
        continue;
      }
      String name = m.getString("name", m.getString("model", ""));
      String shown = catalog.all().stream()
          .filter(b -> b.kind() == Backend.Kind.OLLAMA && b.baseUrl().equals(url)
              && OllamaNames.same(b.upstreamModel(), name))
          .map(Backend::id).findFirst().orElse(name);
      out.add(m.copy().put("name", shown).put("model", shown));
    }
    return out;
  }

  /** The llama.cpp servers that serve now (run by the gateway or found on their port), Ollama's way. */
  private JsonArray llamaCppRunning(ModelCatalog catalog, JsonObject list) {
    JsonArray out = new JsonArray();
    for (Object o : list.getJsonArray("processes", new JsonArray())) {
      if (!(o instanceof JsonObject p) || !"running".equals(p.getString("state"))
          && !"external".equals(p.getString("state"))) {
        continue;
      }
      Backend b = catalog.backend(p.getString("ref"));
      if (b == null) {
        continue;
      }
      long ttl = p.getLong("ttl_ms", 0L);
      out.add(described(b).put("name", b.id()).put("model", b.id())
          .put("expires_at", ttl > 0 ? Instant.now().plusMillis(ttl).toString() : NEVER)
          .put("size_vram", 0));
    }
    return out;
  }

  private void show(RoutingContext ctx) {
    JsonObject body = jsonBody(ctx);
    String name = body == null ? null : modelName(ctx, body);
    if (name == null) {
      return;
    }
    Backend b;
    try {
      b = live.get().find(name, Endpoint.OLLAMA_CHAT);
    } catch (ApiError e) {
      fail(ctx, new ApiError(404, "invalid_request_error", "model_not_found", "model",
          "model '" + name + "' not found"));
      return;
    }
    if (b.kind() != Backend.Kind.OLLAMA) {
      JsonObject described = described(b);
      ctx.json(new JsonObject()
          .put("modelfile", "# " + b.id() + ": a " + b.kind().label() + " model served by llm-gateway\n")
          .put("parameters", "").put("template", "")
          .put("details", described.getJsonObject("details"))
          .put("model_info", new JsonObject().put("general.architecture", b.kind().label())
              .put("general.basename", b.id()))
          .put("capabilities", described.getJsonArray("capabilities"))
          .put("modified_at", described.getString("modified_at")));
      return;
    }
    vertx.eventBus().<JsonObject>request(OllamaBus.SHOW, new JsonObject().put("url", b.baseUrl())
        .put("model", b.upstreamModel()).put("verbose", Boolean.TRUE.equals(body.getValue("verbose"))))
        .onComplete(ar -> {
          if (ar.succeeded()) {
            ctx.json(ar.result().body());
          } else {
            fail(ctx, BusErrors.toApiError(ar.cause()));
          }
        });
  }

  private void pull(RoutingContext ctx) {
    JsonObject body = jsonBody(ctx);
    String name = body == null ? null : modelName(ctx, body);
    if (name == null) {
      return;
    }
    String problem = OllamaNames.problem(name);
    if (problem != null) {
      fail(ctx, ApiError.badRequest("invalid model name: " + problem, "model"));
      return;
    }
    boolean stream = !Boolean.FALSE.equals(body.getValue("stream"));
    vertx.eventBus().<JsonObject>request(OllamaBus.PULLS_START, new JsonObject().put("model", name))
        .onComplete(ar -> {
          if (ar.failed()) {
            fail(ctx, BusErrors.toApiError(ar.cause()));
          } else {
            new PullEventStream(vertx, ctx, ar.result().body().getString("id"), PullFormat.ollama(stream)).open();
          }
        });
  }

  private void delete(RoutingContext ctx) {
    JsonObject body = jsonBody(ctx);
    String name = body == null ? null : modelName(ctx, body);
    if (name == null) {
      return;
    }
    vertx.eventBus().<JsonObject>request(OllamaBus.DELETE_MODEL, new JsonObject().put("model", name)
        .put("force", false)).onComplete(ar -> {
          if (ar.succeeded()) {
            ctx.response().setStatusCode(200).end();
            return;
          }
          ApiError error = BusErrors.toApiError(ar.cause());
          fail(ctx, error.status() == 404 ? new ApiError(404, "invalid_request_error", "model_not_found",
              "model", "model '" + name + "' not found") : error);
        });
  }

  /** {@code model} (or the older {@code name}), checked as Ollama checks it; null after answering 400. */
  private static String modelName(RoutingContext ctx, JsonObject body) {
    Object model = body.getValue("model");
    if (model == null || "".equals(model)) {
      model = body.getValue("name");
    }
    if (!(model instanceof String name) || name.isBlank()) {
      fail(ctx, ApiError.badRequest("model is required", "model"));
      return null;
    }
    if (name.chars().anyMatch(Character::isISOControl) || name.length() > 350) {
      fail(ctx, ApiError.badRequest("invalid model name", "model"));
      return null;
    }
    return name;
  }

  /** The body as a JSON object, or null after answering 400. */
  private static JsonObject jsonBody(RoutingContext ctx) {
    try {
      JsonObject body = ctx.body().asJsonObject();
      if (body != null) {
        return body;
      }
      fail(ctx, ApiError.badRequest("missing request body", null));
      return null;
    } catch (DecodeException | ClassCastException e) {
      fail(ctx, ApiError.badRequest("the request body must be a JSON object", null));
      return null;
    }
  }

  private static void fail(RoutingContext ctx, ApiError error) {
    ErrorResponses.send(ctx.response(), error, ErrorEnvelope.OLLAMA);
  }

  /** A stable digest for a model Ollama does not have (clients use it as an identity). */
  private static String digest(String ref) {
    try {
      return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256")
          .digest(ref.getBytes(StandardCharsets.UTF_8)));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }
}
