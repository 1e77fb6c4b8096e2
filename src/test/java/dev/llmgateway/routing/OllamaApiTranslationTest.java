package dev.llmgateway.routing;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.Test;

/** Ollama's chat and generate in OpenAI's terms and back, field by field. */
class OllamaApiTranslationTest {

  @Test
  void mapsOptionsToOpenAiFieldsAndKeepsLlamaCppOnesForLlamaCppOnly() {
    JsonObject in = new JsonObject().put("model", "m").put("prompt", "hi")
        .put("options", new JsonObject().put("num_predict", -1).put("top_k", 5).put("stop", new JsonArray().add("\n"))
            .put("seed", 7).put("num_ctx", 4096));
    JsonObject llama = OllamaApiTranslation.request(in, true, "up", true, false);
    assertFalse(llama.containsKey("max_tokens"), "num_predict -1 means no limit");
    assertEquals(5, llama.getInteger("top_k"));
    assertEquals(7, llama.getInteger("seed"));
    assertEquals(new JsonArray().add("\n"), llama.getJsonArray("stop"));
    assertFalse(llama.containsKey("num_ctx"), "a server's context size is not a request field");
    assertFalse(llama.containsKey("stream_options"));
    JsonObject cloud = OllamaApiTranslation.request(in, true, "up", false, true);
    assertFalse(cloud.containsKey("top_k"));
    assertEquals(true, cloud.getJsonObject("stream_options").getBoolean("include_usage"));
  }

  @Test
  void aSchemaFormatIsAJsonSchemaResponseFormat() {
    JsonObject schema = new JsonObject().put("type", "object");
    JsonObject out = OllamaApiTranslation.request(new JsonObject().put("model", "m")
        .put("messages", new JsonArray()).put("format", schema), false, "up", true, false);
    assertEquals("json_schema", out.getJsonObject("response_format").getString("type"));
    assertEquals(schema, out.getJsonObject("response_format").getJsonObject("json_schema").getJsonObject("schema"));
  }

  @Test
  void imagesBecomeDataUrlsOfTheirType() {
    assertEquals("data:image/jpeg;base64,/9j/4AAQ", OllamaApiTranslation.dataUrl("/9j/4AAQ"));
    assertEquals("data:image/png;base64,iVBORw0K", OllamaApiTranslation.dataUrl("iVBORw0K"));
    assertEquals("data:image/gif;base64,x", OllamaApiTranslation.dataUrl("data:image/gif;base64,x"));
  }

  @Test
  void toolCallArgumentsBecomeObjectsAndTextThatIsNotJsonStaysText() {
    JsonArray calls = OllamaApiTranslation.toolCalls(new JsonArray()
        .add(new JsonObject().put("id", "c1").put("function", new JsonObject().put("name", "a")
            .put("arguments", "{\"x\":1}")))
        .add(new JsonObject().put("function", new JsonObject().put("name", "b").put("arguments", "not json"))));
    assertEquals(new JsonObject().put("x", 1), calls.getJsonObject(0).getJsonObject("function").getJsonObject("arguments"));
    assertEquals("c1", calls.getJsonObject(0).getString("id"));
    assertEquals("not json", calls.getJsonObject(1).getJsonObject("function").getString("arguments"));
  }

  @Test
  void aWholeAnswerHasOllamasCountsAndReasons() {
    JsonObject openAi = new JsonObject()
        .put("choices", new JsonArray().add(new JsonObject().put("finish_reason", "length")
            .put("message", new JsonObject().put("role", "assistant").put("content", "abc")
                .put("reasoning_content", "hmm"))))
        .put("usage", new JsonObject().put("prompt_tokens", 11).put("completion_tokens", 3));
    JsonObject out = OllamaApiTranslation.response(openAi, "client-name", false, new OllamaApiTranslation.Clock());
    assertEquals("client-name", out.getString("model"));
    assertEquals("abc", out.getJsonObject("message").getString("content"));
    assertEquals("hmm", out.getJsonObject("message").getString("thinking"));
    assertEquals("length", out.getString("done_reason"));
    assertEquals(11, out.getInteger("prompt_eval_count"));
    assertEquals(3, out.getInteger("eval_count"));
    assertTrue(out.getLong("total_duration") >= 0);
    assertTrue(out.getString("created_at").endsWith("Z"));
  }

  @Test
  void anEmptyChatOrPromptIsALoadAndKeepAliveZeroAnUnload() {
    assertTrue(OllamaApiTranslation.isLoad(new JsonObject().put("messages", new JsonArray()), false));
    assertFalse(OllamaApiTranslation.isLoad(new JsonObject().put("prompt", "x"), true));
    assertEquals("unload", OllamaApiTranslation.loaded(new JsonObject().put("model", "m").put("keep_alive", 0), true)
        .getString("done_reason"));
  }
}
