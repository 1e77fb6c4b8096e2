package dev.llmgateway.routing;

import dev.llmgateway.model.Backend;
import io.vertx.core.buffer.Buffer;

/**
 * What happened to one request, filled in as it goes (on its event loop only) and written as one
 * log line when it is over. Never holds a body or a key: the last few chunks of the answer are held
 * (references, no copy) only until the end, to read the backend's {@code usage} from them.
 */
public final class RequestRecord {

  final String id;
  final long startNanos = System.nanoTime();
  final String method;
  final String path;
  String requested;
  String model;
  String backendRef;
  String backendType;
  String route;
  boolean stream;
  long bytesIn;
  long bytesOut;
  long chunks;
  long firstByteNanos;
  long queueNanos;
  String fallbackFrom;
  /** The other node of the cluster that served the request, when it was passed on. */
  String node;
  /** The message of the error the client got, when it got one. */
  String error;
  /** Set by {@link #finished}: the outcome, kept for the activity view. */
  int status;
  boolean clientLeft;
  long durationNanos;
  long endMillis;
  /** For ordering requests of all router instances: nanoTime is one clock across the JVM's threads. */
  long endNanos;
  Usage usage = Usage.NONE;
  /** The last {@link #TAIL_CHUNKS} non-empty chunks of the answer, a ring (lazily made). */
  private Buffer[] tail;
  private int tailNext;
  static final int TAIL_CHUNKS = 4;

  RequestRecord(String id, String method, String path) {
    this.id = id;
    this.method = method;
    this.path = path;
  }

  public String id() {
    return id;
  }

  void target(Backend backend, String route) {
    this.model = backend.id();
    this.backendRef = backend.ref();
    this.backendType = backend.kind().label();
    this.route = route;
  }

  /** A chunk of the backend's answer went to the client. */
  void wrote(Buffer data) {
    if (firstByteNanos == 0) {
      firstByteNanos = System.nanoTime() - startNanos;
    }
    chunks++;
    if (data.length() > 0) { // an empty end of the answer must not push the usage event out
      if (tail == null) {
        tail = new Buffer[TAIL_CHUNKS];
      }
      tail[tailNext] = data;
      tailNext = (tailNext + 1) % TAIL_CHUNKS;
    }
  }

  /** The request is over: its outcome, and the tokens the backend reported (then the chunks go). */
  void finished(int finalStatus, boolean left) {
    status = finalStatus;
    clientLeft = left;
    endNanos = System.nanoTime();
    durationNanos = endNanos - startNanos;
    endMillis = System.currentTimeMillis();
    if (finalStatus == 200 && tail != null) {
      try {
        Buffer[] inOrder = new Buffer[TAIL_CHUNKS];
        for (int i = 0; i < TAIL_CHUNKS; i++) {
          inOrder[i] = tail[(tailNext + i) % TAIL_CHUNKS];
        }
        usage = Usage.find(inOrder);
      } catch (RuntimeException unreadable) { // a count is not worth losing the request's log line
        usage = Usage.NONE;
      }
    }
    tail = null;
  }

  /** One line in logfmt: {@code key=value} pairs, quoted where needed. */
  String line() {
    StringBuilder sb = new StringBuilder(160);
    field(sb, "id", id);
    field(sb, "method", method);
    field(sb, "path", path);
    if (requested != null || model != null) {
      field(sb, "requested", requested == null ? "" : requested);
      field(sb, "model", model);
      field(sb, "backend", backendRef);
      field(sb, "type", backendType);
      field(sb, "route", route);
      field(sb, "stream", Boolean.toString(stream));
    }
    field(sb, "status", Integer.toString(status));
    field(sb, "duration_ms", millis(durationNanos));
    if (firstByteNanos > 0) {
      field(sb, "ttfb_ms", millis(firstByteNanos));
    }
    field(sb, "bytes_in", Long.toString(bytesIn));
    field(sb, "bytes_out", Long.toString(bytesOut));
    if (usage.promptTokens() >= 0) {
      field(sb, "prompt_tokens", Long.toString(usage.promptTokens()));
    }
    if (usage.completionTokens() >= 0) {
      field(sb, "completion_tokens", Long.toString(usage.completionTokens()));
    }
    if (queueNanos > 0) {
      field(sb, "queue_ms", millis(queueNanos));
    }
    if (fallbackFrom != null) {
      field(sb, "fallback_from", fallbackFrom);
    }
    if (node != null) {
      field(sb, "node", node);
    }
    if (clientLeft) {
      field(sb, "client", "left");
    }
    return sb.toString();
  }

  private static String millis(long nanos) {
    return String.format(java.util.Locale.ROOT, "%.1f", nanos / 1e6);
  }

  private static void field(StringBuilder sb, String key, String value) {
    if (value == null) {
      return;
    }
    if (sb.length() > 0) {
      sb.append(' ');
    }
    sb.append(key).append('=');
    boolean quote = value.isEmpty() || value.chars().anyMatch(c -> c <= ' ' || c == '"' || c == '=');
    if (quote) {
      sb.append('"').append(value.replace("\\", "\\\\").replace("\"", "\\\"").replace("\n", "\\n")).append('"');
    } else {
      sb.append(value);
    }
  }
}
