package dev.llmgateway.routing;

import dev.llmgateway.bus.BusErrors;
import dev.llmgateway.bus.ProcessBus;
import dev.llmgateway.model.Backend;
import dev.llmgateway.api.ApiError;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.eventbus.ReplyException;
import io.vertx.core.json.JsonObject;
import java.util.function.LongSupplier;

/**
 * Lets a request for a llama.cpp model through once its server can take it: every request asks the
 * process verticle, whose memory scheduler starts the server if needed (all waiting requests share
 * one start), makes room for it by stopping idle models, and counts the request in flight until it
 * is released (so a model serving a stream is never stopped, and the least recently used one is).
 * Its refusals (model_too_large, swap_timeout, ...) come back as the ApiError to answer.
 */
final class SupervisedGate {

  /** Given back when the request is over. */
  interface Lease {
    Lease NONE = () -> { };

    void release();

    /** How many requests the server takes at once, as it said when it let this one in; 0 when unknown. */
    default int slots() {
      return 0;
    }
  }

  private final Vertx vertx;
  private final LongSupplier swapTimeoutMs;
  private final LoadStates states;

  /**
   * @param swapTimeoutMs how long a request may wait for room (gateway.memory.swap_timeout_seconds)
   * @param states the scheduler's published states, for the servers it need not be asked about
   */
  SupervisedGate(Vertx vertx, LongSupplier swapTimeoutMs, LoadStates states) {
    this.vertx = vertx;
    this.swapTimeoutMs = swapTimeoutMs;
    this.states = states;
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
    if (!refused && foundRunning(backend)) {
      // A server the gateway found running is never stopped or evicted by it: nothing to start and no
      // request to count, so no round trip to the process verticle (two thread hops per request).
      return Future.succeededFuture(Lease.NONE);
    }
    long wait = backend.startupTimeoutMs() + swapTimeoutMs.getAsLong();
    JsonObject id = new JsonObject().put("id", backend.id());
    return vertx.eventBus().<JsonObject>request(ProcessBus.ACQUIRE, id.copy().put("refused", refused),
            new DeliveryOptions().setSendTimeout(wait + 5000))
        .map(reply -> once(() -> vertx.eventBus().send(ProcessBus.RELEASE, id),
            reply.body().getInteger("slots", 0)))
        .recover(err -> Future.failedFuture(unavailable(backend, err)));
  }

  private boolean foundRunning(Backend backend) {
    JsonObject state = states.of(backend.id());
    return state != null && state.getBoolean("external", false) && "loaded".equals(state.getString("state"));
  }

  /** Released at most once, however many ways the request ends. */
  private static Lease once(Runnable release, int slots) {
    return new Lease() {
      private boolean released;

      @Override
      public int slots() {
        return slots;
      }

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
    if (err instanceof ReplyException re && re.failureCode() > 0 && re.getMessage() != null
        && re.getMessage().startsWith("{")) {
      return BusErrors.toApiError(err); // the scheduler's own answer (model_too_large, swap_timeout)
    }
    String why = err instanceof ReplyException re && re.failureCode() > 0 ? re.getMessage()
        : "model " + backend.id() + " did not become ready in time";
    return new ApiError(503, "api_error", "model_unavailable", "model", why);
  }
}
