package dev.llmgateway.api;

import io.vertx.core.Vertx;
import io.vertx.core.http.HttpConnection;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;

/**
 * A server-sent-events response: named events, a heartbeat comment so idle connections stay open,
 * and no unbounded buffering — when the client reads slower than events come, events that can be
 * dropped are dropped (and counted) instead of queued.
 */
public final class EventStream {

  private static final long HEARTBEAT_MS = 15_000;

  private final HttpServerResponse response;
  private final Vertx vertx;
  private final long heartbeat;
  private long dropped;
  private boolean closed;

  public EventStream(Vertx vertx, RoutingContext ctx, Runnable onClose) {
    this.vertx = vertx;
    this.response = ctx.response();
    response.setChunked(true)
        .putHeader(HttpHeaders.CONTENT_TYPE, "text/event-stream; charset=utf-8")
        .putHeader(HttpHeaders.CACHE_CONTROL, "no-cache")
        .putHeader("X-Accel-Buffering", "no");
    response.write(": stream open\n\n");
    heartbeat = vertx.setPeriodic(HEARTBEAT_MS, t -> {
      if (!closed) {
        response.write(": keep-alive\n\n");
      }
    });
    // Through the routing context: the response's own close handler belongs to it.
    ctx.addEndHandler(ar -> {
      close();
      onClose.run();
    });
    endOnShutdown(ctx, this::end);
  }

  /**
   * A stopping gateway waits for requests in flight, up to its shutdown grace; a stream never ends
   * by itself, so it ends when its connection is shut down. (Over HTTP/2 one connection carries many
   * streams and only the last one registered is told; browsers use HTTP/1.1 here.)
   */
  public static void endOnShutdown(RoutingContext ctx, Runnable end) {
    HttpConnection connection = ctx.request().connection();
    if (connection != null) {
      connection.shutdownHandler(v -> end.run());
    }
  }

  /** An event that must arrive (state changes, the end of a job). */
  public void send(String event, JsonObject data) {
    if (!closed) {
      response.write("event: " + event + "\ndata: " + data.encode() + "\n\n");
    }
  }

  /** An event that may be dropped when the client is behind (a log line, a progress tick). */
  public void offer(String event, JsonObject data) {
    if (closed) {
      return;
    }
    if (response.writeQueueFull()) {
      dropped++;
      return;
    }
    if (dropped > 0) {
      send("dropped", new JsonObject().put("count", dropped));
      dropped = 0;
    }
    send(event, data);
  }

  /** Ends the stream (the client sees it close). */
  public void end() {
    if (!closed) {
      close();
      response.end();
    }
  }

  private void close() {
    closed = true;
    vertx.cancelTimer(heartbeat);
  }
}
