package dev.llmgateway.ollama;

import dev.llmgateway.bus.BusErrors;
import dev.llmgateway.bus.OllamaBus;
import dev.llmgateway.api.ApiError;
import dev.llmgateway.api.ErrorResponses;
import dev.llmgateway.api.RouteMount;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.json.DecodeException;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.BodyHandler;

/**
 * {@code /admin/ollama/*} and {@code PUT /admin/main}. Mounted behind the admin access handler; each
 * endpoint asks {@link OllamaVerticle} over the event bus, so all router instances share its state.
 */
public final class OllamaAdminRoutes implements RouteMount {

  private static final long HEARTBEAT_MS = 15_000;
  private static final int BODY_LIMIT = 64 * 1024;

  private Vertx vertx;

  @Override
  public Future<Void> mount(Vertx vertx, Router router) {
    this.vertx = vertx;
    // No file uploads: BodyHandler would otherwise create a file-uploads/ folder in the working directory.
    BodyHandler body = BodyHandler.create(false).setBodyLimit(BODY_LIMIT);
    router.get("/admin/ollama/models").handler(ctx -> ask(ctx, OllamaBus.MODELS, new JsonObject(), 200));
    router.deleteWithRegex("/admin/ollama/models/(?<name>.+)").handler(ctx -> ask(ctx,
        OllamaBus.DELETE_MODEL, new JsonObject().put("model", ctx.pathParam("name"))
            .put("force", "true".equals(ctx.request().getParam("force"))), 200));
    router.post("/admin/ollama/pulls").handler(body).handler(this::startPull);
    router.get("/admin/ollama/pulls").handler(ctx -> ask(ctx, OllamaBus.PULLS_LIST, new JsonObject(), 200));
    router.get("/admin/ollama/pulls/:id").handler(ctx -> ask(ctx, OllamaBus.PULLS_GET, id(ctx), 200));
    router.delete("/admin/ollama/pulls/:id").handler(ctx -> ask(ctx, OllamaBus.PULLS_CANCEL, id(ctx), 200));
    router.get("/admin/ollama/pulls/:id/events").handler(ctx ->
        new PullEventStream(vertx, ctx, ctx.pathParam("id"), PullFormat.events(HEARTBEAT_MS)).open());
    router.put("/admin/main").handler(body).handler(this::setMain);
    return Future.succeededFuture();
  }

  private void startPull(RoutingContext ctx) {
    JsonObject body = jsonBody(ctx);
    if (body == null) {
      return;
    }
    if (!(body.getValue("model") instanceof String)) {
      ErrorResponses.send(ctx.response(), ApiError.badRequest("send {\"model\": \"<name>\"}, e.g. "
          + "{\"model\": \"qwen2.5:0.5b\"}", "model"));
      return;
    }
    vertx.eventBus().<JsonObject>request(OllamaBus.PULLS_START, new JsonObject()
        .put("model", body.getString("model"))).onComplete(ar -> {
          if (ar.failed()) {
            ErrorResponses.send(ctx.response(), BusErrors.toApiError(ar.cause()));
            return;
          }
          JsonObject started = ar.result().body();
          ctx.response().setStatusCode(202)
              .putHeader(HttpHeaders.LOCATION, "/admin/ollama/pulls/" + started.getString("id"));
          ctx.json(started);
        });
  }

  private void setMain(RoutingContext ctx) {
    JsonObject body = jsonBody(ctx);
    if (body == null) {
      return;
    }
    Object model = body.getValue("model");
    Object mode = body.getValue("mode");
    Object check = body.getValue("check");
    if (!(model instanceof String) || mode != null && !(mode instanceof String)
        || check != null && !(check instanceof Boolean)) {
      ErrorResponses.send(ctx.response(), ApiError.badRequest("send {\"model\": \"<name>\"}, optionally "
          + "with \"mode\": \"local\"|\"mix\"|\"cloud\" and \"check\": false", "model"));
      return;
    }
    ask(ctx, OllamaBus.SET_MAIN, body, 200);
  }

  /** The body as a JSON object, or null after answering 400. */
  private static JsonObject jsonBody(RoutingContext ctx) {
    try {
      JsonObject body = ctx.body().asJsonObject();
      if (body != null) {
        return body;
      }
    } catch (DecodeException | ClassCastException e) {
      // answered below
    }
    ErrorResponses.send(ctx.response(), ApiError.badRequest("the request body must be a JSON object", null));
    return null;
  }

  private static JsonObject id(RoutingContext ctx) {
    return new JsonObject().put("id", ctx.pathParam("id"));
  }

  private void ask(RoutingContext ctx, String address, JsonObject body, int status) {
    vertx.eventBus().<JsonObject>request(address, body).onComplete(ar -> {
      if (ar.succeeded()) {
        ctx.response().setStatusCode(status);
        ctx.json(ar.result().body());
      } else {
        ErrorResponses.send(ctx.response(), BusErrors.toApiError(ar.cause()));
      }
    });
  }
}
