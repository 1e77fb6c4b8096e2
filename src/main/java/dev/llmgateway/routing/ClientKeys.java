package dev.llmgateway.routing;

import dev.llmgateway.api.ErrorResponses;
import dev.llmgateway.api.ApiError;
import dev.llmgateway.api.ErrorEnvelope;
import io.vertx.core.Handler;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.ext.web.RoutingContext;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.List;
import java.util.function.Supplier;

/**
 * Optional client keys for {@code /v1/*} and Ollama's {@code /api/*} ({@code gateway.api_keys},
 * {@code LLM_GATEWAY_API_KEYS}): when any is configured, a request must bring one as
 * {@code Authorization: Bearer <key>} (or {@code x-api-key}), as OpenAI clients send their API key;
 * otherwise 401 in the shape of the client's API.
 */
final class ClientKeys implements Handler<RoutingContext> {

  private final Supplier<List<String>> keys;

  ClientKeys(Supplier<List<String>> keys) {
    this.keys = keys;
  }

  @Override
  public void handle(RoutingContext ctx) {
    ErrorEnvelope envelope = ctx.request().path().startsWith("/api/") ? ErrorEnvelope.OLLAMA : ErrorEnvelope.OPENAI;
    if (admits(ctx.request(), envelope)) {
      ctx.next();
    }
  }

  /** True when the request may go on; otherwise it has been answered 401 in the client's envelope. */
  boolean admits(HttpServerRequest request, ErrorEnvelope envelope) {
    List<String> allowed = keys.get();
    if (allowed.isEmpty() || allowed(given(request), allowed)) {
      return true;
    }
    request.response().putHeader("WWW-Authenticate", "Bearer");
    ErrorResponses.send(request.response(), new ApiError(401, "invalid_request_error", "invalid_api_key",
        null, "missing or wrong API key: send Authorization: Bearer <key> with one of the gateway's "
        + "api_keys (or x-api-key: <key>)"), envelope);
    return false;
  }

  private static String given(HttpServerRequest request) {
    String header = request.getHeader(HttpHeaders.AUTHORIZATION);
    if (header != null && header.regionMatches(true, 0, "Bearer ", 0, 7)) {
      return header.substring(7).trim();
    }
    return request.getHeader("x-api-key");
  }

  /** Compares against every key without stopping early, so timing says nothing about them. */
  private static boolean allowed(String given, List<String> allowed) {
    if (given == null) {
      return false;
    }
    byte[] candidate = given.getBytes(StandardCharsets.UTF_8);
    boolean ok = false;
    for (String key : allowed) {
      ok |= MessageDigest.isEqual(candidate, key.getBytes(StandardCharsets.UTF_8));
    }
    return ok;
  }
}
