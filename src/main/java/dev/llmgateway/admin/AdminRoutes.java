package dev.llmgateway.admin;

import dev.llmgateway.config.ConfigVerticle;
import dev.llmgateway.routing.ApiError;
import dev.llmgateway.routing.ErrorResponses;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import dev.llmgateway.routing.ModelCatalog;
import java.util.function.Supplier;

/** The {@code /admin/*} endpoints. Each asks the verticle that owns the state over the event bus. */
public final class AdminRoutes {

  private final Vertx vertx;
  private final Supplier<ModelCatalog> catalog;

  public AdminRoutes(Vertx vertx, Supplier<ModelCatalog> catalog) {
    this.vertx = vertx;
    this.catalog = catalog;
  }

  public void mount(Router router, AdminAccess access) {
    router.route("/admin/*").handler(access);
    router.get("/admin/config").handler(this::config);
    ModelStates states = new ModelStates(vertx, catalog);
    router.get("/admin/models").handler(states::handle);
    router.get("/admin/models/events").handler(new ModelEvents(vertx, states)::handle);
    new ProcessAdminRoutes(vertx).mount(router);
  }

  private void config(RoutingContext ctx) {
    vertx.eventBus().<JsonObject>request(ConfigVerticle.STATUS, null).onComplete(ar -> {
      if (ar.succeeded()) {
        ctx.json(ar.result().body());
      } else {
        ErrorResponses.send(ctx.response(), new ApiError(503, "server_error", "config_unavailable",
            null, "the config service did not answer: " + ar.cause().getMessage()));
      }
    });
  }
}
