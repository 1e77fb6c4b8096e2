package dev.llmgateway.routing;

import dev.llmgateway.api.ApiError;
import dev.llmgateway.api.ErrorResponses;
import io.vertx.core.Handler;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.ext.web.RoutingContext;
import java.util.List;
import java.util.function.Supplier;

/**
 * Cross-origin access ({@code gateway.cors_origins}; off unless origins are listed, {@code "*"} for
 * any). One rule for every path: the model endpoints (which skip the router) call {@link #admits},
 * the router has it as its first handler. The gateway alone decides: a backend's own CORS headers
 * never reach the client ({@link Headers}).
 */
final class Cors implements Handler<RoutingContext> {

  private static final String METHODS = "GET, POST, PUT, DELETE";
  private static final String ALLOWED_HEADERS = "Authorization, Content-Type, X-Request-Id, X-LLM-Route, "
      + "x-api-key, anthropic-version";
  private static final String EXPOSED_HEADERS = "X-Request-Id, X-LLM-Route, X-LLM-Model, Retry-After";

  private final Supplier<List<String>> origins;

  Cors(Supplier<List<String>> origins) {
    this.origins = origins;
  }

  @Override
  public void handle(RoutingContext ctx) {
    if (admits(ctx.request())) {
      ctx.next();
    }
  }

  /**
   * True when the request goes on (with the headers that let the browser read the answer); false
   * when it has been answered: a preflight, or an origin that is not allowed (403).
   */
  boolean admits(HttpServerRequest request) {
    String origin = request.getHeader(HttpHeaders.ORIGIN);
    List<String> allowed = origins.get();
    if (origin == null || allowed.isEmpty()) {
      return true; // not cross-origin, or CORS off: the browser itself keeps other origins out
    }
    HttpServerResponse response = request.response();
    response.headers().add(HttpHeaders.VARY, "Origin");
    if (!allowed.contains("*") && !allowed.contains(origin)) {
      ErrorResponses.send(response, new ApiError(403, "invalid_request_error", "origin_not_allowed", null,
          "cross-origin requests from " + origin + " are not allowed (gateway.cors_origins)"));
      return false;
    }
    response.putHeader(HttpHeaders.ACCESS_CONTROL_ALLOW_ORIGIN, origin);
    if (request.method() == HttpMethod.OPTIONS && request.getHeader(HttpHeaders.ACCESS_CONTROL_REQUEST_METHOD) != null) {
      response.putHeader(HttpHeaders.ACCESS_CONTROL_ALLOW_METHODS, METHODS)
          .putHeader(HttpHeaders.ACCESS_CONTROL_ALLOW_HEADERS, ALLOWED_HEADERS)
          .putHeader(HttpHeaders.ACCESS_CONTROL_MAX_AGE, "600")
          .setStatusCode(204).end();
      return false;
    }
    response.putHeader(HttpHeaders.ACCESS_CONTROL_EXPOSE_HEADERS, EXPOSED_HEADERS);
    return true;
  }
}
