package dev.llmgateway.admin;

import dev.llmgateway.api.ApiError;
import dev.llmgateway.api.Endpoint;
import dev.llmgateway.api.ErrorResponses;
import dev.llmgateway.bus.BusErrors;
import dev.llmgateway.bus.MemoryBus;
import dev.llmgateway.model.Backend;
import dev.llmgateway.model.ModelCatalog;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import java.util.function.Supplier;

/**
 * {@code GET /admin/memory} (budgets, use and load state per device) and
 * {@code POST /admin/models/{id}/load|unload}, answered by the memory scheduler over the bus
 * ({@link MemoryBus}). {@code id} is any name a request may use for a llama.cpp model.
 */
final class MemoryAdminRoutes {

  private final Vertx vertx;
  private final Supplier<ModelCatalog> catalog;

  MemoryAdminRoutes(Vertx vertx, Supplier<ModelCatalog> catalog) {
    this.vertx = vertx;
    this.catalog = catalog;
  }

  void mount(Router router) {
    router.get("/admin/memory").handler(ctx -> ask(ctx, MemoryBus.SNAPSHOT, null, 10_000));
    router.post("/admin/models/:id/:action").handler(this::loadOrUnload);
  }

  private void loadOrUnload(RoutingContext ctx) {
    String action = ctx.pathParam("action");
    if (!action.equals("load") && !action.equals("unload")) {
      ErrorResponses.send(ctx.response(), new ApiError(404, "invalid_request_error", "not_found", null,
          "unknown action \"" + action + "\": POST /admin/models/{id}/load or /unload"));
      return;
    }
    Backend b;
    try {
      b = catalog.get().find(ctx.pathParam("id"), Endpoint.CHAT);
    } catch (ApiError e) {
      ErrorResponses.send(ctx.response(), e);
      return;
    }
    boolean routed = b.kind() == Backend.Kind.LLAMA_ROUTER && b.id().contains("/");
    if (b.kind() != Backend.Kind.LLAMA_CPP && !routed) {
      ErrorResponses.send(ctx.response(), ApiError.badRequest(b.id() + " is a " + b.kind().label()
          + " model: only llama.cpp models (and <router>/<model> of a llama_router) are loaded and "
          + "unloaded by the gateway", "id"));
      return;
    }
    long wait = b.startupTimeoutMs() + catalog.get().config().gateway().memory().swapTimeoutMs() + 5000;
    ask(ctx, action.equals("load") ? MemoryBus.LOAD : MemoryBus.UNLOAD, new JsonObject().put("id", b.id()), wait);
  }

  private void ask(RoutingContext ctx, String address, JsonObject body, long timeoutMs) {
    vertx.eventBus().<JsonObject>request(address, body, new DeliveryOptions().setSendTimeout(timeoutMs))
        .onComplete(ar -> {
          if (ar.succeeded()) {
            ctx.json(ar.result().body());
          } else {
            ErrorResponses.send(ctx.response(), BusErrors.toApiError(ar.cause()));
          }
        });
  }
}
