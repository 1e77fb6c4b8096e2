package dev.llmgateway.routing;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

/**
 * {@code count_tokens} for a backend that cannot count: an estimate, not the model's tokenizer — one
 * token per four characters of everything the model would read (system prompt, message text, tool
 * inputs and results, tool definitions), plus a few per message for the chat template, and a flat
 * 1,600 per image (Anthropic's figure for a ~1.15 megapixel image).
 */
final class TokenEstimate {

  static final int PER_IMAGE = 1600;
  static final int PER_MESSAGE = 4;

  private TokenEstimate() {
  }

  static long of(JsonObject request) {
    long[] chars = {0};
    long[] extra = {0};
    String system = AnthropicToChat.systemText(request.getValue("system"));
    if (system != null) {
      chars[0] += system.length();
      extra[0] += PER_MESSAGE;
    }
    JsonArray messages = request.getJsonArray("messages");
    for (int i = 0; i < messages.size(); i++) {
      extra[0] += PER_MESSAGE;
      count(messages.getJsonObject(i).getValue("content"), chars, extra);
    }
    if (request.getValue("tools") instanceof JsonArray tools) {
      chars[0] += tools.encode().length();
    }
    return Math.max(1, (chars[0] + 3) / 4 + extra[0]);
  }

  private static void count(Object content, long[] chars, long[] extra) {
    if (content instanceof String s) {
      chars[0] += s.length();
      return;
    }
    if (!(content instanceof JsonArray blocks)) {
      return;
    }
    for (int i = 0; i < blocks.size(); i++) {
      if (!(blocks.getValue(i) instanceof JsonObject block)) {
        continue;
      }
      switch (String.valueOf(block.getValue("type"))) {
        case "text" -> chars[0] += block.getString("text", "").length();
        case "thinking" -> chars[0] += block.getString("thinking", "").length();
        case "image" -> extra[0] += PER_IMAGE;
        case "tool_use" -> chars[0] += block.getString("name", "").length()
            + String.valueOf(block.getValue("input")).length();
        case "tool_result" -> count(block.getValue("content"), chars, extra);
        default -> chars[0] += block.encode().length();
      }
    }
  }
}
