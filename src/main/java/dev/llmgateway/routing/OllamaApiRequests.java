package dev.llmgateway.routing;

import dev.llmgateway.api.ApiError;
import dev.llmgateway.api.Endpoint;
import dev.llmgateway.api.ErrorEnvelope;
import io.vertx.core.json.DecodeException;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

/**
 * Checks a request to Ollama's own API ({@code /api/chat}, {@code /api/generate}, {@code /api/embed},
 * {@code /api/embeddings}) before it is routed, so a request Ollama would refuse is refused here —
 * with Ollama's words where it has them — and never reaches a backend, whatever kind serves it.
 */
final class OllamaApiRequests {

  private OllamaApiRequests() {
  }

  /**
   * Throws an {@link ApiError} 400 for what Ollama would refuse; other endpoints pass. Returns whether
   * the answer streams: chat and generate do unless {@code "stream": false}.
   */
  static boolean check(Endpoint endpoint, RequestBody body) {
    if (endpoint.envelope() != ErrorEnvelope.OLLAMA) {
      return false;
    }
    String model = body.model();
    if (model == null || model.isBlank()) {
      throw ApiError.badRequest("model is required", "model");
    }
    if (!validName(model)) {
      throw ApiError.badRequest("invalid model name", "model");
    }
    JsonObject json;
    try {
      json = body.raw().toJsonObject();
    } catch (DecodeException e) { // valid JSON, beyond the JSON library's limits
      throw ApiError.badRequest("the request body cannot be read: " + e.getMessage(), null);
    }
    optional(json, "options", JsonObject.class, "options must be an object");
    Object format = json.getValue("format");
    if (format != null && !(format instanceof JsonObject) && !"json".equals(format) && !"".equals(format)) {
      throw ApiError.badRequest("invalid format: use \"json\" or a JSON schema", "format");
    }
    switch (endpoint) {
      case OLLAMA_CHAT -> messages(json);
      case OLLAMA_GENERATE -> {
        optional(json, "prompt", String.class, "prompt must be a string");
        optional(json, "system", String.class, "system must be a string");
        images(json.getValue("images"));
      }
      case OLLAMA_EMBED -> input(json.getValue("input"));
      case OLLAMA_EMBEDDINGS -> optional(json, "prompt", String.class, "prompt must be a string");
      default -> { }
    }
    return streams(endpoint, json);
  }

  /** Ollama streams chat and generate answers unless the request says {@code "stream": false}. */
  static boolean streams(Endpoint endpoint, JsonObject json) {
    return (endpoint == Endpoint.OLLAMA_CHAT || endpoint == Endpoint.OLLAMA_GENERATE)
        && !Boolean.FALSE.equals(json.getValue("stream"));
  }

  /**
   * A name that can be a model's: printable and not absurdly long ({@code invalid model name}
   * otherwise, as Ollama says). Spaces are allowed here, unlike in Ollama: an entry's alias may have one.
   */
  static boolean validName(String name) {
    if (name.length() > 350) {
      return false;
    }
    for (int i = 0; i < name.length(); i++) {
      char c = name.charAt(i);
      int type = Character.getType(c);
      if (Character.isISOControl(c) || type == Character.FORMAT || type == Character.LINE_SEPARATOR
          || type == Character.PARAGRAPH_SEPARATOR) {
        return false;
      }
    }
    return true;
  }

  private static void messages(JsonObject json) {
    Object messages = json.getValue("messages");
    if (messages == null) {
      throw ApiError.badRequest("messages is required: send \"messages\": [{\"role\": \"user\", "
          + "\"content\": \"...\"}] (an empty list loads the model)", "messages");
    }
    if (!(messages instanceof JsonArray list)) {
      throw ApiError.badRequest("messages must be an array", "messages");
    }
    for (Object item : list) {
      if (!(item instanceof JsonObject m) || !(m.getValue("role") instanceof String)) {
        throw ApiError.badRequest("each message must be an object with a \"role\"", "messages");
      }
      Object content = m.getValue("content");
      if (content != null && !(content instanceof String)) {
        throw ApiError.badRequest("a message's content must be a string", "messages");
      }
      images(m.getValue("images"));
      Object calls = m.getValue("tool_calls");
      if (calls != null && !(calls instanceof JsonArray)) {
        throw ApiError.badRequest("tool_calls must be an array", "messages");
      }
    }
  }

  private static void images(Object images) {
    if (images == null) {
      return;
    }
    if (!(images instanceof JsonArray list) || list.stream().anyMatch(i -> !(i instanceof String))) {
      throw ApiError.badRequest("images must be an array of base64-encoded strings", "images");
    }
  }

  private static void input(Object input) {
    if (input == null || input instanceof String) {
      return;
    }
    if (!(input instanceof JsonArray list) || list.stream().anyMatch(i -> !(i instanceof String))) {
      throw ApiError.badRequest("invalid input type: send a string or an array of strings", "input");
    }
  }

  private static void optional(JsonObject json, String key, Class<?> type, String message) {
    Object value = json.getValue(key);
    if (value != null && !type.isInstance(value)) {
      throw ApiError.badRequest(message, key);
    }
  }
}
