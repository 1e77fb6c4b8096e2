package dev.llmgateway.routing;

import io.vertx.core.Future;
import io.vertx.core.Promise;
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

  static Future<Buffer> read(HttpServerRequest request, long limit) {
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
