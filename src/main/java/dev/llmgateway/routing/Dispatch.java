package dev.llmgateway.routing;

import dev.llmgateway.model.Backend;
import dev.llmgateway.api.Endpoint;
import dev.llmgateway.api.ApiError;
import dev.llmgateway.config.GatewayConfig;
import dev.llmgateway.config.GatewaySettings;
import dev.llmgateway.metrics.GatewayMetrics;
import io.vertx.core.Future;
import io.vertx.core.MultiMap;
import io.vertx.core.http.HttpHeaders;
import java.util.HashSet;
import java.util.Set;
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
  record Services(Adapters adapters, SupervisedGate gate, ConcurrencyLimiter limiter,
      GatewayMetrics metrics, EndpointPools pools, LoadStates states) {
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
  private UpstreamCall upstream;
  private boolean clientGone;
  private boolean fellBack;
  private boolean retriedRefusal;
  /** The pool's server of the current attempt, and those tried already (a pooled entry only). */
  private EndpointPools.Lease endpointLease;
  private final Set<String> triedEndpoints = new HashSet<>();

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
    int limit = backend.maxConcurrent() != Backend.SERVER_SLOTS ? backend.maxConcurrent()
        : services.states().slots(backend.id());
    ticket = services.limiter().acquire(backend.ref(), limit, queue.queueMaxLength(),
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
          if (backend.maxConcurrent() == Backend.SERVER_SLOTS && lease.slots() > 1) {
            // A server that just started says how many it takes: let those waiting behind this one in.
            services.limiter().widen(backend.ref(), lease.slots());
          }
        }
        if (clientGone) {
          releaseSlot();
        } else if (admitted.failed()) {
          releaseSlot();
          if (!fallBack(route)) {
            call.fail(admitted.cause() instanceof ApiError e ? e
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
      GatewaySettings g = config.gateway();
      Backend target = backend;
      if (backend.pooled()) {
        endpointLease = services.pools().pick(backend, triedEndpoints);
        if (endpointLease == null) {
          releaseSlot();
          call.fail(allDown(backend));
          return;
        }
        triedEndpoints.add(endpointLease.target().authority());
        target = backend.at(endpointLease.target());
      }
      Attempt attempt = new Attempt(target, endpoint, body, call.request().headers(), record.id(),
          g.connectTimeoutMs(), backend.timeoutMs());
      UpstreamCall mine = services.adapters().of(target, endpoint).call(attempt);
      upstream = mine;
      mine.answer().onComplete(ar -> {
        if (clientGone || mine.cancelled()) {
          if (ar.succeeded()) {
            ar.result().discard();
          }
        } else if (ar.failed()) {
          failed(attempt, route, AttemptFailure.of(ar.cause(), attempt));
        } else if (ar.result().status() >= 500 && retry(backend, route, AttemptFailure.Kind.SERVER_ERROR)) {
          LOG.warn("{} {} -> {} answered {}: trying elsewhere", call.request().method(), endpoint.path(),
              backend.ref(), ar.result().status());
          ar.result().discard();
        } else {
          counted(attempt, "ok");
          Relay.run(call, attempt, ar.result(), routeHeaders(backend, route));
        }
      });
    } catch (RuntimeException e) {
      releaseSlot();
      call.failInternally(e);
    }
  }

  /** Nothing reached the client: try elsewhere when that makes sense, else answer the error. */
  private void failed(Attempt attempt, String route, AttemptFailure failure) {
    counted(attempt, failure.kind().name().toLowerCase(java.util.Locale.ROOT));
    if (failure.kind() != AttemptFailure.Kind.OTHER && failure.kind() != AttemptFailure.Kind.SERVER_ERROR
        && attempt.backend().pooled() && endpointLease != null) {
      services.pools().markDown(attempt.backend(), endpointLease.target(), failure.error().getMessage());
    }
    if (retry(attempt.backend(), route, failure.kind())) {
      return;
    }
    ApiError error = failure.error();
    if (failure.kind() != AttemptFailure.Kind.OTHER || error.status() >= 500) {
      LOG.warn("{} {} -> {} {}: {}", call.request().method(), endpoint.path(), attempt.backend().ref(),
          error.status(), error.getMessage());
    }
    routeHeaders(attempt.backend(), route).forEach(h -> call.response().headers().set(h.getKey(), h.getValue()));
    call.fail(error);
  }

  /** Nothing reached the client yet: try the other side, or wait for a crashed server's restart. */
  private boolean retry(Backend backend, String route, AttemptFailure.Kind kind) {
    if (kind == AttemptFailure.Kind.OTHER) {
      return false;
    }
    if (backend.pooled() && services.pools().anyLeft(backend, triedEndpoints)) {
      // Another server of the pool, keeping the slot: nothing reached the client yet.
      releaseEndpoint();
      send(backend, route);
      return true;
    }
    if (plan.fallback() != null && !fellBack) {
      releaseSlot();
      return fallBack(route);
    }
    if (kind == AttemptFailure.Kind.REFUSED && backend.kind() == Backend.Kind.LLAMA_CPP && !backend.pooled()
        && !retriedRefusal) {
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
      call.fail(new ApiError(429, "rate_limit_error", "model_busy", "model", r.getMessage()));
    } else {
      call.failInternally(cause);
    }
  }

  private void releaseEndpoint() {
    if (endpointLease != null) {
      endpointLease.release();
      endpointLease = null;
    }
  }

  private void counted(Attempt attempt, String outcome) {
    if (attempt.backend().pooled()) {
      services.metrics().endpointRequest(attempt.backend().id(), attempt.backend().authority(), outcome);
    }
  }

  private static ApiError allDown(Backend backend) {
    return new ApiError(503, "api_error", "model_unavailable", "model", "every server of model "
        + backend.id() + " is down or failed this request (" + backend.endpoints().stream()
            .map(Backend.Target::authority).collect(java.util.stream.Collectors.joining(", "))
        + "); the gateway probes them every " + EndpointPools.PROBE_MS / 1000 + " s");
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
    if (upstream != null) {
      upstream.cancel();
    }
  }

  private void releaseSlot() {
    releaseEndpoint();
    permit.release();
    permit = ConcurrencyLimiter.Permit.NONE;
    lease.release();
    lease = SupervisedGate.Lease.NONE;
  }
}
