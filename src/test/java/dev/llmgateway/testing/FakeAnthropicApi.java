package dev.llmgateway.testing;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;
import java.util.ArrayList;
import java.util.List;

/**
 * The Messages API as llama-server serves it natively (tools/server: to_json_anthropic and
 * to_json_anthropic_stream): {@code message_start}, blocks (text, then tool_use) each started,
 * filled and stopped, {@code message_delta} with the stop reason and output tokens,
 * {@code message_stop}; usage with {@code cache_read_input_tokens}. Ollama >= 0.14 answers the same
 * shapes. Used by the fakes that serve {@code /v1/messages}.
 */
final class FakeAnthropicApi {

  static final int INPUT_TOKENS = 9;

  private FakeAnthropicApi() {
  }

  static void messages(FakeBackend fake, RoutingContext ctx, List<String> defaultWords) {
    JsonObject req = ctx.body().asJsonObject();
    if (req == null || !(req.getValue("messages") instanceof JsonArray)) {
      FakeBackend.json(ctx, 400, new JsonObject().put("error", new JsonObject().put("code", 400)
          .put("message", "'messages' is required").put("type", "invalid_request_error")));
      return;
    }
    if (!fake.begin(ctx)) {
      return;
    }
    String model = req.getString("model", "");
    String tool = FakeTools.toCall(req);
    List<String> words = tool == null ? FakeTools.words(req, defaultWords) : List.of();
    String id = "chatcmpl-" + System.nanoTime();
    String stop = tool == null ? "end_turn" : "tool_use";
    if (!req.getBoolean("stream", false)) {
      JsonArray content = new JsonArray();
      if (tool == null) {
        content.add(new JsonObject().put("type", "text").put("text", String.join("", words)));
      } else {
        content.add(new JsonObject().put("type", "tool_use").put("id", "toolu_1").put("name", tool)
            .put("input", new JsonObject(FakeTools.ARGUMENTS)));
      }
      FakeBackend.json(ctx, 200, new JsonObject().put("id", id).put("type", "message").put("role", "assistant")
          .put("content", content).put("model", model).put("stop_reason", stop).putNull("stop_sequence")
          .put("usage", new JsonObject().put("cache_read_input_tokens", 0).put("input_tokens", INPUT_TOKENS)
              .put("output_tokens", Math.max(1, words.size()))));
      return;
    }
    List<String> frames = new ArrayList<>();
    frames.add(frame("message_start", new JsonObject().put("type", "message_start").put("message",
        new JsonObject().put("id", id).put("type", "message").put("role", "assistant")
            .put("content", new JsonArray()).put("model", model).putNull("stop_reason").putNull("stop_sequence")
            .put("usage", new JsonObject().put("cache_read_input_tokens", 0)
                .put("input_tokens", INPUT_TOKENS).put("output_tokens", 0)))));
    if (tool == null) {
      frames.add(frame("content_block_start", new JsonObject().put("type", "content_block_start").put("index", 0)
          .put("content_block", new JsonObject().put("type", "text").put("text", ""))));
      for (String w : words) {
        frames.add(frame("content_block_delta", new JsonObject().put("type", "content_block_delta").put("index", 0)
            .put("delta", new JsonObject().put("type", "text_delta").put("text", w))));
      }
    } else {
      frames.add(frame("content_block_start", new JsonObject().put("type", "content_block_start").put("index", 0)
          .put("content_block", new JsonObject().put("type", "tool_use").put("id", "toolu_1").put("name", tool))));
      frames.add(frame("content_block_delta", new JsonObject().put("type", "content_block_delta").put("index", 0)
          .put("delta", new JsonObject().put("type", "input_json_delta").put("partial_json", FakeTools.ARGUMENTS))));
    }
    frames.add(frame("content_block_stop", new JsonObject().put("type", "content_block_stop").put("index", 0)));
    frames.add(frame("message_delta", new JsonObject().put("type", "message_delta")
        .put("delta", new JsonObject().put("stop_reason", stop).putNull("stop_sequence"))
        .put("usage", new JsonObject().put("output_tokens", Math.max(1, words.size())))));
    frames.add(frame("message_stop", new JsonObject().put("type", "message_stop")));
    fake.streamFrames(ctx, frames);
  }

  /** llama-server's count: here, one token per word of the message text, plus the template's few. */
  static void countTokens(RoutingContext ctx) {
    JsonObject req = ctx.body().asJsonObject();
    int words = 0;
    for (Object m : req.getJsonArray("messages", new JsonArray())) {
      if (m instanceof JsonObject message && message.getValue("content") instanceof String s) {
        words += s.split("\\s+").length;
      }
    }
    FakeBackend.json(ctx, 200, new JsonObject().put("input_tokens", words + 3));
  }

  private static String frame(String event, JsonObject data) {
    return "event: " + event + "\ndata: " + data.encode() + "\n\n";
  }
}
