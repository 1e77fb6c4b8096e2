package dev.llmgateway.routing;

import io.vertx.core.json.DecodeException;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.time.Instant;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;

/**
 * Ollama's {@code /api/chat} and {@code /api/generate} in terms of OpenAI's
 * {@code /v1/chat/completions}, both ways, for the backends that speak only the latter (llama.cpp,
 * LiteLLM). Where the two differ: Ollama's tool-call arguments are JSON objects (OpenAI's are
 * strings), its images are bare base64 strings (OpenAI's are data URLs in content parts), its
 * sampling settings live in {@code options} ({@code num_predict} is OpenAI's {@code max_tokens}), and
 * {@code format} ({@code "json"} or a JSON schema) is OpenAI's {@code response_format}.
 */
final class OllamaApiTranslation {

  /** Ollama options that are OpenAI request fields of the same meaning. */
  private static final Map<String, String> OPENAI_OPTIONS = Map.of(
      "temperature", "temperature", "top_p", "top_p", "seed", "seed", "stop", "stop",
      "presence_penalty", "presence_penalty", "frequency_penalty", "frequency_penalty",
      "num_predict", "max_tokens");
  /** Options llama-server also takes by their Ollama names (a cloud model would refuse them). */
  private static final String[] LLAMA_CPP_OPTIONS = {"top_k", "min_p", "typical_p", "repeat_penalty",
      "repeat_last_n", "mirostat", "mirostat_tau", "mirostat_eta", "n_keep"};

  private OllamaApiTranslation() {
  }

  /** Timing of one call, in nanoseconds of {@link System#nanoTime()}: for Ollama's durations. */
  static final class Clock {
    final long start = System.nanoTime();
    long firstToken;

    void token() {
      if (firstToken == 0) {
        firstToken = System.nanoTime();
      }
    }
  }

  /** An empty chat or an empty prompt asks Ollama to load the model (and {@code keep_alive: 0} to unload it). */
  static boolean isLoad(JsonObject ollama, boolean generate) {
    if (generate) {
      Object prompt = ollama.getValue("prompt");
      JsonArray images = ollama.getJsonArray("images");
      return (prompt == null || "".equals(prompt)) && (images == null || images.isEmpty());
    }
    JsonArray messages = ollama.getJsonArray("messages");
    return messages != null && messages.isEmpty();
  }

  /** What Ollama answers to a load (or unload) request, once the model is ready. */
  static JsonObject loaded(JsonObject ollama, boolean generate) {
    Object keepAlive = ollama.getValue("keep_alive");
    boolean unload = keepAlive instanceof Number n && n.doubleValue() == 0
        || "0".equals(keepAlive) || "0s".equals(keepAlive);
    JsonObject out = head(ollama.getString("model"));
    if (generate) {
      out.put("response", "");
    } else {
      out.put("message", new JsonObject().put("role", "assistant").put("content", ""));
    }
    return out.put("done", true).put("done_reason", unload ? "unload" : "load");
  }

  /** The {@code /v1/chat/completions} body for an Ollama chat or generate request. */
  static JsonObject request(JsonObject ollama, boolean generate, String upstreamModel, boolean llamaCpp,
      boolean stream) {
    JsonObject out = new JsonObject().put("model", upstreamModel)
        .put("messages", generate ? promptMessages(ollama) : messages(ollama.getJsonArray("messages")));
    out.put("stream", stream);
    if (stream) {
      out.put("stream_options", new JsonObject().put("include_usage", true));
    }
    Object tools = ollama.getValue("tools");
    if (tools instanceof JsonArray list && !list.isEmpty()) {
      out.put("tools", list);
    }
    Object format = ollama.getValue("format");
    if ("json".equals(format)) {
      out.put("response_format", new JsonObject().put("type", "json_object"));
    } else if (format instanceof JsonObject schema) {
      out.put("response_format", new JsonObject().put("type", "json_schema")
          .put("json_schema", new JsonObject().put("name", "response").put("schema", schema)));
    }
    JsonObject options = ollama.getJsonObject("options");
    if (options != null) {
      OPENAI_OPTIONS.forEach((from, to) -> {
        Object value = options.getValue(from);
        if (value != null && !(from.equals("num_predict") && value instanceof Number n && n.longValue() < 0)) {
          out.put(to, value);
        }
      });
      if (llamaCpp) {
        for (String key : LLAMA_CPP_OPTIONS) {
          if (options.getValue(key) != null) {
            out.put(key, options.getValue(key));
          }
        }
      }
    }
    return out;
  }

  private static JsonArray promptMessages(JsonObject ollama) {
    JsonArray out = new JsonArray();
    String system = ollama.getString("system");
    if (system != null && !system.isEmpty()) {
      out.add(new JsonObject().put("role", "system").put("content", system));
    }
    out.add(userContent(ollama.getString("prompt", ""), ollama.getJsonArray("images")));
    return out;
  }

  private static JsonArray messages(JsonArray in) {
    JsonArray out = new JsonArray();
    // OpenAI ties a tool result to its call by id; Ollama's tool messages may name the tool instead.
    Map<String, String> callIdByTool = new HashMap<>();
    int calls = 0;
    for (Object item : in) {
      JsonObject m = (JsonObject) item;
      String role = m.getString("role").toLowerCase(Locale.ROOT);
      String content = m.getString("content", "");
      JsonObject message;
      if (role.equals("user")) {
        message = userContent(content, m.getJsonArray("images"));
      } else {
        message = new JsonObject().put("role", role).put("content", content);
      }
      JsonArray toolCalls = m.getJsonArray("tool_calls");
      if (role.equals("assistant") && toolCalls != null && !toolCalls.isEmpty()) {
        JsonArray openAi = new JsonArray();
        for (Object c : toolCalls) {
          JsonObject function = c instanceof JsonObject o ? o.getJsonObject("function", new JsonObject())
              : new JsonObject();
          String id = c instanceof JsonObject o && o.getValue("id") instanceof String s ? s : "call_" + calls;
          calls++;
          String name = function.getString("name", "");
          callIdByTool.put(name, id);
          openAi.add(new JsonObject().put("id", id).put("type", "function").put("function", new JsonObject()
              .put("name", name).put("arguments", argumentsText(function.getValue("arguments")))));
        }
        message.put("tool_calls", openAi);
      }
      if (role.equals("tool")) {
        String id = m.getValue("tool_call_id") instanceof String s ? s
            : callIdByTool.getOrDefault(m.getString("tool_name", ""), "call_" + Math.max(0, calls - 1));
        message.put("tool_call_id", id);
        if (m.getValue("tool_name") instanceof String name) {
          message.put("name", name);
        }
      }
      out.add(message);
    }
    return out;
  }

  /** Ollama's arguments (an object) as OpenAI's (JSON text). */
  private static String argumentsText(Object arguments) {
    if (arguments instanceof String s) {
      return s;
    }
    return arguments instanceof JsonObject o ? o.encode() : arguments == null ? "{}" : String.valueOf(arguments);
  }

  /** A user message; with images, OpenAI's content parts with data URLs. */
  private static JsonObject userContent(String text, JsonArray images) {
    JsonObject message = new JsonObject().put("role", "user");
    if (images == null || images.isEmpty()) {
      return message.put("content", text);
    }
    JsonArray parts = new JsonArray().add(new JsonObject().put("type", "text").put("text", text));
    for (Object image : images) {
      parts.add(new JsonObject().put("type", "image_url")
          .put("image_url", new JsonObject().put("url", dataUrl((String) image))));
    }
    return message.put("content", parts);
  }

  /** Ollama sends bare base64; the image type is read from its first bytes. */
  static String dataUrl(String base64) {
    if (base64.startsWith("data:")) {
      return base64;
    }
    String type = base64.startsWith("/9j/") ? "image/jpeg"
        : base64.startsWith("R0lGOD") ? "image/gif"
        : base64.startsWith("UklGR") ? "image/webp"
        : base64.startsWith("Qk") ? "image/bmp"
        : "image/png";
    return "data:" + type + ";base64," + base64;
  }

  /** The start of every answer object: the model the client asked for, and now. */
  static JsonObject head(String model) {
    return new JsonObject().put("model", model).put("created_at", Instant.now().toString());
  }

  /** A whole {@code chat.completion} as Ollama's one answer object ({@code "stream": false}). */
  static JsonObject response(JsonObject openAi, String model, boolean generate, Clock clock) {
    JsonArray choices = openAi.getJsonArray("choices", new JsonArray());
    JsonObject choice = choices.isEmpty() ? new JsonObject() : choices.getJsonObject(0);
    JsonObject message = choice.getJsonObject("message", new JsonObject());
    clock.token();
    String content = message.getValue("content") instanceof String s ? s : "";
    JsonObject out = head(model);
    JsonArray toolCalls = toolCalls(message.getJsonArray("tool_calls"));
    if (generate) {
      out.put("response", content);
      putThinking(out, message);
    } else {
      JsonObject reply = new JsonObject().put("role", "assistant").put("content", content);
      putThinking(reply, message);
      if (toolCalls != null) {
        reply.put("tool_calls", toolCalls);
      }
      out.put("message", reply);
    }
    out.put("done", true).put("done_reason", doneReason(choice.getString("finish_reason")));
    return metrics(out, openAi.getJsonObject("usage"), openAi.getJsonObject("timings"), clock);
  }

  private static void putThinking(JsonObject target, JsonObject openAiMessage) {
    if (openAiMessage.getValue("reasoning_content") instanceof String r && !r.isEmpty()) {
      target.put("thinking", r);
    }
  }

  /** OpenAI's tool calls (arguments as JSON text) as Ollama's (arguments as an object), or null. */
  static JsonArray toolCalls(JsonArray openAi) {
    if (openAi == null || openAi.isEmpty()) {
      return null;
    }
    JsonArray out = new JsonArray();
    for (int i = 0; i < openAi.size(); i++) {
      JsonObject call = openAi.getJsonObject(i);
      JsonObject function = call.getJsonObject("function", new JsonObject());
      JsonObject ollama = new JsonObject();
      if (call.getValue("id") instanceof String id) {
        ollama.put("id", id);
      }
      out.add(ollama.put("function", new JsonObject().put("index", i)
          .put("name", function.getString("name", ""))
          .put("arguments", arguments(function.getValue("arguments")))));
    }
    return out;
  }

  /** Arguments as an object; text that is not a JSON object stays text (nothing is invented). */
  private static Object arguments(Object value) {
    if (value instanceof JsonObject o) {
      return o;
    }
    if (value instanceof String s) {
      if (s.isBlank()) {
        return new JsonObject();
      }
      try {
        return new JsonObject(s);
      } catch (DecodeException | ClassCastException e) {
        return s;
      }
    }
    return new JsonObject();
  }

  /** OpenAI's finish reason in Ollama's words: a tool call is a {@code stop} there. */
  static String doneReason(String finishReason) {
    if (finishReason == null) {
      return "stop";
    }
    return finishReason.equals("length") ? "length" : "stop";
  }

  /**
   * Ollama's counts and durations (nanoseconds) from what the backend reported: OpenAI's
   * {@code usage}, and llama-server's {@code timings} when it sends them; otherwise measured here
   * (prompt: until the first token; generation: from then on).
   */
  static JsonObject metrics(JsonObject out, JsonObject usage, JsonObject timings, Clock clock) {
    long now = System.nanoTime();
    long first = clock.firstToken == 0 ? now : clock.firstToken;
    out.put("total_duration", now - clock.start);
    Long promptTokens = number(usage, "prompt_tokens");
    Long completionTokens = number(usage, "completion_tokens");
    Long promptN = number(timings, "prompt_n");
    Long predictedN = number(timings, "predicted_n");
    Long promptMs = decimalNanos(timings, "prompt_ms");
    Long predictedMs = decimalNanos(timings, "predicted_ms");
    putIf(out, "prompt_eval_count", promptTokens != null ? promptTokens : promptN);
    out.put("prompt_eval_duration", promptMs != null ? promptMs : first - clock.start);
    putIf(out, "eval_count", completionTokens != null ? completionTokens : predictedN);
    out.put("eval_duration", predictedMs != null ? predictedMs : now - first);
    return out;
  }

  private static void putIf(JsonObject out, String key, Long value) {
    if (value != null) {
      out.put(key, value);
    }
  }

  private static Long number(JsonObject o, String key) {
    return o != null && o.getValue(key) instanceof Number n ? n.longValue() : null;
  }

  private static Long decimalNanos(JsonObject o, String key) {
    return o != null && o.getValue(key) instanceof Number n ? Math.round(n.doubleValue() * 1_000_000) : null;
  }
}
