package dev.llmgateway.admin;

import dev.llmgateway.bus.ProcessBus;
import dev.llmgateway.api.EventStream;
import dev.llmgateway.api.ApiError;
import dev.llmgateway.api.ErrorResponses;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.MessageConsumer;
import io.vertx.core.eventbus.ReplyException;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * {@code /admin/processes}: the supervised children, start/stop/restart, and each child's output as
 * server-sent events (the recent tail first, then live lines).
 */
final class ProcessAdminRoutes {

  private final Vertx vertx;

  ProcessAdminRoutes(Vertx vertx) {
    this.vertx = vertx;
  }

  void mount(Router router) {
    router.get("/admin/processes").handler(ctx -> ask(ctx, ProcessBus.LIST, null));
    router.post("/admin/processes/:id/:action").handler(ctx -> ask(ctx, ProcessBus.COMMAND,
        new JsonObject().put("id", ctx.pathParam("id")).put("action", ctx.pathParam("action"))));
    router.get("/admin/processes/:id/logs").handler(this::logs);
  }

  private void ask(RoutingContext ctx, String address, JsonObject body) {
    vertx.eventBus().<JsonObject>request(address, body).onComplete(ar -> {
      if (ar.succeeded()) {
        ctx.json(ar.result().body());
      } else {
        ErrorResponses.send(ctx.response(), error(ar.cause()));
      }
    });
  }

  private void logs(RoutingContext ctx) {
    String id = ctx.pathParam("id");
    List<JsonObject> early = new ArrayList<>();
    boolean[] tailSent = {false};
    EventStream[] stream = {null};
    // Subscribe before asking for the tail, so no line falls between the two.
    MessageConsumer<JsonObject> live = vertx.eventBus().localConsumer(ProcessBus.LOG_PREFIX + id, msg -> {
      if (tailSent[0]) {
        stream[0].offer("log", msg.body());
      } else {
        early.add(msg.body());
      }
    });
    vertx.eventBus().<JsonObject>request(ProcessBus.LOGS, new JsonObject().put("id", id))
        .onComplete(ar -> {
          if (ar.failed()) {
            live.unregister();
            ErrorResponses.send(ctx.response(), error(ar.cause()));
            return;
          }
          stream[0] = new EventStream(vertx, ctx, live::unregister);
          JsonArray tail = ar.result().body().getJsonArray("lines");
          Set<String> seen = new HashSet<>();
          for (int i = 0; i < tail.size(); i++) {
            stream[0].send("log", tail.getJsonObject(i));
            seen.add(tail.getJsonObject(i).encode());
          }
          early.stream().filter(l -> !seen.contains(l.encode())).forEach(l -> stream[0].offer("log", l));
          tailSent[0] = true;
        });
  }

  static ApiError error(Throwable cause) {
    if (cause instanceof ReplyException re && re.failureCode() == ProcessBus.NOT_FOUND) {
      return new ApiError(404, "invalid_request_error", "process_not_found", "id", re.getMessage());
    }
    if (cause instanceof ReplyException re && re.failureCode() == 400) {
      return new ApiError(400, "invalid_request_error", "invalid_action", "action", re.getMessage());
    }
    return new ApiError(503, "server_error", "supervisor_unavailable", null,
        "the process supervisor did not answer: " + cause.getMessage());
  }
}
