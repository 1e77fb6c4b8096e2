package dev.llmgateway.routing;

import dev.llmgateway.api.ApiError;
import dev.llmgateway.api.ErrorEnvelope;
import dev.llmgateway.api.ErrorResponses;
import io.vertx.core.Future;
import io.vertx.core.Handler;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.HttpServerResponse;
import java.util.ArrayList;
import java.util.List;

/**
 * One client request to a model endpoint, taken straight from the server (no routing context: the
 * model endpoints skip Vert.x Web's router). It installs the response's end, exception and close
 * handlers once and fans them out, as a routing context would, and it is the edge where errors are
 * rendered, in the envelope of the client's API.
 */
final class ApiCall {

  private final HttpServerRequest request;
  private final Vertx vertx;
  private final RequestRecord record;
  private final List<Handler<Boolean>> endHandlers = new ArrayList<>(3);
  private boolean ended;

  private final ErrorEnvelope envelope;

  ApiCall(HttpServerRequest request, Vertx vertx, RequestRecord record, ErrorEnvelope envelope) {
    this.envelope = envelope;
    this.request = request;
    this.vertx = vertx;
    this.record = record;
    HttpServerResponse response = request.response();
    // On a close before the answer was written Vert.x calls the exception handler first, then the
    // end handler; after it was written, only the close handler. The first call decides.
    response.exceptionHandler(err -> end(true));
    response.closeHandler(v -> end(true));
    response.endHandler(v -> end(false));
  }

  private void end(boolean clientLeft) {
    if (ended) {
      return;
    }
    ended = true;
    for (int i = endHandlers.size() - 1; i >= 0; i--) { // last registered first, like the router
      endHandlers.get(i).handle(clientLeft);
    }
  }

  HttpServerRequest request() {
    return request;
  }

  HttpServerResponse response() {
    return request.response();
  }

  Vertx vertx() {
    return vertx;
  }

  RequestRecord record() {
    return record;
  }

  /** Runs once, when the answer has ended ({@code false}) or the client left before ({@code true}). */
  void onEnd(Handler<Boolean> handler) {
    endHandlers.add(handler);
  }

  ErrorEnvelope envelope() {
    return envelope;
  }

  /** Answers with an error, unless an answer has begun. */
  Future<Void> fail(ApiError error) {
    if (!request.response().headWritten()) {
      record.error = error.getMessage();
    }
    return ErrorResponses.send(request.response(), error, envelope);
  }

  /** A bug on our side: one line in the log, a plain 500 to the client. */
  void failInternally(Throwable failure) {
    ErrorResponses.logInternal(request, failure);
    fail(ErrorResponses.internal());
  }
}
