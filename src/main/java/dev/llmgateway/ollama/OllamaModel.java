package dev.llmgateway.ollama;

import io.vertx.core.json.JsonObject;

/**
 * One model of {@code GET /api/tags}: the fields the gateway reads, and the whole object as Ollama
 * sent it ({@code details}, {@code capabilities} and whatever newer versions add).
 */
public record OllamaModel(String name, long size, String modifiedAt, String digest, JsonObject raw) {

  static OllamaModel of(JsonObject o) {
    String name = o.getString("name", o.getString("model", ""));
    Number size = o.getNumber("size");
    return new OllamaModel(name, size == null ? 0 : size.longValue(), o.getString("modified_at"),
        o.getString("digest"), o);
  }
}
