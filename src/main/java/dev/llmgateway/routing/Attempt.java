package dev.llmgateway.routing;

import dev.llmgateway.api.Endpoint;
import dev.llmgateway.model.Backend;
import dev.llmgateway.api.ApiError;
import io.vertx.core.MultiMap;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.RequestOptions;
import io.vertx.core.json.DecodeException;
import io.vertx.core.json.JsonObject;

/**
 * What one attempt at one backend is given: the request as the client sent it (headers not yet
 * filtered, body parsed once) and the limits for this backend. Adapters decide what goes on the wire.
 */
record Attempt(Backend backend, Endpoint endpoint, RequestBody body, MultiMap clientHeaders,
    String requestId, long connectTimeoutMs, long idleTimeoutMs) {

  /** The body as a JSON object, for adapters that translate it; unreadable, it is the client's 400. */
  JsonObject json() {
    try {
      return body.raw().toJsonObject();
    } catch (DecodeException e) { // valid JSON, but beyond the JSON library's limits (a huge string)
      throw AttemptFailure.answer(ApiError.badRequest("the request body cannot be read: " + e.getMessage(), null));
    }
  }

  /**
   * A POST of JSON that an adapter makes itself to {@code path} on this backend: its limits (idle, not
   * total: a long generation is fine as long as bytes keep coming), the request id, and its key.
   */
  RequestOptions post(String path, String authorization) {
    RequestOptions options = new RequestOptions().setMethod(HttpMethod.POST).setHost(backend.host())
        .setPort(backend.port()).setURI(path).setConnectTimeout(connectTimeoutMs).setIdleTimeout(idleTimeoutMs)
        .putHeader(HttpHeaders.CONTENT_TYPE, "application/json")
        .putHeader("X-Request-Id", requestId);
    if (authorization != null) {
      options.putHeader(HttpHeaders.AUTHORIZATION, authorization);
    }
    return options;
  }
}
