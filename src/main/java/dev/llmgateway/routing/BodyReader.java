package dev.llmgateway.routing;

import dev.llmgateway.api.ApiError;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpServerRequest;

/**
 * Reads a request body up to a limit. A declared {@code Content-Length} over the limit is refused
 * before a byte is read (and before {@code 100 Continue}); a chunked body is refused as soon as it
 * crosses the limit. The caller answers 413 and closes the connection.
 */
final class BodyReader {

  private BodyReader() {
  }

  /** A client that has not sent its whole body by then is answered 408. */
  static final long BODY_TIMEOUT_MS = 60_000;

  static Future<Buffer> read(Vertx vertx, HttpServerRequest request, long limit) {
    long declared = declaredLength(request);
    if (declared > limit) {
      return Future.failedFuture(ApiError.tooLarge(limit));
    }
    if ("100-continue".equalsIgnoreCase(request.getHeader(HttpHeaders.EXPECT))) {
      request.response().writeContinue();
    }
    Promise<Buffer> promise = Promise.promise();
    Buffer body = Buffer.buffer((int) Math.min(declared > 0 ? declared : 1024, 1 << 20));
    request.handler(chunk -> {
      if (promise.future().isComplete()) {
        return;
      }
      if (body.length() + (long) chunk.length() > limit) {
        promise.tryFail(ApiError.tooLarge(limit));
      } else {
        body.appendBuffer(chunk);
      }
    });
    request.endHandler(v -> promise.tryComplete(body));
    request.exceptionHandler(promise::tryFail);
    request.resume(); // Vert.x Web pauses the request until a handler is ready for the body
    if (promise.future().isComplete()) {
      return promise.future(); // the usual case: the body came with the head
    }
    long timer = vertx.setTimer(BODY_TIMEOUT_MS, t -> promise.tryFail(new ApiError(408,
        "invalid_request_error", "request_timeout", null, "the request body did not arrive within "
        + BODY_TIMEOUT_MS / 1000 + " s")));
    promise.future().onComplete(ar -> vertx.cancelTimer(timer));
    return promise.future();
  }

  private static long declaredLength(HttpServerRequest request) {
    String value = request.getHeader(HttpHeaders.CONTENT_LENGTH);
    if (value == null) {
      return -1;
    }
    try {
      return Long.parseLong(value.trim());
    } catch (NumberFormatException e) {
      return -1;
    }
  }
}
