package dev.llmgateway.routing;

import io.vertx.core.Future;
import io.vertx.core.MultiMap;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClientRequest;
import io.vertx.core.http.HttpClientResponse;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.streams.ReadStream;

/**
 * A backend's answer in the client's API: status and headers, and either a stream to pipe on (a pass
 * through) or a whole body (an answer an adapter translated).
 */
final class UpstreamAnswer {

  private final int status;
  private final String statusMessage;
  private final MultiMap headers;
  private final HttpClientRequest request;
  private final ReadStream<Buffer> stream;
  private final Buffer body;

  private UpstreamAnswer(int status, String statusMessage, MultiMap headers, HttpClientRequest request,
      ReadStream<Buffer> stream, Buffer body) {
    this.status = status;
    this.statusMessage = statusMessage;
    this.headers = headers;
    this.request = request;
    this.stream = stream;
    this.body = body;
  }

  /** The backend's own answer, passed on as it comes. */
  static UpstreamAnswer streamed(HttpClientRequest request, HttpClientResponse response) {
    // An answer dropped on purpose ends in a reset: expected, not an error to log.
    response.exceptionHandler(err -> { });
    return new UpstreamAnswer(response.statusCode(), response.statusMessage(), response.headers(), request,
        response, null);
  }

  /**
   * An answer the gateway translates as it streams: {@code stream} reads the backend's body (which
   * {@code request} carries) and gives the client's events.
   */
  static UpstreamAnswer translated(HttpClientRequest request, int status, MultiMap headers,
      ReadStream<Buffer> stream) {
    return new UpstreamAnswer(status, null, headers, request, stream, null);
  }

  /** A complete JSON answer made by the gateway from what the backend said. */
  static UpstreamAnswer json(int status, Buffer body) {
    return whole(status, "application/json", body);
  }

  /** A complete answer of another type made by the gateway (Ollama's one-line NDJSON, say). */
  static UpstreamAnswer whole(int status, String contentType, Buffer body) {
    return new UpstreamAnswer(status, null,
        HttpHeaders.headers().set(HttpHeaders.CONTENT_TYPE, contentType), null, null, body);
  }

  /** This answer's status, as an event stream the gateway makes from it ({@code events} reads it). */
  UpstreamAnswer translatedStream(ReadStream<Buffer> events) {
    return new UpstreamAnswer(status, null, HttpHeaders.headers()
        .set(HttpHeaders.CONTENT_TYPE, "text/event-stream; charset=utf-8"), request, events, null);
  }

  /**
   * The whole body of a streamed answer (an error, or a reply to translate). Call it in the callback
   * that delivered the answer, before the bytes start arriving.
   */
  Future<Buffer> readAll() {
    if (body != null) {
      return Future.succeededFuture(body);
    }
    if (stream instanceof HttpClientResponse response) {
      return response.body();
    }
    return Future.failedFuture(new IllegalStateException("this answer's body cannot be read whole"));
  }

  int status() {
    return status;
  }

  String statusMessage() {
    return statusMessage;
  }

  MultiMap headers() {
    return headers;
  }

  /** The body to pipe, or null when {@link #body()} has it whole. */
  ReadStream<Buffer> stream() {
    return stream;
  }

  Buffer body() {
    return body;
  }

  /** Not wanted after all (the client left, or another backend will answer): close the request. */
  void discard() {
    if (request != null) {
      request.reset();
    }
  }
}
