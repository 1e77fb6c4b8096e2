package dev.llmgateway.routing;

import dev.llmgateway.api.ApiError;
import dev.llmgateway.api.Endpoint;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.Set;

/**
 * Checks a Messages API request ({@code /v1/messages} and its {@code count_tokens}) before anything
 * is sent anywhere, as Anthropic's API would: {@code messages} is an array of user/assistant turns,
 * every content block has a type the API defines, images are base64 of a supported type up to 5 MB
 * (Anthropic's limit) or a URL. A refused request is a 400 whose message names the field.
 */
final class AnthropicRequest {

  /** Anthropic's limit for one image (the API answers 400 above it). */
  static final long MAX_IMAGE_BYTES = 5L * 1024 * 1024;

  /** The block types of Anthropic's Messages API (requests may echo server-tool results back). */
  private static final Set<String> BLOCK_TYPES = Set.of("text", "image", "document", "search_result",
      "thinking", "redacted_thinking", "tool_use", "tool_result", "server_tool_use",
      "web_search_tool_result", "web_fetch_tool_result", "code_execution_tool_result",
      "bash_code_execution_tool_result", "text_editor_code_execution_tool_result", "mcp_tool_use",
      "mcp_tool_result", "container_upload", "tool_search_tool_result", "tool_reference");

  private static final Set<String> IMAGE_TYPES = Set.of("image/jpeg", "image/png", "image/gif", "image/webp");

  private AnthropicRequest() {
  }

  /** For the Messages API's endpoints: the check below; other endpoints are not looked at. */
  static void check(Endpoint endpoint, RequestBody body) {
    if (endpoint == Endpoint.MESSAGES || endpoint == Endpoint.COUNT_TOKENS) {
      check(body.json(), endpoint == Endpoint.COUNT_TOKENS);
    }
  }

  /** Throws a 400 {@link ApiError} for the first thing wrong with the request. */
  static void check(JsonObject body, boolean countTokens) {
    if (!(body.getValue("messages") instanceof JsonArray messages)) {
      throw bad(body.containsKey("messages") ? "messages: must be an array of messages"
          : "messages: field required");
    }
    Object maxTokens = body.getValue("max_tokens");
    if (!countTokens && maxTokens != null
        && !(maxTokens instanceof Number n && n.doubleValue() == Math.rint(n.doubleValue()) && n.longValue() >= 1)) {
      throw bad("max_tokens: must be a positive integer");
    }
    Object system = body.getValue("system");
    if (system != null && !(system instanceof String)) {
      if (!(system instanceof JsonArray blocks)) {
        throw bad("system: must be a string or an array of text blocks");
      }
      for (int i = 0; i < blocks.size(); i++) {
        if (!(blocks.getValue(i) instanceof JsonObject b) || !"text".equals(b.getValue("type"))
            || !(b.getValue("text") instanceof String)) {
          throw bad("system." + i + ": must be a text block ({\"type\": \"text\", \"text\": ...})");
        }
      }
    }
    if (body.getValue("stop_sequences") != null && !(body.getValue("stop_sequences") instanceof JsonArray)) {
      throw bad("stop_sequences: must be an array of strings");
    }
    checkTools(body.getValue("tools"));
    for (int i = 0; i < messages.size(); i++) {
      checkMessage(messages.getValue(i), "messages." + i);
    }
  }

  private static void checkTools(Object tools) {
    if (tools == null) {
      return;
    }
    if (!(tools instanceof JsonArray list)) {
      throw bad("tools: must be an array of tools");
    }
    for (int i = 0; i < list.size(); i++) {
      if (!(list.getValue(i) instanceof JsonObject tool) || !(tool.getValue("name") instanceof String)) {
        throw bad("tools." + i + ": must be an object with a name");
      }
    }
  }

  private static void checkMessage(Object value, String where) {
    if (!(value instanceof JsonObject message)) {
      throw bad(where + ": must be an object with role and content");
    }
    Object role = message.getValue("role");
    if (!"user".equals(role) && !"assistant".equals(role)) {
      throw bad(where + ".role: must be \"user\" or \"assistant\"");
    }
    Object content = message.getValue("content");
    if (content instanceof String) {
      return;
    }
    if (!(content instanceof JsonArray blocks)) {
      throw bad(where + ".content: must be a string or an array of content blocks");
    }
    for (int i = 0; i < blocks.size(); i++) {
      checkBlock(blocks.getValue(i), where + ".content." + i);
    }
  }

  static void checkBlock(Object value, String where) {
    if (!(value instanceof JsonObject block) || !(block.getValue("type") instanceof String type)) {
      throw bad(where + ": must be a content block with a type");
    }
    if (!BLOCK_TYPES.contains(type)) {
      throw bad(where + ".type: unknown content block type \"" + abbreviate(type) + "\"");
    }
    switch (type) {
      case "text" -> {
        if (!(block.getValue("text") instanceof String)) {
          throw bad(where + ".text: must be a string");
        }
      }
      case "image" -> checkImage(block.getValue("source"), where + ".source");
      case "tool_use" -> {
        if (!(block.getValue("id") instanceof String) || !(block.getValue("name") instanceof String)) {
          throw bad(where + ": a tool_use block needs an id and a name");
        }
      }
      case "tool_result" -> {
        if (!(block.getValue("tool_use_id") instanceof String)) {
          throw bad(where + ".tool_use_id: field required");
        }
        Object content = block.getValue("content");
        if (content instanceof JsonArray parts) {
          for (int i = 0; i < parts.size(); i++) {
            checkBlock(parts.getValue(i), where + ".content." + i);
          }
        } else if (content != null && !(content instanceof String)) {
          throw bad(where + ".content: must be a string or an array of content blocks");
        }
      }
      default -> {
        // the other types are the backend's to judge
      }
    }
  }

  private static void checkImage(Object value, String where) {
    if (!(value instanceof JsonObject source)) {
      throw bad(where + ": field required");
    }
    Object kind = source.getValue("type");
    if ("url".equals(kind)) {
      if (!(source.getValue("url") instanceof String)) {
        throw bad(where + ".url: must be a string");
      }
      return;
    }
    if (!"base64".equals(kind)) {
      throw bad(where + ".type: must be \"base64\" or \"url\"");
    }
    if (!(source.getValue("media_type") instanceof String media) || !IMAGE_TYPES.contains(media)) {
      throw bad(where + ".media_type: must be one of image/jpeg, image/png, image/gif, image/webp");
    }
    if (!(source.getValue("data") instanceof String data)) {
      throw bad(where + ".data: must be a base64 string");
    }
    long bytes = data.length() / 4L * 3;
    if (bytes > MAX_IMAGE_BYTES) {
      throw bad(where + ".data: image exceeds 5 MB maximum: " + bytes + " bytes > " + MAX_IMAGE_BYTES + " bytes");
    }
  }

  private static String abbreviate(String s) {
    return s.length() > 60 ? s.substring(0, 60) + "..." : s;
  }

  private static ApiError bad(String message) {
    return ApiError.badRequest(message, null);
  }
}
