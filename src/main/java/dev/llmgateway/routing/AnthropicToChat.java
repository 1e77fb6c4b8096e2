package dev.llmgateway.routing;

import dev.llmgateway.api.ApiError;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.List;

/**
 * A Messages API request as a Chat Completions request, for a backend that does not serve
 * {@code /v1/messages}: the system prompt becomes a system message; text and images become content
 * parts; an assistant's {@code tool_use} blocks become {@code tool_calls}, a user's
 * {@code tool_result} blocks {@code tool} messages (placed first, right after the call they answer);
 * {@code thinking} goes back as {@code reasoning_content}. Tools, tool choice, stop sequences and
 * sampling settings carry over; a stream asks for usage. The request was checked by
 * {@link AnthropicRequest} already; what cannot be said in Chat Completions is a 400.
 */
final class AnthropicToChat {

  private AnthropicToChat() {
  }

  static JsonObject request(JsonObject in, String upstreamModel) {
    JsonObject out = new JsonObject().put("model", upstreamModel);
    JsonArray messages = new JsonArray();
    String system = systemText(in.getValue("system"));
    if (system != null) {
      messages.add(new JsonObject().put("role", "system").put("content", system));
    }
    JsonArray turns = in.getJsonArray("messages");
    for (int i = 0; i < turns.size(); i++) {
      JsonObject turn = turns.getJsonObject(i);
      if ("assistant".equals(turn.getString("role"))) {
        messages.add(assistant(turn.getValue("content"), "messages." + i));
      } else {
        user(turn.getValue("content"), "messages." + i).forEach(messages::add);
      }
    }
    out.put("messages", messages);
    copy(in, "max_tokens", out, "max_tokens");
    copy(in, "temperature", out, "temperature");
    copy(in, "top_p", out, "top_p");
    copy(in, "top_k", out, "top_k");
    copy(in, "stop_sequences", out, "stop");
    if (in.getValue("metadata") instanceof JsonObject meta && meta.getValue("user_id") instanceof String user) {
      out.put("user", user);
    }
    if (in.getValue("tools") instanceof JsonArray tools && !tools.isEmpty()) {
      out.put("tools", tools(tools));
    }
    if (in.getValue("tool_choice") instanceof JsonObject choice) {
      toolChoice(choice, out);
    }
    if (Boolean.TRUE.equals(in.getValue("stream"))) {
      out.put("stream", true).put("stream_options", new JsonObject().put("include_usage", true));
    }
    return out;
  }

  private static void copy(JsonObject in, String from, JsonObject out, String to) {
    Object value = in.getValue(from);
    if (value != null) {
      out.put(to, value);
    }
  }

  static String systemText(Object system) {
    if (system instanceof String s) {
      return s.isEmpty() ? null : s;
    }
    if (system instanceof JsonArray blocks && !blocks.isEmpty()) {
      List<String> texts = new ArrayList<>();
      for (int i = 0; i < blocks.size(); i++) {
        texts.add(blocks.getJsonObject(i).getString("text"));
      }
      return String.join("\n\n", texts);
    }
    return null;
  }

  /** Tool results first (each a tool message), then what the user said, if anything. */
  private static List<JsonObject> user(Object content, String where) {
    List<JsonObject> out = new ArrayList<>();
    if (content instanceof String s) {
      out.add(new JsonObject().put("role", "user").put("content", s));
      return out;
    }
    JsonArray blocks = (JsonArray) content;
    JsonArray parts = new JsonArray();
    for (int i = 0; i < blocks.size(); i++) {
      JsonObject block = blocks.getJsonObject(i);
      String type = block.getString("type");
      switch (type) {
        case "text" -> parts.add(new JsonObject().put("type", "text").put("text", block.getString("text")));
        case "image" -> parts.add(image(block));
        case "tool_result" -> out.add(toolResult(block, parts));
        case "thinking", "redacted_thinking" -> {
          // a model's own reasoning never comes from the user: nothing to say
        }
        default -> throw unsupported(type, where + ".content." + i);
      }
    }
    if (!parts.isEmpty()) {
      out.add(new JsonObject().put("role", "user").put("content", simplify(parts)));
    } else if (out.isEmpty()) {
      out.add(new JsonObject().put("role", "user").put("content", ""));
    }
    return out;
  }

  /** A tool message; images in the result go to {@code userParts} (tool messages carry text only). */
  private static JsonObject toolResult(JsonObject block, JsonArray userParts) {
    Object content = block.getValue("content");
    StringBuilder text = new StringBuilder();
    if (content instanceof String s) {
      text.append(s);
    } else if (content instanceof JsonArray parts) {
      for (int i = 0; i < parts.size(); i++) {
        JsonObject part = parts.getJsonObject(i);
        if ("text".equals(part.getString("type"))) {
          if (text.length() > 0) {
            text.append("\n");
          }
          text.append(part.getString("text"));
        } else if ("image".equals(part.getString("type"))) {
          userParts.add(image(part));
        } else {
          throw unsupported(part.getString("type"), "tool_result content");
        }
      }
    }
    String result = Boolean.TRUE.equals(block.getValue("is_error")) ? "Error: " + text : text.toString();
    return new JsonObject().put("role", "tool").put("tool_call_id", block.getString("tool_use_id"))
        .put("content", result);
  }

  private static JsonObject assistant(Object content, String where) {
    JsonObject out = new JsonObject().put("role", "assistant");
    if (content instanceof String s) {
      return out.put("content", s);
    }
    JsonArray blocks = (JsonArray) content;
    StringBuilder text = new StringBuilder();
    StringBuilder reasoning = new StringBuilder();
    JsonArray calls = new JsonArray();
    for (int i = 0; i < blocks.size(); i++) {
      JsonObject block = blocks.getJsonObject(i);
      String type = block.getString("type");
      switch (type) {
        case "text" -> text.append(block.getString("text"));
        case "thinking" -> reasoning.append(block.getString("thinking", ""));
        case "redacted_thinking" -> {
          // opaque to anyone but Anthropic
        }
        case "tool_use" -> calls.add(new JsonObject().put("id", block.getString("id")).put("type", "function")
            .put("function", new JsonObject().put("name", block.getString("name"))
                .put("arguments", String.valueOf(block.getValue("input") == null ? new JsonObject()
                    : block.getValue("input") instanceof JsonObject o ? o.encode() : block.getValue("input")))));
        default -> throw unsupported(type, where + ".content." + i);
      }
    }
    out.put("content", text.length() == 0 && !calls.isEmpty() ? null : text.toString());
    if (reasoning.length() > 0) {
      out.put("reasoning_content", reasoning.toString());
    }
    if (!calls.isEmpty()) {
      out.put("tool_calls", calls);
    }
    return out;
  }

  /** One text part is said as a plain string, which every backend takes. */
  private static Object simplify(JsonArray parts) {
    if (parts.size() == 1 && "text".equals(parts.getJsonObject(0).getString("type"))) {
      return parts.getJsonObject(0).getString("text");
    }
    return parts;
  }

  private static JsonObject image(JsonObject block) {
    JsonObject source = block.getJsonObject("source");
    String url = "url".equals(source.getString("type")) ? source.getString("url")
        : "data:" + source.getString("media_type") + ";base64," + source.getString("data");
    return new JsonObject().put("type", "image_url").put("image_url", new JsonObject().put("url", url));
  }

  private static JsonArray tools(JsonArray tools) {
    JsonArray out = new JsonArray();
    for (int i = 0; i < tools.size(); i++) {
      JsonObject tool = tools.getJsonObject(i);
      Object type = tool.getValue("type");
      if (type != null && !"custom".equals(type)) {
        throw ApiError.badRequest("tools." + i + ": the server tool \"" + type + "\" runs only on Anthropic's "
            + "servers; this model's backend answers Chat Completions, so define it as a custom tool", null);
      }
      JsonObject function = new JsonObject().put("name", tool.getString("name"))
          .put("parameters", tool.getValue("input_schema") instanceof JsonObject schema ? schema
              : new JsonObject().put("type", "object"));
      if (tool.getValue("description") instanceof String d) {
        function.put("description", d);
      }
      out.add(new JsonObject().put("type", "function").put("function", function));
    }
    return out;
  }

  private static void toolChoice(JsonObject choice, JsonObject out) {
    switch (String.valueOf(choice.getValue("type"))) {
      case "any" -> out.put("tool_choice", "required");
      case "none" -> out.put("tool_choice", "none");
      case "tool" -> out.put("tool_choice", new JsonObject().put("type", "function")
          .put("function", new JsonObject().put("name", choice.getString("name"))));
      default -> out.put("tool_choice", "auto");
    }
    if (Boolean.TRUE.equals(choice.getValue("disable_parallel_tool_use"))) {
      out.put("parallel_tool_calls", false);
    }
  }

  private static ApiError unsupported(String type, String where) {
    return ApiError.badRequest(where + ": \"" + type + "\" blocks need a backend that serves /v1/messages "
        + "itself; this model's backend answers Chat Completions, which has no such thing", null);
  }
}
