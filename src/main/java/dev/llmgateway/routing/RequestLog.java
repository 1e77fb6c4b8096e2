package dev.llmgateway.routing;

import dev.llmgateway.metrics.GatewayMetrics;
import io.vertx.core.Handler;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.ext.web.RoutingContext;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.BooleanSupplier;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Every request gets an id (the client's {@code X-Request-Id} when it sends a sane one), returned in
 * its answer; when the request is over, one log line (logger {@code llm_gateway.requests}) and, for
 * forwarded requests, the request metrics. First handler of the router; the fast path calls
 * {@link #begin} and {@link #finish} itself.
 */
final class RequestLog implements Handler<RoutingContext> {

  static final String KEY = "llm.request";
  private static final Logger LOG = LoggerFactory.getLogger("llm_gateway.requests");
  private static final Pattern SANE_ID = Pattern.compile("[A-Za-z0-9._:/+=-]{1,128}");

  private final GatewayMetrics metrics;
  private final BooleanSupplier enabled;

  RequestLog(GatewayMetrics metrics, BooleanSupplier enabled) {
    this.metrics = metrics;
    this.enabled = enabled;
  }

  @Override
  public void handle(RoutingContext ctx) {
    RequestRecord record = begin(ctx.request());
    ctx.put(KEY, record);
    ctx.addEndHandler(ar -> finish(ctx.response(), record, ar.failed()));
    ctx.next();
  }

  /** The request's record, its id already in the answer's headers. */
  RequestRecord begin(HttpServerRequest request) {
    String given = request.getHeader("X-Request-Id");
    String id = given != null && SANE_ID.matcher(given).matches() ? given : newId();
    RequestRecord record = new RequestRecord(id, request.method().name(), request.path());
    request.response().putHeader("X-Request-Id", id);
    return record;
  }

  static RequestRecord of(RoutingContext ctx) {
    return ctx.get(KEY);
  }

  void finish(HttpServerResponse response, RequestRecord r, boolean clientLeft) {
    int status = response.getStatusCode();
    r.bytesOut = response.bytesWritten();
    r.finished(status, clientLeft);
    if (r.model != null) {
      metrics.request(r.model, r.backendType, r.route, status, r.stream, r.durationNanos,
          r.firstByteNanos, r.stream ? r.chunks : 0);
    }
    if (enabled.getAsBoolean() && LOG.isInfoEnabled()) {
      LOG.info(r.line());
    }
  }

  private static String newId() {
    return Long.toHexString(ThreadLocalRandom.current().nextLong() & Long.MAX_VALUE);
  }
}
