package dev.llmgateway.admin;

import dev.llmgateway.bus.ConfigBus;
import dev.llmgateway.api.ApiError;
import dev.llmgateway.api.ErrorResponses;
import dev.llmgateway.api.RouteMount;
import dev.llmgateway.model.LiveCatalog;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import dev.llmgateway.model.ModelCatalog;
import java.util.function.Supplier;

/**
 * The {@code /admin/*} endpoints, and the access rule in front of all of them (mount this before the
 * other areas' admin routes). Each asks the verticle that owns the state over the event bus.
 */
public final class AdminRoutes implements RouteMount {

  private Vertx vertx;

  @Override
  public Future<Void> mount(Vertx vertx, Router router) {
    this.vertx = vertx;
    return LiveCatalog.follow(vertx).map(catalog -> {
      mount(router, catalog);
      return null;
    });
  }

  private void mount(Router router, Supplier<ModelCatalog> catalog) {
    // The listen address is fixed at start: a host changed in llm.yml needs a restart anyway.
    router.route("/admin/*").handler(new AdminAccess(() -> catalog.get().config().gateway().adminToken(),
        catalog.get().config().gateway().host()));
    router.get("/admin/config").handler(this::config);
    ModelStates states = new ModelStates(vertx, catalog);
    router.get("/admin/models").handler(states::handle);
    router.get("/admin/models/events").handler(new ModelEvents(vertx, states)::handle);
    new ProcessAdminRoutes(vertx).mount(router);
    new MemoryAdminRoutes(vertx, catalog).mount(router);
  }

  private void config(RoutingContext ctx) {
    vertx.eventBus().<JsonObject>request(ConfigBus.STATUS, null).onComplete(ar -> {
      if (ar.succeeded()) {
        ctx.json(ar.result().body());
      } else {
        ErrorResponses.send(ctx.response(), new ApiError(503, "server_error", "config_unavailable",
            null, "the config service did not answer: " + ar.cause().getMessage()));
      }
    });
  }
}
