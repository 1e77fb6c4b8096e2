package dev.llmgateway.ollama;

import dev.llmgateway.api.ErrorEnvelope;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.core.json.JsonObject;

/**
 * How a pull's states reach one kind of client ({@link PullEventStream} does the following): as the
 * admin API's server-sent events, or as Ollama's own {@code /api/pull} answer — NDJSON progress
 * lines, or with {@code "stream": false} one object at the end.
 */
interface PullFormat {

  /** The answer's head, before the first state (the latest one) is written. */
  void begin(HttpServerResponse response, JsonObject first);

  /** Whether every progress is written; otherwise only the last state, as the whole answer. */
  boolean streams();

  /** Writes one state; after the last one the follower ends the answer unless this did. */
  void write(HttpServerResponse response, JsonObject event, boolean last);

  /** How often to write {@link #heartbeat} while nothing happens (0: never). */
  default long heartbeatMs() {
    return 0;
  }

  default void heartbeat(HttpServerResponse response) {
  }

  ErrorEnvelope envelope();

  /** {@code event: progress|done|error} with the job's state as data, and a comment every so often. */
  static PullFormat events(long heartbeatMs) {
    return new PullFormat() {
      @Override
      public void begin(HttpServerResponse response, JsonObject first) {
        response.setChunked(true)
            .putHeader(HttpHeaders.CONTENT_TYPE, "text/event-stream; charset=utf-8")
            .putHeader(HttpHeaders.CACHE_CONTROL, "no-cache")
            .putHeader("X-Accel-Buffering", "no");
      }

      @Override
      public boolean streams() {
        return true;
      }

      @Override
      public void write(HttpServerResponse response, JsonObject event, boolean last) {
        response.write("event: " + event.getString("event") + "\ndata: " + event.encode() + "\n\n");
      }

      @Override
      public long heartbeatMs() {
        return heartbeatMs;
      }

      @Override
      public void heartbeat(HttpServerResponse response) {
        response.write(": keep-alive\n\n");
      }

      @Override
      public ErrorEnvelope envelope() {
        return ErrorEnvelope.OPENAI;
      }
    };
  }

  /**
   * Ollama's words: {@code {"status","digest","total","completed"}} lines (fields absent while 0), then
   * {@code {"status":"success"}} or {@code {"error"}}; with {@code stream} false one object at the
   * end (a failure with status 500, as Ollama answers it).
   */
  static PullFormat ollama(boolean stream) {
    return new PullFormat() {
      @Override
      public void begin(HttpServerResponse response, JsonObject first) {
        if (stream) {
          response.setChunked(true).putHeader(HttpHeaders.CONTENT_TYPE, "application/x-ndjson");
          if ("running".equals(first.getString("state"))) {
            // Ollama always begins so; the job may be past it by now (its manifest is in).
            response.write(new JsonObject().put("status", "pulling manifest").encode() + "\n");
          }
        }
      }

      @Override
      public boolean streams() {
        return stream;
      }

      @Override
      public void write(HttpServerResponse response, JsonObject event, boolean last) {
        if (stream) {
          response.write(line(event).encode() + "\n");
          return;
        }
        boolean done = "done".equals(event.getString("state"));
        response.setStatusCode(done ? 200 : 500).putHeader(HttpHeaders.CONTENT_TYPE, "application/json")
            .end(line(event).encode());
      }

      @Override
      public ErrorEnvelope envelope() {
        return ErrorEnvelope.OLLAMA;
      }
    };
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
}
