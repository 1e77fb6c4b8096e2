package dev.llmgateway.admin;

import dev.llmgateway.config.ConfigVerticle;
import dev.llmgateway.routing.ApiError;
import dev.llmgateway.routing.ErrorResponses;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;

/** The {@code /admin/*} endpoints. Each asks the verticle that owns the state over the event bus. */
public final class AdminRoutes {

  private final Vertx vertx;

  public AdminRoutes(Vertx vertx) {
    this.vertx = vertx;
  }

  public void mount(Router router, AdminAccess access) {
    router.route("/admin/*").handler(access);
    router.get("/admin/config").handler(this::config);
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
