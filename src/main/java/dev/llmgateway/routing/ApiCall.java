package dev.llmgateway.routing;

import io.vertx.core.Handler;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.ext.web.RoutingContext;

/**
 * One client request on the API path, with what the proxy needs of it — whether it came through
 * Vert.x Web's router or straight from the server (the fast path for the three model endpoints,
 * which skips the router's per-request work).
 */
interface ApiCall {

  HttpServerRequest request();

  HttpServerResponse response();

  Vertx vertx();

  RequestRecord record();

  /** Runs once, when the answer has ended ({@code false}) or the client left before ({@code true}). */
  void onEnd(Handler<Boolean> handler);

  static ApiCall of(RoutingContext ctx) {
    return new Routed(ctx);
  }

  /** Through the router: its routing context owns the response's end and close handlers. */
  record Routed(RoutingContext ctx) implements ApiCall {
    @Override
    public HttpServerRequest request() {
      return ctx.request();
    }

    @Override
    public HttpServerResponse response() {
      return ctx.response();
    }

    @Override
    public Vertx vertx() {
      return ctx.vertx();
    }

    @Override
    public RequestRecord record() {
      return RequestLog.of(ctx);
    }

    @Override
    public void onEnd(Handler<Boolean> handler) {
      ctx.addEndHandler(ar -> handler.handle(ar.failed()));
    }
  }
}
