package dev.llmgateway.ollama;

import dev.llmgateway.api.ErrorEnvelope;
import dev.llmgateway.api.ErrorResponses;
import dev.llmgateway.api.EventStream;
import dev.llmgateway.bus.BusErrors;
import dev.llmgateway.bus.OllamaBus;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.MessageConsumer;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;

/**
 * {@code POST /api/pull} answered from one of the gateway's pull jobs, in Ollama's words: NDJSON
 * progress lines ({@code {"status","digest","total","completed"}}, fields absent while 0) then
 * {@code {"status":"success"}} or {@code {"error"}}; with {@code "stream": false} one object at the
 * end. The job belongs to the gateway, not to this request: a client that leaves stops reading, the
 * download goes on. Like {@link PullEventStream}, it subscribes before it asks for the job's state,
 * orders events by {@code seq}, and keeps only the newest progress while the client is behind.
 */
final class OllamaPullStream {

  private final Vertx vertx;
  private final RoutingContext ctx;
  private final HttpServerResponse response;
  private final String id;
  private final boolean stream;

  private MessageConsumer<JsonObject> consumer;
  private boolean open;
  private boolean closed;
  private long written = -1;
  private JsonObject pending;

  OllamaPullStream(Vertx vertx, RoutingContext ctx, String id, boolean stream) {
    this.vertx = vertx;
    this.ctx = ctx;
    this.response = ctx.response();
    this.id = id;
    this.stream = stream;
  }

  void open() {
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
        .onComplete(ar -> {
          if (closed) {
            return;
          }
          if (ar.failed()) {
            close();
            ErrorResponses.send(response, BusErrors.toApiError(ar.cause()), ErrorEnvelope.OLLAMA);
            return;
          }
          JsonObject first = newer(ar.result().body(), pending);
          if (stream) {
            response.setChunked(true).putHeader(HttpHeaders.CONTENT_TYPE, "application/x-ndjson");
            if ("running".equals(first.getString("state"))) {
              // Ollama always begins so; the job may be past it by now (its manifest is in).
              response.write(new JsonObject().put("status", "pulling manifest").encode() + "\n");
            }
          }
          open = true;
          pending = null;
          offer(first);
        });
  }

  private void offer(JsonObject event) {
    if (closed || seq(event) <= written) {
      return;
    }
    boolean last = !"running".equals(event.getString("state"));
    if (!stream) {
      if (last) {
        whole(event);
      }
      return;
    }
    if (!open || !last && response.writeQueueFull()) {
      pending = newer(pending, event);
      if (open) {
        response.drainHandler(v -> flush());
      }
      return;
    }
    written = seq(event);
    if (pending != null && seq(pending) <= written) {
      pending = null;
    }
    response.write(line(event).encode() + "\n");
    if (last) {
      close();
      response.end();
    }
  }

  private void flush() {
    JsonObject next = pending;
    pending = null;
    if (next != null) {
      offer(next);
    }
  }

  /** {@code "stream": false}: one object once the pull is over (Ollama answers a failure with 500). */
  private void whole(JsonObject event) {
    close();
    boolean done = "done".equals(event.getString("state"));
    response.setStatusCode(done ? 200 : 500).putHeader(HttpHeaders.CONTENT_TYPE, "application/json")
        .end(line(event).encode());
  }

  /** A job's state as the progress line Ollama would have sent. */
  static JsonObject line(JsonObject event) {
    String state = event.getString("state", "");
    if (state.equals("done")) {
      return new JsonObject().put("status", "success");
    }
    if (!state.equals("running")) {
      return new JsonObject().put("error", event.getString("error", "the pull failed"));
    }
    String status = event.getString("status", "starting");
    JsonObject out = new JsonObject().put("status", status.equals("starting") ? "pulling manifest" : status);
    String digest = event.getString("digest");
    if (digest != null && !digest.isEmpty()) {
      out.put("digest", digest);
    }
    long total = event.getLong("total", 0L);
    long completed = event.getLong("completed", 0L);
    if (total > 0) {
      out.put("total", total);
    }
    if (completed > 0) {
      out.put("completed", completed);
    }
    return out;
  }

  private void close() {
    if (closed) {
      return;
    }
    closed = true;
    if (consumer != null) {
      consumer.unregister();
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
