package dev.llmgateway.routing;

import dev.llmgateway.api.ApiError;
import io.vertx.core.MultiMap;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpServerResponse;
import java.nio.channels.ClosedChannelException;
import java.util.Locale;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Hands a backend's answer to the client: status and headers, then the body — piped with the
 * response's backpressure, each chunk written and flushed as it is read. If the answer breaks off
 * after it began, an event stream (SSE or NDJSON) ends with an error event in the client's envelope
 * (the connection stays usable); anything else is cut.
 */
final class Relay {

  private static final Logger LOG = LoggerFactory.getLogger(Relay.class);

  private Relay() {
  }

  static void run(ApiCall call, Attempt attempt, UpstreamAnswer answer, MultiMap extraHeaders) {
    HttpServerResponse response = call.response();
    response.setStatusCode(answer.status());
    if (answer.statusMessage() != null) {
      response.setStatusMessage(answer.statusMessage());
    }
    Headers.copyResponse(answer.headers(), response.headers());
    // Ours win over the backend's (MultiMap.setAll would clear everything else).
    extraHeaders.forEach(h -> response.headers().set(h.getKey(), h.getValue()));
    response.headers().set("X-Request-Id", attempt.requestId());
    if (answer.body() != null) {
      call.record().wrote(answer.body());
      response.end(answer.body());
      return;
    }
    String type = answer.headers().get(HttpHeaders.CONTENT_TYPE);
    String lowerType = type == null ? "" : type.toLowerCase(Locale.ROOT);
    // Server-sent events (OpenAI's streams) and NDJSON (Ollama's): both are read event by event.
    boolean eventStream = lowerType.startsWith("text/event-stream") || lowerType.startsWith("application/x-ndjson");
    if (eventStream) {
      response.putHeader("X-Accel-Buffering", "no");
      if (!response.headers().contains(HttpHeaders.CACHE_CONTROL)) {
        response.putHeader(HttpHeaders.CACHE_CONTROL, "no-cache");
      }
    }
    if (!response.headers().contains(HttpHeaders.CONTENT_LENGTH)) {
      response.setChunked(true);
    }
    answer.stream().pipe().endOnFailure(false).to(new MeteredResponse(response, call.record()))
        .onFailure(err -> brokeOff(call, attempt, answer, err, eventStream));
  }

  private static void brokeOff(ApiCall call, Attempt attempt, UpstreamAnswer answer, Throwable cause,
      boolean eventStream) {
    HttpServerResponse response = call.response();
    // A write into a connection the client just closed fails before its close is seen: that is the
    // client leaving, not the backend failing.
    if (response.closed() || cause instanceof ClosedChannelException) {
      answer.discard();
      return;
    }
    ApiError error = AttemptFailure.of(cause, attempt).error();
    call.record().error = "the answer broke off: " + error.getMessage();
    LOG.warn("{} {} -> {}: the answer broke off: {}", call.request().method(), attempt.endpoint().path(),
        attempt.backend().ref(), error.getMessage());
    if (eventStream && !response.ended()) {
      // Closing instead would hand clients that pool connections a dead one for their next request.
      response.end(call.envelope().streamEnd(error));
      answer.discard(); // a translated stream may fail while the backend still sends: close it
    } else {
      response.reset();
    }
  }
}
