package dev.llmgateway.testing;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;
import java.util.ArrayList;
import java.util.List;

/**
 * OpenAI's Responses API as llama-server, Ollama >= 0.13.3 and LiteLLM serve it: a {@code response}
 * object with one {@code message} output item of {@code output_text}; streamed as
 * {@code response.created}, {@code output_item.added}, {@code content_part.added},
 * {@code output_text.delta}..., the matching {@code done} events and {@code response.completed},
 * each with {@code event:} and a {@code sequence_number}.
 */
final class FakeResponsesApi {

  private FakeResponsesApi() {
  }

  static void responses(FakeBackend fake, RoutingContext ctx, List<String> words) {
    JsonObject req = ctx.body().asJsonObject();
    if (req == null || req.getValue("input") == null) {
      FakeBackend.json(ctx, 400, new JsonObject().put("error", new JsonObject().put("code", 400)
          .put("message", "'input' is required").put("type", "invalid_request_error")));
      return;
    }
    if (!fake.begin(ctx)) {
      return;
    }
    String model = req.getString("model", "");
    String id = "resp_" + System.nanoTime();
    long created = System.currentTimeMillis() / 1000;
    String text = String.join("", words);
    JsonObject done = message(text, "completed");
    JsonObject usage = new JsonObject().put("input_tokens", 5).put("output_tokens", words.size())
        .put("total_tokens", 5 + words.size());
    JsonObject complete = response(id, created, model, "completed").put("output", new JsonArray().add(done))
        .put("usage", usage);
    if (!req.getBoolean("stream", false)) {
      FakeBackend.json(ctx, 200, complete);
      return;
    }
    List<String> frames = new ArrayList<>();
    int[] seq = {0};
    frames.add(frame(seq, "response.created", new JsonObject()
        .put("response", response(id, created, model, "in_progress").put("output", new JsonArray()))));
    frames.add(frame(seq, "response.output_item.added", new JsonObject().put("output_index", 0)
        .put("item", message("", "in_progress").put("content", new JsonArray()))));
    frames.add(frame(seq, "response.content_part.added", part("msg_1").put("part", outputText(""))));
    for (String w : words) {
      frames.add(frame(seq, "response.output_text.delta", part("msg_1").put("delta", w)));
    }
    frames.add(frame(seq, "response.output_text.done", part("msg_1").put("text", text)));
    frames.add(frame(seq, "response.content_part.done", part("msg_1").put("part", outputText(text))));
    frames.add(frame(seq, "response.output_item.done", new JsonObject().put("output_index", 0).put("item", done)));
    frames.add(frame(seq, "response.completed", new JsonObject().put("response", complete)));
    fake.streamFrames(ctx, frames);
  }

  private static JsonObject response(String id, long created, String model, String status) {
    return new JsonObject().put("id", id).put("object", "response").put("created_at", created)
        .put("status", status).put("model", model);
  }

  private static JsonObject message(String text, String status) {
    return new JsonObject().put("type", "message").put("id", "msg_1").put("status", status)
        .put("role", "assistant").put("content", new JsonArray().add(outputText(text)));
  }

  private static JsonObject outputText(String text) {
    return new JsonObject().put("type", "output_text").put("text", text).put("annotations", new JsonArray());
  }

  private static JsonObject part(String itemId) {
    return new JsonObject().put("item_id", itemId).put("output_index", 0).put("content_index", 0);
  }

  private static String frame(int[] seq, String type, JsonObject data) {
    JsonObject event = new JsonObject().put("type", type).put("sequence_number", seq[0]++);
    event.mergeIn(data);
    return "event: " + type + "\ndata: " + event.encode() + "\n\n";
  }
}
