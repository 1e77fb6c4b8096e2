package dev.llmgateway.routing;

import dev.llmgateway.model.Backend;
import dev.llmgateway.api.Endpoint;
import dev.llmgateway.api.ErrorResponses;
import dev.llmgateway.api.ApiError;
import dev.llmgateway.config.GatewayConfig;
import dev.llmgateway.config.GatewaySettings;
import dev.llmgateway.metrics.GatewayMetrics;
import io.vertx.core.Future;
import io.vertx.core.MultiMap;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpHeaders;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Takes one parsed request to a model: a slot (FIFO queue), a running server (supervision), then an
 * attempt. A failure before anything reached the client goes to the mix-mode fallback when there is
 * one, or — for a llama.cpp server that just died and refuses connections — waits for its restart
 * once. Everything it holds is given back when the request ends, however it ends.
 */
final class Dispatch {

  /** What every request of a router instance shares. */
  record Services(HttpClient client, SupervisedGate gate, ConcurrencyLimiter limiter,
      GatewayMetrics metrics, BackendKeys keys) {
  }

  private static final Logger LOG = LoggerFactory.getLogger(Dispatch.class);

  private final ApiCall call;
  private final Services services;
  private final Endpoint endpoint;
  private final RequestBody body;
  private final GatewayConfig config;
  private final RoutePlanner.Plan plan;
  private final RequestRecord record;

  private ConcurrencyLimiter.Ticket ticket;
  private ConcurrencyLimiter.Permit permit = ConcurrencyLimiter.Permit.NONE;
  private SupervisedGate.Lease lease = SupervisedGate.Lease.NONE;
  private ProxyExchange exchange;
  private boolean clientGone;
  private boolean fellBack;
  private boolean retriedRefusal;

  Dispatch(ApiCall call, Services services, Endpoint endpoint, RequestBody body,
      GatewayConfig config, RoutePlanner.Plan plan, RequestRecord record) {
    this.call = call;
    this.services = services;
    this.endpoint = endpoint;
    this.body = body;
    this.config = config;
    this.plan = plan;
    this.record = record;
  }

  void start() {
    call.onEnd(clientLeft -> {
      if (clientLeft) {
        clientLeft();
      }
      releaseSlot();
    });
    attempt(plan.primary(), plan.route(), false);
  }

  private void attempt(Backend backend, String route, boolean afterRefusal) {
    record.target(backend, route);
    var queue = config.gateway().concurrency();
    services.metrics().queueDepth(backend.id(), () -> services.limiter().queued(backend.ref()));
    ticket = services.limiter().acquire(backend.ref(), backend.maxConcurrent(), queue.queueMaxLength(),
        queue.queueTimeoutMs());
    ConcurrencyLimiter.Ticket mine = ticket;
    mine.permit().onComplete(granted -> {
      if (clientGone) {
        if (granted.succeeded()) {
          granted.result().release();
        }
        return;
      }
      if (granted.failed()) {
        reject(granted.cause());
        return;
      }
      permit = granted.result();
      if (mine.queuedAtNanos() > 0) {
        long waited = System.nanoTime() - mine.queuedAtNanos();
        record.queueNanos += waited;
        services.metrics().queueWait(backend.id(), waited);
      }
      Future<SupervisedGate.Lease> admission = afterRefusal
          ? services.gate().readmit(backend) : services.gate().admit(backend);
      admission.onComplete(admitted -> {
        if (admitted.succeeded()) {
          lease = admitted.result();
        }
        if (clientGone) {
          releaseSlot();
        } else if (admitted.failed()) {
          releaseSlot();
          if (!fallBack(route)) {
            ErrorResponses.send(call.response(), admitted.cause() instanceof ApiError e ? e
                : new ApiError(503, "api_error", "model_unavailable", "model", admitted.cause().getMessage()));
          }
        } else {
          send(backend, route);
        }
      });
    });
  }

  /** Runs in a future's callback: nothing may escape, or the client would wait forever. */
  private void send(Backend backend, String route) {
    try {
      sendOrThrow(backend, route);
    } catch (ApiError e) {
      releaseSlot();
      ErrorResponses.send(call.response(), e);
    } catch (RuntimeException e) {
      releaseSlot();
      ErrorResponses.internalError(call.request(), e);
    }
  }

  private void sendOrThrow(Backend backend, String route) {
    GatewaySettings g = config.gateway();
    if (endpoint == Endpoint.EMBEDDINGS && backend.kind() == Backend.Kind.OLLAMA) {
      // Ollama's embeddings are /api/embed, answered here in OpenAI shape.
      OllamaEmbeddingExchange.forward(call.request(), call::onEnd, services.client(), backend, body, g);
      return;
    }
    exchange = new ProxyExchange(call, services.client(), backend, endpoint,
        body.withModel(backend.upstreamModel()), services.keys().authorization(backend),
        g.connectTimeoutMs(), backend.timeoutMs(), routeHeaders(backend, route), record,
        kind -> retry(backend, route, kind));
    exchange.run();
  }

  /** Nothing reached the client yet: try the other side, or wait for a crashed server's restart. */
  private boolean retry(Backend backend, String route, ProxyExchange.FailureKind kind) {
    if (kind == ProxyExchange.FailureKind.OTHER) {
      return false;
    }
    if (plan.fallback() != null && !fellBack) {
      releaseSlot();
      return fallBack(route);
    }
    if (kind == ProxyExchange.FailureKind.REFUSED && backend.kind() == Backend.Kind.LLAMA_CPP && !retriedRefusal) {
      retriedRefusal = true;
      releaseSlot();
      attempt(backend, route, true);
      return true;
    }
    return false;
  }

  private boolean fallBack(String fromRoute) {
    if (plan.fallback() == null || fellBack) {
      return false;
    }
    fellBack = true;
    record.fallbackFrom = record.backendRef;
    services.metrics().fallback(plan.primary().id(), fromRoute, plan.fallbackRoute());
    LOG.info("{} failed on the {} side; falling back to {} ({})", record.backendRef, fromRoute,
        plan.fallback().ref(), plan.fallbackRoute());
    attempt(plan.fallback(), plan.fallbackRoute(), false);
    return true;
  }

  private void reject(Throwable cause) {
    if (cause instanceof ConcurrencyLimiter.Rejected r) {
      call.response().putHeader("Retry-After", Long.toString(r.retryAfterSeconds()));
      ErrorResponses.send(call.response(), new ApiError(429, "rate_limit_error", "model_busy", "model",
          r.getMessage()));
    } else {
      ErrorResponses.internalError(call.request(), cause);
    }
  }

  private MultiMap routeHeaders(Backend backend, String route) {
    MultiMap headers = HttpHeaders.headers();
    if (config.hybridRouter().showRouteInResponse()) {
      headers.set("X-LLM-Route", route).set("X-LLM-Model", backend.id());
    }
    return headers;
  }

  private void clientLeft() {
    clientGone = true;
    if (ticket != null) {
      ticket.cancel(); // leaves the queue if still waiting
    }
    if (exchange != null) {
      exchange.clientLeft();
    }
  }

  private void releaseSlot() {
    permit.release();
    permit = ConcurrencyLimiter.Permit.NONE;
    lease.release();
    lease = SupervisedGate.Lease.NONE;
  }
}
