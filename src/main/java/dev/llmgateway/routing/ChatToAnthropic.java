package dev.llmgateway.routing;

import dev.llmgateway.api.AnthropicEnvelope;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.DecodeException;
import io.vertx.core.json.Json;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.nio.charset.StandardCharsets;

/**
 * A Chat Completions answer as a Messages API answer: {@code reasoning_content} becomes a
 * {@code thinking} block, the text a {@code text} block, each tool call a {@code tool_use} block
 * (arguments parsed into {@code input}); the finish reason a stop reason; usage input/output tokens.
 * Also turns a backend's error body, whatever its shape, into Anthropic's envelope.
 */
final class ChatToAnthropic {

  private ChatToAnthropic() {
  }

  static JsonObject message(JsonObject chat, String fallbackModel) {
    JsonObject choice = chat.getValue("choices") instanceof JsonArray choices && !choices.isEmpty()
        && choices.getValue(0) instanceof JsonObject c ? c : new JsonObject();
    JsonObject said = choice.getValue("message") instanceof JsonObject m ? m : new JsonObject();
    JsonArray content = new JsonArray();
    String reasoning = reasoning(said);
    if (reasoning != null && !reasoning.isEmpty()) {
      content.add(new JsonObject().put("type", "thinking").put("thinking", reasoning).put("signature", ""));
    }
    if (said.getValue("content") instanceof String text && !text.isEmpty()) {
      content.add(new JsonObject().put("type", "text").put("text", text));
    }
    if (said.getValue("tool_calls") instanceof JsonArray calls) {
      for (int i = 0; i < calls.size(); i++) {
        if (calls.getValue(i) instanceof JsonObject call) {
          JsonObject function = call.getValue("function") instanceof JsonObject f ? f : new JsonObject();
          content.add(new JsonObject().put("type", "tool_use")
              .put("id", call.getValue("id") instanceof String id ? id : toolUseId(i))
              .put("name", function.getString("name", ""))
              .put("input", input(function.getValue("arguments"))));
        }
      }
    }
    JsonObject usage = chat.getValue("usage") instanceof JsonObject u ? u : new JsonObject();
    return new JsonObject()
        .put("id", messageId(chat.getValue("id")))
        .put("type", "message")
        .put("role", "assistant")
        .put("model", chat.getValue("model") instanceof String m ? m : fallbackModel)
        .put("content", content)
        .put("stop_reason", stopReason(choice.getValue("finish_reason")))
        .putNull("stop_sequence")
        .put("usage", new JsonObject()
            .put("input_tokens", tokens(usage.getValue("prompt_tokens")))
            .put("output_tokens", tokens(usage.getValue("completion_tokens"))));
  }

  /** llama-server and vLLM say {@code reasoning_content}, Ollama {@code reasoning}. */
  static String reasoning(JsonObject said) {
    Object r = said.getValue("reasoning_content");
    if (!(r instanceof String)) {
      r = said.getValue("reasoning");
    }
    return r instanceof String s ? s : null;
  }

  static String stopReason(Object finish) {
    if (!(finish instanceof String f)) {
      return "end_turn";
    }
    return switch (f) {
      case "length" -> "max_tokens";
      case "tool_calls", "function_call" -> "tool_use";
      case "content_filter" -> "refusal";
      default -> "end_turn";
    };
  }

  /** Tool arguments are a JSON string; Anthropic's {@code input} is an object. */
  static JsonObject input(Object arguments) {
    if (arguments instanceof JsonObject o) {
      return o;
    }
    if (arguments instanceof String s && !s.isBlank()) {
      try {
        Object parsed = Json.decodeValue(s);
        if (parsed instanceof JsonObject o) {
          return o;
        }
      } catch (DecodeException e) {
        // a model that wrote broken JSON: an empty input, as llama-server's own translation gives
      }
    }
    return new JsonObject();
  }

  static String messageId(Object chatId) {
    String id = chatId instanceof String s && !s.isEmpty() ? s.replaceFirst("^chatcmpl-", "") : Long.toHexString(System.nanoTime());
    return "msg_" + id;
  }

  static String toolUseId(int index) {
    return "toolu_" + Long.toHexString(System.nanoTime()) + index;
  }

  private static long tokens(Object value) {
    return value instanceof Number n ? n.longValue() : 0;
  }

  /**
   * A backend's error answer in Anthropic's envelope: one already in it stays as it is; OpenAI's
   * {@code {"error":{"message"}}}, Ollama's {@code {"error":"..."}} and plain text are re-wrapped.
   */
  static Buffer error(int status, Buffer body, String where) {
    String text = body.toString(StandardCharsets.UTF_8).trim();
    String message = text;
    try {
      if (Json.decodeValue(text) instanceof JsonObject json) {
        if ("error".equals(json.getValue("type")) && json.getValue("error") instanceof JsonObject) {
          return body;
        }
        Object error = json.getValue("error");
        if (error instanceof JsonObject e && e.getValue("message") instanceof String m) {
          message = m;
        } else if (error instanceof String s) {
          message = s;
        } else if (json.getValue("detail") instanceof String d) {
          message = d;
        }
      }
    } catch (DecodeException e) {
      // not JSON: the text is the message
    }
    if (message.isEmpty()) {
      message = "no details";
    } else if (message.length() > 2000) {
      message = message.substring(0, 2000) + "...";
    }
    return AnthropicEnvelope.body(status, where + " answered " + status + ": " + message).toBuffer();
  }
}
