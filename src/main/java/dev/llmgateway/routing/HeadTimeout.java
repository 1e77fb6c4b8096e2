package dev.llmgateway.routing;

import io.vertx.core.Handler;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpConnection;
import io.vertx.core.http.HttpServerRequest;
import java.util.HashMap;
import java.util.Map;

/**
 * Closes a connection that has not completed a request head within {@code timeoutMs} of opening, or
 * of its previous answer ending ({@code gateway.header_timeout_seconds}): a client that trickles its
 * headers a byte at a time (slowloris) is not "idle" to the server's idle timeout, and would hold the
 * connection for as long as it likes. A keep-alive connection idle for as long is closed too, as
 * Apache and nginx do. Each connection is checked a few times per period on its own event loop;
 * a request in progress (however long its answer streams) always keeps its connection.
 */
final class HeadTimeout {

  /** One connection. Touched only on its event loop. */
  private static final class Watch {
    HttpServerRequest last;
    long idleSinceMs;
    long timer;
  }

  private final Vertx vertx;
  private final long timeoutMs;
  private final long checkMs;
  private final Map<HttpConnection, Watch> watches = new HashMap<>();

  HeadTimeout(Vertx vertx, long timeoutMs) {
    this.vertx = vertx;
    this.timeoutMs = timeoutMs;
    this.checkMs = Math.max(100, timeoutMs / 4);
  }

  void connected(HttpConnection connection) {
    Watch w = new Watch();
    w.idleSinceMs = System.currentTimeMillis();
    w.timer = vertx.setPeriodic(checkMs, id -> check(connection, w));
    watches.put(connection, w);
    connection.closeHandler(v -> {
      vertx.cancelTimer(w.timer);
      watches.remove(connection);
    });
  }

  /** The handler of every request, noting that its head arrived before passing it on. */
  Handler<HttpServerRequest> around(Handler<HttpServerRequest> handler) {
    return request -> {
      Watch w = watches.get(request.connection());
      if (w != null) {
        w.last = request;
      }
      handler.handle(request);
    };
  }

  private void check(HttpConnection connection, Watch w) {
    long now = System.currentTimeMillis();
    if (w.last != null) {
      if (!w.last.response().ended()) {
        w.idleSinceMs = now; // answering: the next head is not due yet
        return;
      }
      w.last = null;
      w.idleSinceMs = now; // ended since the last check
      return;
    }
    if (now - w.idleSinceMs >= timeoutMs) {
      vertx.cancelTimer(w.timer);
      connection.close();
    }
  }
}
