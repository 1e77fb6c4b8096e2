package dev.llmgateway.routing;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.llmgateway.testing.Async;
import dev.llmgateway.testing.FakeBackend;
import dev.llmgateway.testing.FakeLiteLlm;
import dev.llmgateway.testing.FakeLlamaServer;
import dev.llmgateway.testing.FakeOllama;
import dev.llmgateway.testing.GatewayHarness;
import dev.llmgateway.testing.Sse;
import dev.llmgateway.testing.TestHttp;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.junit5.VertxExtension;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code /v1/messages} through the gateway: passed through to backends that serve it, translated for
 * those that answer 404 (remembered, shown in /admin/models), errors in Anthropic's envelope, bad
 * input refused before anything is sent.
 */
@ExtendWith(VertxExtension.class)
class AnthropicMessagesTest {

  private static final String KEY = "sk-gateway-client-key";

  private FakeLlamaServer nativeLlama;
  private FakeLlamaServer oldLlama;
  private FakeOllama ollama;
  private FakeOllama oldOllama;
  private FakeLiteLlm liteLlm;
  private FakeLlamaServer reranker;
  private TestHttp http;

  @BeforeEach
  void start(Vertx vertx, @TempDir Path dir) throws Exception {
    nativeLlama = new FakeLlamaServer(vertx, "tiny.gguf");
    oldLlama = new FakeLlamaServer(vertx, "old.gguf").anthropic(false);
    ollama = new FakeOllama(vertx, "qwen2.5:0.5b");
    oldOllama = new FakeOllama(vertx, "qwen2.5:0.5b").version("0.12.6");
    liteLlm = new FakeLiteLlm(vertx, null);
    reranker = new FakeLlamaServer(vertx, "bge.gguf").reranking(true);
    for (FakeBackend b : List.of(nativeLlama, oldLlama, ollama, oldOllama, liteLlm, reranker)) {
      Async.await(b.start());
    }
    GatewayHarness gateway = GatewayHarness.start(vertx, dir, """
        local_models:
          - {id: native, path: tiny.gguf, host: 127.0.0.1, port: %d}
          - {id: old, path: old.gguf, host: 127.0.0.1, port: %d}
          - {id: ollama, type: ollama, path: "qwen2.5:0.5b", port: %d}
          - {id: old-ollama, type: ollama, path: "qwen2.5:0.5b", port: %d}
          - {id: bge, path: bge.gguf, host: 127.0.0.1, port: %d, capabilities: [rerank]}
        cloud_models:
          - {id: claude, path: anthropic/claude-sonnet, host: 127.0.0.1, port: %d}
        # No llama.cpp entry is started at boot: each is found running (external) on first use.
        main_llm_mode: cloud
        main_llm_cloud: cloud_models/claude
        gateway:
          api_keys: [%s]
        """.formatted(nativeLlama.port(), oldLlama.port(), ollama.port(), oldOllama.port(), reranker.port(),
        liteLlm.port(), KEY), Map.of());
    http = new TestHttp(vertx, gateway.port());
  }

  private TestHttp.Answer post(String path, String body) throws Exception {
    return http.postJson(path, body, Map.of("x-api-key", KEY, "anthropic-version", "2023-06-01"));
  }

  private static String hello(String model, boolean stream) {
    return new JsonObject().put("model", model).put("max_tokens", 64).put("stream", stream)
        .put("system", "Be brief.")
        .put("messages", new JsonArray().add(new JsonObject().put("role", "user").put("content", "Say hi")))
        .encode();
  }

  @Test
  void passesTheRequestThroughByteForByteToABackendThatServesIt() throws Exception {
    String body = "{\"model\": \"native\", \"max_tokens\": 64, \"messages\": [{\"role\": \"user\", \"content\": \"h\\u00e9llo\"}]}";
    TestHttp.Answer answer = post("/v1/messages", body);
    assertEquals(200, answer.status(), answer.body());
    assertEquals("message", answer.json().getString("type"));
    assertEquals("Hello from llama.cpp", answer.json().getJsonArray("content").getJsonObject(0).getString("text"));
    assertEquals(List.of("/v1/messages"), paths(nativeLlama));
    assertEquals("/v1/messages", nativeLlama.lastRequest().path());
    assertEquals(body, nativeLlama.lastRequest().body().toString(StandardCharsets.UTF_8));
    assertEquals("2023-06-01", nativeLlama.lastRequest().headers().get("anthropic-version"));
    assertEquals(null, nativeLlama.lastRequest().headers().get("x-api-key"), "the client's key stays here");
    assertEquals("native", apis("native").getString("/v1/messages"));
  }

  @Test
  void translatesForABackendThatAnswers404AndRemembersIt() throws Exception {
    TestHttp.Answer first = post("/v1/messages", hello("old", false));
    assertEquals(200, first.status(), first.body());
    JsonObject message = first.json();
    assertEquals("assistant", message.getString("role"));
    assertEquals("end_turn", message.getString("stop_reason"));
    assertEquals("Hello from llama.cpp", message.getJsonArray("content").getJsonObject(0).getString("text"));
    assertEquals(5, message.getJsonObject("usage").getInteger("input_tokens"));
    assertTrue(message.getString("id").startsWith("msg_"), message.encode());

    assertEquals(List.of("/v1/messages", "/v1/chat/completions"), paths(oldLlama));
    JsonObject chat = oldLlama.lastRequest().json();
    assertEquals("old", chat.getString("model"));
    assertEquals(new JsonObject().put("role", "system").put("content", "Be brief."),
        chat.getJsonArray("messages").getJsonObject(0));
    assertEquals(64, chat.getInteger("max_tokens"));

    TestHttp.Answer second = post("/v1/messages", hello("old", false));
    assertEquals(200, second.status(), second.body());
    assertEquals(List.of("/v1/messages", "/v1/chat/completions", "/v1/chat/completions"), paths(oldLlama),
        "asked once, then translated straight away");
    assertEquals("translated", apis("old").getString("/v1/messages"));
  }

  @Test
  void translatedStreamHasAnthropicsEventsInOrder() throws Exception {
    TestHttp.Answer answer = post("/v1/messages", hello("old-ollama", true));
    assertEquals(200, answer.status(), answer.body());
    assertTrue(answer.headers().get("content-type").startsWith("text/event-stream"));
    List<Sse> events = events(answer.body());
    List<String> names = events.stream().map(Sse::name).toList();
    assertEquals(List.of("message_start", "ping", "content_block_start", "content_block_delta",
        "content_block_delta", "content_block_delta", "content_block_stop", "message_delta", "message_stop"), names);
    StringBuilder text = new StringBuilder();
    events.stream().filter(e -> e.name().equals("content_block_delta"))
        .forEach(e -> text.append(e.data().getJsonObject("delta").getString("text")));
    assertEquals("Hi from Ollama", text.toString());
    JsonObject delta = events.get(7).data();
    assertEquals("end_turn", delta.getJsonObject("delta").getString("stop_reason"));
    assertEquals(3, delta.getJsonObject("usage").getInteger("output_tokens"));
    assertEquals(4, delta.getJsonObject("usage").getInteger("input_tokens"));
    assertTrue(oldOllama.lastRequest().json().getJsonObject("stream_options").getBoolean("include_usage"));
  }

  @Test
  void aToolRoundTripTranslatesBothWays() throws Exception {
    JsonArray tools = new JsonArray().add(new JsonObject().put("name", "get_weather")
        .put("description", "Weather in a city").put("input_schema", new JsonObject().put("type", "object")
            .put("properties", new JsonObject().put("city", new JsonObject().put("type", "string")))));
    JsonObject ask = new JsonObject().put("model", "old").put("max_tokens", 64).put("tools", tools)
        .put("messages", new JsonArray().add(new JsonObject().put("role", "user").put("content", "Weather?")));
    TestHttp.Answer call = post("/v1/messages", ask.encode());
    assertEquals(200, call.status(), call.body());
    assertEquals("tool_use", call.json().getString("stop_reason"));
    JsonObject use = call.json().getJsonArray("content").getJsonObject(0);
    assertEquals("tool_use", use.getString("type"));
    assertEquals("get_weather", use.getString("name"));
    assertEquals(new JsonObject().put("city", "Paris"), use.getJsonObject("input"));
    JsonObject sentTool = oldLlama.lastRequest().json().getJsonArray("tools").getJsonObject(0);
    assertEquals("function", sentTool.getString("type"));
    assertEquals(tools.getJsonObject(0).getJsonObject("input_schema"),
        sentTool.getJsonObject("function").getJsonObject("parameters"));

    ask.getJsonArray("messages").add(new JsonObject().put("role", "assistant").put("content", call.json().getJsonArray("content")))
        .add(new JsonObject().put("role", "user").put("content", new JsonArray().add(new JsonObject()
            .put("type", "tool_result").put("tool_use_id", use.getString("id")).put("content", "sunny"))));
    TestHttp.Answer answer = post("/v1/messages", ask.put("stream", true).encode());
    assertEquals(200, answer.status(), answer.body());
    StringBuilder text = new StringBuilder();
    events(answer.body()).stream().filter(e -> e.name().equals("content_block_delta"))
        .forEach(e -> text.append(e.data().getJsonObject("delta").getString("text")));
    assertEquals("It is sunny", text.toString());
    JsonArray sent = oldLlama.lastRequest().json().getJsonArray("messages");
    assertEquals("call_1", sent.getJsonObject(1).getJsonArray("tool_calls").getJsonObject(0).getString("id"));
    assertEquals(new JsonObject().put("role", "tool").put("tool_call_id", "call_1").put("content", "sunny"),
        sent.getJsonObject(2));
  }

  @Test
  void streamedToolCallsBecomeToolUseBlocksWithJsonDeltas() throws Exception {
    JsonObject ask = new JsonObject().put("model", "old").put("max_tokens", 64).put("stream", true)
        .put("tools", new JsonArray().add(new JsonObject().put("name", "get_weather")
            .put("input_schema", new JsonObject().put("type", "object"))))
        .put("messages", new JsonArray().add(new JsonObject().put("role", "user").put("content", "Weather?")));
    List<Sse> events = events(post("/v1/messages", ask.encode()).body());
    assertEquals("tool_use", events.get(2).data().getJsonObject("content_block").getString("type"));
    assertEquals("call_1", events.get(2).data().getJsonObject("content_block").getString("id"));
    StringBuilder json = new StringBuilder();
    events.stream().filter(e -> e.name().equals("content_block_delta"))
        .forEach(e -> json.append(e.data().getJsonObject("delta").getString("partial_json")));
    assertEquals("{\"city\":\"Paris\"}", json.toString());
    assertEquals("tool_use", events.get(events.size() - 2).data().getJsonObject("delta").getString("stop_reason"));
    assertEquals("message_stop", events.get(events.size() - 1).name());
  }

  @Test
  void aStreamCutByTheBackendEndsWithAnAnthropicErrorEvent() throws Exception {
    for (String model : List.of("old", "native")) {
      FakeLlamaServer backend = model.equals("old") ? oldLlama : nativeLlama;
      backend.mode(FakeBackend.Mode.DIE_MID_STREAM);
      TestHttp.Answer answer = post("/v1/messages", hello(model, true));
      assertEquals(200, answer.status(), answer.body());
      List<Sse> events = events(answer.body());
      Sse last = events.get(events.size() - 1);
      assertEquals("error", last.name(), model + ": " + answer.body());
      assertEquals("error", last.data().getString("type"));
      assertEquals("api_error", last.data().getJsonObject("error").getString("type"));
      backend.mode(FakeBackend.Mode.NORMAL);
    }
  }

  @Test
  void refusesBadInputInAnthropicsEnvelopeBeforeAnythingIsSent() throws Exception {
    String image = "A".repeat(20 * 1024 * 1024 / 3 * 4);
    List<String> bad = List.of(
        "{\"model\":\"native\",\"max_tokens\":5,\"messages\":\"hi\"}",
        "{\"model\":\"native\",\"max_tokens\":5,\"messages\":[{\"role\":\"user\",\"content\":[{\"type\":\"hologram\"}]}]}",
        "{\"model\":\"native\",\"max_tokens\":5,\"messages\":[{\"role\":\"user\",\"content\":[{\"type\":\"image\","
            + "\"source\":{\"type\":\"base64\",\"media_type\":\"image/png\",\"data\":\"" + image + "\"}}]}]}",
        "{\"model\":\"native\",\"max_tokens\":0,\"messages\":[]}",
        "{\"model\":\"native\",\"messages\":[{\"role\":\"system\",\"content\":\"x\"}]}");
    for (String body : bad) {
      TestHttp.Answer answer = post("/v1/messages", body);
      assertEquals(400, answer.status(), answer.body());
      JsonObject error = answer.json();
      assertEquals("error", error.getString("type"), answer.body());
      assertEquals("invalid_request_error", error.getJsonObject("error").getString("type"));
    }
    assertTrue(post("/v1/messages", bad.get(2)).json().getJsonObject("error").getString("message")
        .contains("image exceeds 5 MB maximum"));
    assertEquals(List.of(), paths(nativeLlama), "nothing reached the backend");
  }

  @Test
  void whatCannotBeTranslatedIsA400ForTranslatedBackendsOnly() throws Exception {
    String document = "{\"model\":\"%s\",\"max_tokens\":5,\"messages\":[{\"role\":\"user\",\"content\":["
        + "{\"type\":\"document\",\"source\":{\"type\":\"base64\",\"media_type\":\"application/pdf\","
        + "\"data\":\"JVBERi0=\"}}]}]}";
    for (int i = 0; i < 2; i++) { // the first time found out, the second time known
      TestHttp.Answer answer = post("/v1/messages", document.formatted("old"));
      assertEquals(400, answer.status(), answer.body());
      assertEquals("invalid_request_error", answer.json().getJsonObject("error").getString("type"));
    }
    assertEquals(200, post("/v1/messages", document.formatted("native")).status());
  }

  @Test
  void unknownModelsAndMissingKeysAreAnthropicErrors() throws Exception {
    TestHttp.Answer unknown = post("/v1/messages", hello("no-such-model", false));
    assertEquals(404, unknown.status());
    assertEquals("not_found_error", unknown.json().getJsonObject("error").getString("type"));

    TestHttp.Answer ollamaUnknown = post("/v1/messages", hello("ollama", false).replace("\"ollama\"", "\"ollama\""));
    assertEquals(200, ollamaUnknown.status(), ollamaUnknown.body());

    TestHttp.Answer noKey = http.postJson("/v1/messages", hello("native", false));
    assertEquals(401, noKey.status());
    assertEquals("authentication_error", noKey.json().getJsonObject("error").getString("type"));
    TestHttp.Answer bearer = http.postJson("/v1/messages", hello("native", false),
        Map.of("Authorization", "Bearer " + KEY));
    assertEquals(200, bearer.status(), bearer.body());
  }

  @Test
  void backendErrorsComeBackInAnthropicsEnvelope() throws Exception {
    nativeLlama.mode(FakeBackend.Mode.SERVER_ERROR);
    TestHttp.Answer answer = post("/v1/messages", hello("native", false));
    assertEquals(500, answer.status(), answer.body());
    assertEquals("api_error", answer.json().getJsonObject("error").getString("type"));
    assertTrue(answer.json().getJsonObject("error").getString("message").contains("fake server error"));
  }

  @Test
  void countsTokensNativelyOrEstimatesThem() throws Exception {
    String body = "{\"model\":\"%s\",\"messages\":[{\"role\":\"user\",\"content\":\"one two three four\"}]}";
    TestHttp.Answer counted = post("/v1/messages/count_tokens", body.formatted("native"));
    assertEquals(200, counted.status(), counted.body());
    assertEquals(7, counted.json().getInteger("input_tokens"));

    // Ollama serves /v1/messages but not count_tokens: estimated, and remembered per endpoint.
    TestHttp.Answer estimated = post("/v1/messages/count_tokens", body.formatted("ollama"));
    assertEquals(200, estimated.status(), estimated.body());
    assertEquals(9, estimated.json().getInteger("input_tokens")); // 18 chars / 4 rounded up + 4
    assertEquals(200, post("/v1/messages", hello("ollama", false)).status());
    assertEquals("native", apis("ollama").getString("/v1/messages"));
    assertEquals("translated", apis("ollama").getString("/v1/messages/count_tokens"));
    assertTrue(ollama.requests().stream().noneMatch(r -> r.path().equals("/v1/chat/completions")));
  }

  @Test
  void cloudEntriesPassThroughToLiteLlm() throws Exception {
    TestHttp.Answer answer = post("/v1/messages", hello("claude", true));
    assertEquals(200, answer.status(), answer.body());
    assertEquals("message_stop", events(answer.body()).get(events(answer.body()).size() - 1).name());
    assertEquals("anthropic/claude-sonnet", liteLlm.lastRequest().json().getString("model"));
  }

  @Test
  void responsesPassThroughWithTheSameRouting() throws Exception {
    String body = "{\"model\":\"ollama\",\"input\":\"Say hi\"}";
    TestHttp.Answer answer = post("/v1/responses", body);
    assertEquals(200, answer.status(), answer.body());
    assertEquals("response", answer.json().getString("object"));
    assertEquals("/v1/responses", ollama.lastRequest().path());
    assertEquals("qwen2.5:0.5b", ollama.lastRequest().json().getString("model"));
    TestHttp.Answer unknown = post("/v1/responses", "{\"model\":\"nope\",\"input\":\"x\"}");
    assertEquals(404, unknown.status());
    assertEquals("model_not_found", unknown.json().getJsonObject("error").getString("code"));
  }

  @Test
  void rerankGoesToRerankersOnly() throws Exception {
    String body = "{\"model\":\"bge\",\"query\":\"q\",\"documents\":[\"short\",\"a longer document\"]}";
    for (String path : List.of("/v1/rerank", "/v1/reranking")) {
      TestHttp.Answer answer = post(path, body);
      assertEquals(200, answer.status(), answer.body());
      assertEquals(2, answer.json().getJsonArray("results").size());
      assertEquals(path, reranker.lastRequest().path());
    }
    TestHttp.Answer notReranker = post("/v1/rerank", body.replace("bge", "native"));
    assertEquals(400, notReranker.status());
    assertEquals("model_not_reranker", notReranker.json().getJsonObject("error").getString("code"));
    TestHttp.Answer chatToReranker = post("/v1/chat/completions", TestHttp.chat("bge", false));
    assertEquals(400, chatToReranker.status());
  }

  private JsonObject apis(String id) throws Exception {
    JsonArray models = http.get("/admin/models").json().getJsonArray("models");
    for (int i = 0; i < models.size(); i++) {
      if (models.getJsonObject(i).getString("id").equals(id)) {
        JsonObject apis = models.getJsonObject(i).getJsonObject("apis");
        return apis == null ? new JsonObject() : apis;
      }
    }
    throw new AssertionError("no model " + id);
  }

  /** The API requests a backend got (the supervisor's health probes and slot question left out). */
  private static List<String> paths(FakeBackend backend) {
    return backend.requests().stream().map(FakeBackend.Recorded::path)
        .filter(p -> !p.equals("/health") && !p.equals("/props")).toList();
  }

  private static List<Sse> events(String body) {
    List<Sse> out = new ArrayList<>();
    for (String event : body.split("\n\n")) {
      if (!event.isBlank() && !event.startsWith(":")) {
        out.add(Sse.parse(event));
      }
    }
    return out;
  }
}
