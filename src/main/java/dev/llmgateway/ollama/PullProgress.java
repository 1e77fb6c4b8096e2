package dev.llmgateway.ollama;

import io.vertx.core.json.JsonObject;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Overall progress of one pull from Ollama's per-layer lines. Ollama reports each layer on its own
 * ({@code {"status":"pulling <digest>","digest","total","completed"}}, {@code completed} absent while
 * 0, small layers possibly never reaching {@code completed == total}); the percent here is over all
 * layers seen so far, and the steps after the download (verifying, writing manifest, success) count
 * every layer as complete.
 */
public final class PullProgress {

  private final Map<String, long[]> layers = new LinkedHashMap<>(); // digest -> {total, completed}
  private String status = "starting";
  private String digest;
  private long total;
  private long completed;
  private boolean downloaded;

  /** Takes one progress line of {@code /api/pull}. */
  public void update(JsonObject line) {
    Object s = line.getValue("status");
    if (s instanceof String text) {
      status = text;
    }
    Object d = line.getValue("digest");
    if (d instanceof String layer && !layer.isEmpty()) {
      digest = layer;
      total = number(line, "total");
      completed = number(line, "completed");
      long[] seen = layers.computeIfAbsent(layer, k -> new long[2]);
      seen[0] = Math.max(seen[0], total);
      seen[1] = Math.max(seen[1], Math.min(completed, seen[0]));
    } else {
      digest = null;
      total = 0;
      completed = 0;
      downloaded = !layers.isEmpty() && !status.startsWith("pulling");
    }
  }

  /** Every layer counts as complete: the pull succeeded. */
  void finished() {
    downloaded = true;
  }

  long totalBytes() {
    return layers.values().stream().mapToLong(l -> l[0]).sum();
  }

  long completedBytes() {
    return downloaded ? totalBytes() : layers.values().stream().mapToLong(l -> l[1]).sum();
  }

  /** 0 to 100 with one decimal, over all layers; never 100 before the download is complete. */
  public double percent() {
    long all = totalBytes();
    if (all == 0) {
      return downloaded ? 100.0 : 0.0;
    }
    if (downloaded) {
      return 100.0;
    }
    return Math.min(99.9, Math.round(completedBytes() * 1000.0 / all) / 10.0);
  }

  /** {@code status, digest, total, completed} of the latest line, plus the overall figures. */
  public JsonObject toJson() {
    return new JsonObject()
        .put("status", status)
        .put("digest", digest)
        .put("total", total)
        .put("completed", completed)
        .put("percent", percent())
        .put("completed_bytes", completedBytes())
        .put("total_bytes", totalBytes());
  }

  private static long number(JsonObject line, String key) {
    Object v = line.getValue(key);
    return v instanceof Number n ? Math.max(0, n.longValue()) : 0;
  }
}
