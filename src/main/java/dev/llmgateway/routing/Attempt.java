package dev.llmgateway.routing;

import dev.llmgateway.api.Endpoint;
import dev.llmgateway.model.Backend;
import io.vertx.core.MultiMap;

/**
 * What one attempt at one backend is given: the request as the client sent it (headers not yet
 * filtered, body parsed once) and the limits for this backend. Adapters decide what goes on the wire.
 */
record Attempt(Backend backend, Endpoint endpoint, RequestBody body, MultiMap clientHeaders,
    String requestId, long connectTimeoutMs, long idleTimeoutMs) {
}
