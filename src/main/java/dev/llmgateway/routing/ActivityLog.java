package dev.llmgateway.routing;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.HashMap;
import java.util.Map;

/**
 * One router instance's part of the activity view: its last {@value #RECENT} finished requests to
 * the model endpoints and running totals per backend. Touched only on the instance's event loop, so
 * it needs no lock, and a request costs an array store and a few additions — no message. Rates
 * (requests/s, TTFB, tokens/s) are differences between two reports, worked out by whoever asks.
 */
final class ActivityLog {

  static final int RECENT = 100;

  private final RequestRecord[] recent = new RequestRecord[RECENT];
  private int next;
  private final Map<String, Totals> totals = new HashMap<>();

  /** Running totals of one backend since the gateway started. */
  private static final class Totals {
    final String model;
    long requests;
    long errors;
    long promptTokens;
    long completionTokens;
    long ttfbNanos;
    long ttfbCount;
    long decodeNanos;
    long decodeTokens;

    Totals(String model) {
      this.model = model;
    }

    JsonObject toJson() {
      return new JsonObject().put("model", model).put("requests", requests).put("errors", errors)
          .put("prompt_tokens", promptTokens).put("completion_tokens", completionTokens)
          .put("ttfb_ms_sum", ttfbNanos / 1e6).put("ttfb_count", ttfbCount)
          .put("decode_ms_sum", decodeNanos / 1e6).put("decode_tokens", decodeTokens);
    }
  }

  /** A finished request ({@link RequestRecord#finished} was called). */
  void add(RequestRecord r) {
    recent[next] = r;
    next = (next + 1) % RECENT;
    if (r.backendRef == null) {
      return; // refused before a model was chosen: in the list, in no model's totals
    }
    Totals t = totals.computeIfAbsent(r.backendRef, ref -> new Totals(r.model));
    t.requests++;
    if (failed(r)) {
      t.errors++;
    }
    if (r.firstByteNanos > 0) {
      t.ttfbNanos += r.firstByteNanos;
      t.ttfbCount++;
    }
    if (r.usage.known()) {
      t.promptTokens += Math.max(0, r.usage.promptTokens());
      t.completionTokens += Math.max(0, r.usage.completionTokens());
      long decode = decodeNanos(r);
      if (r.usage.completionTokens() > 0 && decode > 0) {
        t.decodeNanos += decode;
        t.decodeTokens += r.usage.completionTokens();
      }
    }
  }

  /** This instance's report, as {@code ActivityBus} describes it. */
  JsonObject report(int instances) {
    JsonArray list = new JsonArray();
    for (int i = 1; i <= RECENT; i++) { // newest first
      RequestRecord r = recent[(next - i + RECENT) % RECENT];
      if (r == null) {
        break;
      }
      list.add(toJson(r));
    }
    JsonObject models = new JsonObject();
    totals.forEach((ref, t) -> models.put(ref, t.toJson()));
    return new JsonObject().put("instances", instances).put("recent", list).put("models", models);
  }

  static boolean failed(RequestRecord r) {
    return r.status >= 400 || r.error != null;
  }

  /** The time spent writing tokens: after the first byte for a stream, the whole wait otherwise. */
  private static long decodeNanos(RequestRecord r) {
    return r.stream && r.firstByteNanos > 0 ? r.durationNanos - r.firstByteNanos : r.durationNanos;
  }

  private static JsonObject toJson(RequestRecord r) {
    JsonObject json = new JsonObject().put("id", r.id).put("end_ms", r.endMillis).put("method", r.method)
        .put("path", r.path).put("requested", r.requested).put("model", r.model).put("backend", r.backendRef)
        .put("route", r.route).put("stream", r.stream).put("status", r.status)
        .put("duration_ms", round(r.durationNanos)).put("client_left", r.clientLeft);
    if (r.firstByteNanos > 0) {
      json.put("ttfb_ms", round(r.firstByteNanos));
    }
    if (r.queueNanos > 0) {
      json.put("queue_ms", round(r.queueNanos));
    }
    if (r.usage.known()) {
      json.put("prompt_tokens", r.usage.promptTokens()).put("completion_tokens", r.usage.completionTokens());
      long decode = decodeNanos(r);
      if (r.usage.completionTokens() > 0 && decode > 0) {
        json.put("tokens_per_s", Math.round(r.usage.completionTokens() * 1e10 / decode) / 10.0);
      }
    }
    if (r.fallbackFrom != null) {
      json.put("fallback_from", r.fallbackFrom);
    }
    if (r.error != null) {
      json.put("error", r.error);
    }
    return json;
  }

  private static double round(long nanos) {
    return Math.round(nanos / 1e5) / 10.0;
  }
}
