package dev.llmgateway.routing;

import dev.llmgateway.bus.ProcessBus;
import dev.llmgateway.model.Backend;
import dev.llmgateway.api.ApiError;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.eventbus.ReplyException;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.HashMap;
import java.util.Map;

/**
 * Lets a request for a llama.cpp model through once its server can take it. This router instance
 * keeps its own copy of every process state (from {@code llm.process.status}), so a request for a
 * running model without idle stop costs nothing; anything else asks the process verticle, which
 * starts the server if needed (all waiting requests share one start) and counts the request in
 * flight until it is released.
 */
final class SupervisedGate {

  /** Given back when the request is over. */
  interface Lease {
    Lease NONE = () -> { };

    void release();
  }

  private final Vertx vertx;
  private final Map<String, String> states = new HashMap<>();

  SupervisedGate(Vertx vertx) {
    this.vertx = vertx;
  }

  Future<Void> start() {
    vertx.eventBus().<JsonObject>localConsumer(ProcessBus.STATUS, msg -> record(msg.body()));
    return vertx.eventBus().<JsonObject>request(ProcessBus.LIST, null)
        .map(reply -> {
          JsonArray all = reply.body().getJsonArray("processes");
          for (int i = 0; i < all.size(); i++) {
            record(all.getJsonObject(i));
          }
          return null;
        });
  }

  private void record(JsonObject status) {
    states.put(status.getString("id"), status.getString("state"));
  }

  Future<Lease> admit(Backend backend) {
    return admit(backend, false);
  }

  /** After the port refused a connection: wait for the restart the crash will bring. */
  Future<Lease> readmit(Backend backend) {
    return admit(backend, true);
  }

  private Future<Lease> admit(Backend backend, boolean refused) {
    if (backend.kind() != Backend.Kind.LLAMA_CPP || backend.pooled()) { // a pool's servers run elsewhere
      return Future.succeededFuture(Lease.NONE);
    }
    String state = states.get(backend.id());
    if (!refused && backend.idleStopMs() == 0 && ("running".equals(state) || "external".equals(state))) {
      return Future.succeededFuture(Lease.NONE);
    }
    long startup = backend.startupTimeoutMs();
    JsonObject id = new JsonObject().put("id", backend.id());
    return vertx.eventBus().<JsonObject>request(ProcessBus.ACQUIRE, id.copy().put("refused", refused),
            new DeliveryOptions().setSendTimeout(startup + 5000))
        .map(reply -> once(() -> vertx.eventBus().send(ProcessBus.RELEASE, id)))
        .recover(err -> Future.failedFuture(unavailable(backend, err)));
  }

  /** Released at most once, however many ways the request ends. */
  private static Lease once(Runnable release) {
    return new Lease() {
      private boolean released;

      @Override
      public void release() {
        if (!released) {
          released = true;
          release.run();
        }
      }
    };
  }

  private static ApiError unavailable(Backend backend, Throwable err) {
    String why = err instanceof ReplyException re && re.failureCode() > 0 ? re.getMessage()
        : "model " + backend.id() + " did not become ready in time";
    return new ApiError(503, "api_error", "model_unavailable", "model", why);
  }
}
