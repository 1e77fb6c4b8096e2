package dev.llmgateway.testing;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.List;

/**
 * How the fake backends use tools, the same in Chat Completions and the Messages API: offered tools
 * and no tool result yet → call the first tool with {@code {"city":"Paris"}}; a tool result in the
 * conversation → say {@code It is <result>}. Enough for a tool round trip.
 */
final class FakeTools {

  static final String ARGUMENTS = "{\"city\":\"Paris\"}";

  private FakeTools() {
  }

  /** The tool a request should be answered with a call to, or null. */
  static String toCall(JsonObject req) {
    if (!(req.getValue("tools") instanceof JsonArray tools) || tools.isEmpty() || result(req) != null) {
      return null;
    }
    JsonObject tool = tools.getJsonObject(0);
    return tool.getValue("function") instanceof JsonObject f ? f.getString("name") : tool.getString("name");
  }

  /** The last tool result in the conversation (a {@code tool} message or a {@code tool_result} block). */
  static String result(JsonObject req) {
    String found = null;
    JsonArray messages = req.getValue("messages") instanceof JsonArray a ? a : new JsonArray();
    for (Object m : messages) {
      if (!(m instanceof JsonObject message)) {
        continue;
      }
      if ("tool".equals(message.getValue("role"))) {
        found = String.valueOf(message.getValue("content"));
      } else if (message.getValue("content") instanceof JsonArray blocks) {
        for (Object b : blocks) {
          if (b instanceof JsonObject block && "tool_result".equals(block.getValue("type"))) {
            Object content = block.getValue("content");
            found = content instanceof JsonArray parts ? parts.getJsonObject(0).getString("text")
                : String.valueOf(content);
          }
        }
      }
    }
    return found;
  }

  /** The words of a text answer: {@code It is <result>} after a tool result, else the defaults. */
  static List<String> words(JsonObject req, List<String> defaults) {
    String result = result(req);
    return result == null ? defaults : List.of("It is ", result);
  }

  /** A non-streamed chat message calling {@code tool}. */
  static JsonObject chatCall(String tool) {
    return new JsonObject().put("role", "assistant").putNull("content").put("tool_calls", new JsonArray()
        .add(new JsonObject().put("id", "call_1").put("type", "function")
            .put("function", new JsonObject().put("name", tool).put("arguments", ARGUMENTS))));
  }

  /** The chunks of a streamed chat call of {@code tool}: name first, arguments in two pieces. */
  static List<String> chatCallChunks(String id, long created, String model, String fingerprint, String tool) {
    List<String> out = new ArrayList<>();
    out.add(FakeBackend.chunk(id, created, model, fingerprint,
        new JsonObject().put("role", "assistant").putNull("content"), null));
    out.add(FakeBackend.chunk(id, created, model, fingerprint, new JsonObject().put("tool_calls",
        new JsonArray().add(new JsonObject().put("index", 0).put("id", "call_1").put("type", "function")
            .put("function", new JsonObject().put("name", tool).put("arguments", "")))), null));
    for (String piece : List.of("{\"city\":", "\"Paris\"}")) {
      out.add(FakeBackend.chunk(id, created, model, fingerprint, new JsonObject().put("tool_calls",
          new JsonArray().add(new JsonObject().put("index", 0)
              .put("function", new JsonObject().put("arguments", piece)))), null));
    }
    out.add(FakeBackend.chunk(id, created, model, fingerprint, new JsonObject(), "tool_calls"));
    return out;
  }
}
