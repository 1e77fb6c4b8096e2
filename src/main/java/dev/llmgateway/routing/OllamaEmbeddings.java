package dev.llmgateway.routing;

import dev.llmgateway.api.ApiError;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Base64;

/**
 * OpenAI's {@code /v1/embeddings} in terms of Ollama's {@code /api/embed}, both ways. OpenAI's
 * {@code encoding_format} is {@code float} (numbers) or {@code base64}: little-endian float32 values,
 * base64-encoded — what the official Python and Node SDKs ask for by default and decode themselves.
 */
final class OllamaEmbeddings {

  /** Options of {@code /api/embed} a client may send along (through {@code extra_body}). */
  private static final String[] OLLAMA_OPTIONS = {"dimensions", "truncate", "keep_alive", "options"};

  private OllamaEmbeddings() {
  }

  /** The {@code /api/embed} body; a request Ollama cannot serve is an {@link ApiError} 400. */
  static JsonObject request(JsonObject openAi, String ollamaModel) {
    Object input = openAi.getValue("input");
    if (input == null) {
      throw ApiError.badRequest("'input' is required: a string or an array of strings", "input");
    }
    if (input instanceof JsonArray list) {
      if (list.isEmpty()) {
        throw ApiError.badRequest("'input' must not be an empty array", "input");
      }
      for (Object item : list) {
        if (!(item instanceof String)) {
          throw ApiError.badRequest("Ollama models take text: send 'input' as a string or an array of "
              + "strings (token arrays are not supported)", "input");
        }
      }
    } else if (!(input instanceof String)) {
      throw ApiError.badRequest("'input' must be a string or an array of strings", "input");
    }
    JsonObject out = new JsonObject().put("model", ollamaModel).put("input", input);
    for (String key : OLLAMA_OPTIONS) {
      if (openAi.containsKey(key) && openAi.getValue(key) != null) {
        out.put(key, openAi.getValue(key));
      }
    }
    return out;
  }

  /** True for {@code base64}, false for {@code float} or none; anything else is a 400. */
  static boolean base64(JsonObject openAi) {
    Object format = openAi.getValue("encoding_format");
    if (format == null || "float".equals(format)) {
      return false;
    }
    if ("base64".equals(format)) {
      return true;
    }
    throw ApiError.badRequest("encoding_format must be float or base64 (got " + format + ")", "encoding_format");
  }

  /** Ollama's answer in OpenAI's shape: {@code object: list}, {@code data[].embedding}, usage. */
  static JsonObject response(JsonObject ollama, String model, boolean base64) {
    JsonArray embeddings = ollama.getJsonArray("embeddings", new JsonArray());
    JsonArray data = new JsonArray();
    for (int i = 0; i < embeddings.size(); i++) {
      JsonArray vector = embeddings.getJsonArray(i);
      data.add(new JsonObject().put("object", "embedding").put("index", i)
          .put("embedding", base64 ? encode(vector) : vector));
    }
    Number tokens = ollama.getNumber("prompt_eval_count");
    long used = tokens == null ? 0 : tokens.longValue();
    return new JsonObject().put("object", "list").put("data", data)
        .put("model", ollama.getString("model", model))
        .put("usage", new JsonObject().put("prompt_tokens", used).put("total_tokens", used));
  }

  /** float32 little-endian, base64: how OpenAI encodes {@code encoding_format: base64}. */
  static String encode(JsonArray vector) {
    ByteBuffer bytes = ByteBuffer.allocate(vector.size() * Float.BYTES).order(ByteOrder.LITTLE_ENDIAN);
    for (int i = 0; i < vector.size(); i++) {
      bytes.putFloat(((Number) vector.getValue(i)).floatValue());
    }
    return Base64.getEncoder().encodeToString(bytes.array());
  }
}
