package dev.llmgateway.ollama;

import dev.llmgateway.bus.BusErrors;
import dev.llmgateway.bus.OllamaBus;
import dev.llmgateway.api.EventStream;
import dev.llmgateway.api.ErrorResponses;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.MessageConsumer;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;

/**
 * One client following one pull: {@code GET /admin/ollama/pulls/{id}/events} (SSE) and Ollama's own
 * {@code POST /api/pull} (NDJSON), each in its {@link PullFormat}. It has its own
 * event-bus consumer on {@code llm.ollama.pull.<id>}, registered before the current state is asked
 * for (so nothing falls between the two) and unregistered when the client goes or the pull ends.
 * Events are ordered by the pull's {@code seq}: anything not newer than what was written is dropped.
 * When the client reads slower than the pull progresses, only the newest progress waits for the
 * write queue to drain; the end (done or error) is always written.
 */
final class PullEventStream {

  private final Vertx vertx;
  private final RoutingContext ctx;
  private final HttpServerResponse response;
  private final String id;
  private final PullFormat format;

  private MessageConsumer<JsonObject> consumer;
  private long heartbeat = -1;
  private boolean open;
  private boolean closed;
  private long written = -1;
  private JsonObject pending;

  PullEventStream(Vertx vertx, RoutingContext ctx, String id, PullFormat format) {
    this.vertx = vertx;
    this.ctx = ctx;
    this.response = ctx.response();
    this.id = id;
    this.format = format;
  }

  void open() {
    // Through the routing context: setting the response's own close handler would unhook the
    // request log and everything else that waits for this request to end.
    ctx.addEndHandler(ar -> close());
    EventStream.endOnShutdown(ctx, () -> {
      if (!closed) {
        close();
        response.end();
      }
    });
    consumer = vertx.eventBus().consumer(OllamaBus.pull(id), msg -> offer(msg.body()));
    consumer.completion()
        .compose(v -> vertx.eventBus().<JsonObject>request(OllamaBus.PULLS_GET, new JsonObject().put("id", id)))
        // Not ours: in a cluster, the node running it answers (no handler anywhere: the 404 stands).
        .recover(notHere -> vertx.eventBus().<JsonObject>request(OllamaBus.pullOwner(id), null)
            .recover(nowhere -> io.vertx.core.Future.failedFuture(notHere)))
        .onComplete(ar -> {
          if (closed) {
            return;
          }
          if (ar.failed()) {
            close();
            ErrorResponses.send(response, BusErrors.toApiError(ar.cause()), format.envelope());
            return;
          }
          // The latest state first: the snapshot, or an event that overtook it.
          JsonObject first = newer(ar.result().body(), pending);
          format.begin(response, first);
          open = true;
          pending = null;
          offer(first);
          if (!closed && format.heartbeatMs() > 0) {
            heartbeat = vertx.setPeriodic(format.heartbeatMs(), t -> {
              if (!response.writeQueueFull()) {
                format.heartbeat(response);
              }
            });
          }
        });
  }

  private void offer(JsonObject event) {
    if (closed || seq(event) <= written) {
      return;
    }
    boolean last = !"running".equals(event.getString("state"));
    if (open && !format.streams()) {
      if (last) { // one answer, at the end
        close();
        format.write(response, event, true);
      }
      return;
    }
    if (!open || !last && response.writeQueueFull()) {
      pending = newer(pending, event); // coalesce: only the newest progress waits
      if (open) {
        response.drainHandler(v -> flush());
      }
      return;
    }
    write(event, last);
  }

  private void flush() {
    JsonObject next = pending;
    pending = null;
    if (next != null) {
      offer(next);
    }
  }

  private void write(JsonObject event, boolean last) {
    written = seq(event);
    if (pending != null && seq(pending) <= written) {
      pending = null;
    }
    format.write(response, event, last);
    if (last) {
      close();
      if (!response.ended()) {
        response.end();
      }
    }
  }

  private void close() {
    if (closed) {
      return;
    }
    closed = true;
    consumer.unregister();
    if (heartbeat >= 0) {
      vertx.cancelTimer(heartbeat);
    }
  }

  private static JsonObject newer(JsonObject a, JsonObject b) {
    if (a == null) {
      return b;
    }
    return b == null || seq(a) >= seq(b) ? a : b;
  }

  private static long seq(JsonObject event) {
    Long seq = event.getLong("seq");
    return seq == null ? 0 : seq;
  }
}
