package dev.llmgateway.routing;

import io.vertx.core.Handler;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.HttpServerResponse;
import java.util.ArrayList;
import java.util.List;

/**
 * A request taken straight from the server, without a routing context. It installs the response's
 * end, exception and close handlers once and fans them out, as Vert.x Web's routing context does.
 */
final class DirectCall implements ApiCall {

  private final HttpServerRequest request;
  private final Vertx vertx;
  private final RequestRecord record;
  private final List<Handler<Boolean>> endHandlers = new ArrayList<>(3);
  private boolean ended;

  DirectCall(HttpServerRequest request, Vertx vertx, RequestRecord record) {
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

  @Override
  public HttpServerRequest request() {
    return request;
  }

  @Override
  public HttpServerResponse response() {
    return request.response();
  }

  @Override
  public Vertx vertx() {
    return vertx;
  }

  @Override
  public RequestRecord record() {
    return record;
  }

  @Override
  public void onEnd(Handler<Boolean> handler) {
    endHandlers.add(handler);
  }
}
