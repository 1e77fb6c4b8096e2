package dev.llmgateway.routing;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.llmgateway.testing.Async;
import dev.llmgateway.testing.FakeBackend;
import dev.llmgateway.testing.FakeLiteLlm;
import dev.llmgateway.testing.FakeLlamaServer;
import dev.llmgateway.testing.FakeOllama;
import dev.llmgateway.testing.GatewayHarness;
import dev.llmgateway.testing.TestHttp;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.junit5.VertxExtension;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * Ollama's API in front of the three kinds of entry: passed through to Ollama, translated for a
 * llama.cpp server and a LiteLLM proxy; Ollama's errors for bad input (which never reaches a
 * backend); discovery of the Ollama server's models; pulls and deletes through the gateway's jobs.
 */
@ExtendWith(VertxExtension.class)
class OllamaApiTest {

  private static final String CLOUD_KEY = "sk-test-litellm-0123456789";

  private FakeLlamaServer llama;
  private FakeLlamaServer embedder;
  private FakeOllama ollama;
  private FakeLiteLlm liteLlm;
  private TestHttp http;

  @BeforeEach
  void start(Vertx vertx, @TempDir Path dir) throws Exception {
    llama = new FakeLlamaServer(vertx, "tiny.gguf");
    embedder = new FakeLlamaServer(vertx, "tiny-embed.gguf").embeddings(true);
    ollama = new FakeOllama(vertx, "qwen2.5:0.5b");
    liteLlm = new FakeLiteLlm(vertx, CLOUD_KEY);
    Async.await(llama.start());
    Async.await(embedder.start());
    Async.await(ollama.start());
    Async.await(liteLlm.start());
    GatewayHarness gateway = GatewayHarness.start(vertx, dir, """
        local_models:
          - id: llama-chat
            path: tiny.gguf
            host: 127.0.0.1
            port: %d
          - id: llama-embed
            path: tiny-embed.gguf
            host: 127.0.0.1
            port: %d
            capabilities: [embedding]
          - id: qwen
            type: ollama
            path: qwen2.5:0.5b
            host: 127.0.0.1
            port: %d
        cloud_models:
          - id: gpt4o
            path: openai/gpt-4o
            host: 127.0.0.1
            port: %d
            api_key: %s
        main_llm_mode: local
        main_llm_local: local_models/llama-chat
        embedding_llm: local_models/llama-embed
        gateway:
          ollama_url: http://127.0.0.1:%d
        """.formatted(llama.port(), embedder.port(), ollama.port(), liteLlm.port(), CLOUD_KEY, ollama.port()),
        Map.of());
    http = new TestHttp(vertx, gateway.port());
  }

  @Test
  void streamsALlamaCppChatAsOllamaNdjsonWithCountsAndDurations() throws Exception {
    TestHttp.Answer answer = http.postJson("/api/chat", chat("llama-chat", null).encode());
    assertEquals(200, answer.status(), answer.body());
    assertEquals("application/x-ndjson", answer.headers().get("Content-Type"));
    List<JsonObject> lines = lines(answer.body());
    StringBuilder text = new StringBuilder();
    for (JsonObject line : lines.subList(0, lines.size() - 1)) {
      assertEquals(false, line.getBoolean("done"), line.encode());
      assertEquals("llama-chat", line.getString("model"));
      assertEquals("assistant", line.getJsonObject("message").getString("role"));
      text.append(line.getJsonObject("message").getString("content"));
    }
    assertEquals("Hello from llama.cpp", text.toString());
    JsonObject last = lines.get(lines.size() - 1);
    assertEquals(true, last.getBoolean("done"));
    assertEquals("stop", last.getString("done_reason"));
    assertEquals(5, last.getInteger("prompt_eval_count"));
    assertEquals(4, last.getInteger("eval_count"));
    assertEquals(12_500_000L, last.getLong("prompt_eval_duration"));
    assertEquals(40_250_000L, last.getLong("eval_duration"));
    assertTrue(last.getLong("total_duration") > 0);

    JsonObject asked = llama.lastRequest().json();
    assertEquals("/v1/chat/completions", llama.lastRequest().path());
    assertEquals("llama-chat", asked.getString("model"));
    assertEquals(true, asked.getBoolean("stream"));
    assertEquals(true, asked.getJsonObject("stream_options").getBoolean("include_usage"));
  }

  @Test
  void aStreamedToolCallComesWholeWithArgumentsAsAnObject() throws Exception {
    JsonObject request = chat("llama-chat", null).put("tools", new JsonArray().add(weatherTool()));
    List<JsonObject> lines = lines(http.postJson("/api/chat", request.encode()).body());
    JsonObject call = lines.stream().filter(l -> l.getJsonObject("message") != null
            && l.getJsonObject("message").getJsonArray("tool_calls") != null)
        .findFirst().orElseThrow().getJsonObject("message").getJsonArray("tool_calls").getJsonObject(0);
    assertEquals("get_weather", call.getJsonObject("function").getString("name"));
    assertEquals(new JsonObject().put("city", "Paris"), call.getJsonObject("function").getJsonObject("arguments"));
    assertEquals("stop", lines.get(lines.size() - 1).getString("done_reason"));
    assertEquals("get_weather", llama.lastRequest().json().getJsonArray("tools").getJsonObject(0)
        .getJsonObject("function").getString("name"));
  }

  @Test
  void sendsOllamaToolHistoryAsOpenAiToolMessages() throws Exception {
    JsonObject request = new JsonObject().put("model", "llama-chat").put("stream", false)
        .put("messages", new JsonArray()
            .add(new JsonObject().put("role", "user").put("content", "Weather in Paris?"))
            .add(new JsonObject().put("role", "assistant").put("content", "").put("tool_calls", new JsonArray()
                .add(new JsonObject().put("function", new JsonObject().put("name", "get_weather")
                    .put("arguments", new JsonObject().put("city", "Paris"))))))
            .add(new JsonObject().put("role", "tool").put("tool_name", "get_weather").put("content", "sunny"))
            .add(new JsonObject().put("role", "user").put("content", "And?").put("images",
                new JsonArray().add("iVBORw0KGgoAAAANSUhEUg"))));
    TestHttp.Answer answer = http.postJson("/api/chat", request.encode());
    assertEquals(200, answer.status(), answer.body());
    assertEquals("It is sunny", answer.json().getJsonObject("message").getString("content"));
    JsonArray sent = llama.lastRequest().json().getJsonArray("messages");
    JsonObject call = sent.getJsonObject(1).getJsonArray("tool_calls").getJsonObject(0);
    assertEquals("{\"city\":\"Paris\"}", call.getJsonObject("function").getString("arguments"));
    assertEquals(call.getString("id"), sent.getJsonObject(2).getString("tool_call_id"));
    JsonArray parts = sent.getJsonObject(3).getJsonArray("content");
    assertEquals("data:image/png;base64,iVBORw0KGgoAAAANSUhEUg",
        parts.getJsonObject(1).getJsonObject("image_url").getString("url"));
  }

  @Test
  void generatesFromACloudEntryWithOptionsAndFormatTranslated() throws Exception {
    JsonObject request = new JsonObject().put("model", "gpt4o").put("prompt", "Say hi").put("system", "Be brief")
        .put("stream", false).put("format", "json").put("keep_alive", "5m")
        .put("options", new JsonObject().put("temperature", 0.2).put("num_predict", 5).put("top_k", 3)
            .put("num_ctx", 2048));
    TestHttp.Answer answer = http.postJson("/api/generate", request.encode());
    assertEquals(200, answer.status(), answer.body());
    assertEquals("application/json", answer.headers().get("Content-Type"));
    assertEquals("cloud says hi", answer.json().getString("response"));
    assertEquals(true, answer.json().getBoolean("done"));
    JsonObject sent = liteLlm.lastRequest().json();
    assertEquals("Bearer " + CLOUD_KEY, liteLlm.lastRequest().headers().get("Authorization"));
    assertEquals("openai/gpt-4o", sent.getString("model"));
    assertEquals("system", sent.getJsonArray("messages").getJsonObject(0).getString("role"));
    assertEquals(5, sent.getInteger("max_tokens"));
    assertEquals(0.2, sent.getDouble("temperature"));
    assertEquals("json_object", sent.getJsonObject("response_format").getString("type"));
    assertFalse(sent.containsKey("top_k"), "llama.cpp-only options are not sent to a cloud model");
    assertFalse(sent.containsKey("options"));
  }

  @Test
  void passesOllamaEntriesThroughToOllamasOwnApi() throws Exception {
    TestHttp.Answer answer = http.postJson("/api/chat", chat("qwen", null).encode());
    assertEquals(200, answer.status(), answer.body());
    assertEquals("/api/chat", ollama.lastRequest().path());
    assertEquals("qwen2.5:0.5b", ollama.lastRequest().json().getString("model"));
    List<JsonObject> lines = lines(answer.body());
    assertEquals("Hi from Ollama", String.join("", lines.stream()
        .map(l -> l.getJsonObject("message").getString("content")).toList()));
    assertEquals(true, lines.get(lines.size() - 1).getBoolean("done"));
  }

  @Test
  void refusesBadInputInOllamasShapeAndNothingReachesABackend() throws Exception {
    long before = backendRequests();
    TestHttp.Answer noMessages = http.postJson("/api/chat", "{\"model\":\"llama-chat\"}");
    assertEquals(400, noMessages.status());
    assertTrue(noMessages.json().getString("error").startsWith("messages is required"), noMessages.body());
    assertEquals(1, noMessages.json().size(), "Ollama's shape: only \"error\"");

    TestHttp.Answer control = http.postJson("/api/chat", chat("llama\u0001chat", null).encode());
    assertEquals(400, control.status());
    assertEquals("invalid model name", control.json().getString("error"));

    TestHttp.Answer noModel = http.postJson("/api/generate", "{\"prompt\":\"hi\"}");
    assertEquals(400, noModel.status());
    assertEquals("model is required", noModel.json().getString("error"));

    TestHttp.Answer unknown = http.postJson("/api/chat", chat("no-such-model", null).encode());
    assertEquals(404, unknown.status());
    assertTrue(unknown.json().getString("error").contains("no-such-model"), unknown.body());

    TestHttp.Answer badJson = http.postJson("/api/embed", "{\"model\":\"llama-embed\",\"input\":[1,2]}");
    assertEquals(400, badJson.status());
    assertTrue(badJson.json().containsKey("error"));

    TestHttp.Answer showUnknown = http.postJson("/api/show", "{\"model\":\"no-such-model\"}");
    assertEquals(404, showUnknown.status());
    assertEquals("model 'no-such-model' not found", showUnknown.json().getString("error"));

    TestHttp.Answer pullBad = http.postJson("/api/pull", "{\"model\":\"bad\\u0007name\"}");
    assertEquals(400, pullBad.status());
    assertTrue(pullBad.json().getString("error").startsWith("invalid model name"), pullBad.body());
    assertEquals(before, backendRequests(), "no refused request reached a backend");
  }

  @Test
  void embedsThroughALlamaCppEntryInBothOfOllamasShapes() throws Exception {
    TestHttp.Answer embed = http.postJson("/api/embed", "{\"model\":\"llama-embed\",\"input\":[\"hello\"]}");
    assertEquals(200, embed.status(), embed.body());
    assertEquals(new JsonArray().add(new JsonArray().add(0.1).add(0.2).add(0.3)),
        embed.json().getJsonArray("embeddings"));
    assertEquals("llama-embed", embed.json().getString("model"));
    assertEquals(3, embed.json().getInteger("prompt_eval_count"));
    TestHttp.Answer legacy = http.postJson("/api/embeddings", "{\"model\":\"llama-embed\",\"prompt\":\"hello\"}");
    assertEquals(200, legacy.status(), legacy.body());
    assertEquals(new JsonArray().add(0.1).add(0.2).add(0.3), legacy.json().getJsonArray("embedding"));
    TestHttp.Answer chatModel = http.postJson("/api/embed", "{\"model\":\"llama-chat\",\"input\":\"x\"}");
    assertEquals(400, chatModel.status(), "a chat-only llama-server makes no embeddings");
  }

  @Test
  void anEmptyChatLoadsTheModelWithoutAskingIt() throws Exception {
    long before = chats(llama);
    TestHttp.Answer answer = http.postJson("/api/chat", "{\"model\":\"llama-chat\",\"messages\":[]}");
    assertEquals(200, answer.status(), answer.body());
    assertEquals("load", answer.json().getString("done_reason"));
    assertEquals(before, chats(llama));
  }

  @Test
  void listsEveryModelInOllamasShapeAndFindsModelsPulledLater() throws Exception {
    JsonArray tags = http.get("/api/tags").json().getJsonArray("models");
    List<String> names = new ArrayList<>();
    tags.forEach(m -> names.add(((JsonObject) m).getString("name")));
    assertEquals(List.of("llama-chat", "llama-embed", "qwen", "gpt4o"), names,
        "configured entries win: qwen2.5:0.5b is listed once, as its entry");
    JsonObject qwen = tags.getJsonObject(2);
    assertEquals("Q4_K_M", qwen.getJsonObject("details").getString("quantization_level"), "Ollama's details");

    // A model that arrives in Ollama after the gateway started, without any entry.
    ollama.addModel("llama3.2:1b");
    Async.until("llama3.2:1b in /v1/models", () -> lists("llama3.2:1b"));
    TestHttp.Answer chat = http.postJson("/v1/chat/completions", TestHttp.chat("llama3.2:1b", false));
    assertEquals(200, chat.status(), chat.body());
    assertEquals("llama3.2:1b", ollama.lastRequest().json().getString("model"));
    JsonObject listed = http.get("/v1/models").json().getJsonArray("data").stream().map(JsonObject.class::cast)
        .filter(m -> m.getString("id").equals("llama3.2:1b")).findFirst().orElseThrow();
    assertEquals("ollama", listed.getString("owned_by"));
  }

  @Test
  void pullsWithNdjsonProgressAndTheModelIsUsableAtOnce() throws Exception {
    TestHttp.Answer pull = http.postJson("/api/pull", "{\"model\":\"nomic-embed-text\"}");
    assertEquals(200, pull.status(), pull.body());
    assertEquals("application/x-ndjson", pull.headers().get("Content-Type"));
    List<JsonObject> lines = lines(pull.body());
    assertEquals(new JsonObject().put("status", "success"), lines.get(lines.size() - 1));
    assertTrue(lines.stream().anyMatch(l -> l.getString("status", "").startsWith("pulling ")
        && l.getLong("total", 0L) > 0), pull.body());
    // Published after the pull: no need to wait for the next poll.
    Async.until("nomic-embed-text in /v1/models", () -> lists("nomic-embed-text"));
    TestHttp.Answer embed = http.postJson("/api/embed", "{\"model\":\"nomic-embed-text\",\"input\":\"hi\"}");
    assertEquals(200, embed.status(), embed.body());

    TestHttp.Answer unknown = http.postJson("/api/pull", "{\"model\":\"no-such-thing\",\"stream\":false}");
    assertEquals(500, unknown.status());
    assertTrue(unknown.json().getString("error").contains("no-such-thing"), unknown.body());

    TestHttp.Answer deleted = http.send(HttpMethod.DELETE, "/api/delete", "{\"name\":\"nomic-embed-text\"}",
        "application/json");
    assertEquals(200, deleted.status(), deleted.body());
    Async.until("nomic-embed-text gone from /v1/models", () -> !lists("nomic-embed-text"));
    TestHttp.Answer again = http.send(HttpMethod.DELETE, "/api/delete", "{\"model\":\"nomic-embed-text\"}",
        "application/json");
    assertEquals(404, again.status());
    assertEquals("model 'nomic-embed-text' not found", again.json().getString("error"));
  }

  @Test
  void aPullGoesOnWhenItsClientLeaves() throws Exception {
    io.vertx.core.Promise<Void> release = io.vertx.core.Promise.promise();
    ollama.library("qwen2.5:0.5b-instruct", 397_807_936L, 68L).holdPulls(release.future());
    TestHttp.Stream stream = http.openStream("/api/pull", "{\"model\":\"qwen2.5:0.5b-instruct\"}");
    assertEquals("application/x-ndjson", stream.response().getHeader("Content-Type"));
    stream.abort();
    release.complete();
    Async.until("the pulled model in /v1/models", () -> lists("qwen2.5:0.5b-instruct"));
    assertEquals(1, ollama.pullRequests());
  }

  @Test
  void showsAndListsWhatIsLoaded() throws Exception {
    TestHttp.Answer show = http.postJson("/api/show", "{\"model\":\"qwen\"}");
    assertEquals(200, show.status(), show.body());
    assertEquals("qwen2", show.json().getJsonObject("model_info").getString("general.architecture"));
    TestHttp.Answer showLlama = http.postJson("/api/show", "{\"name\":\"llama-chat\"}");
    assertEquals(200, showLlama.status(), showLlama.body());
    assertEquals("gguf", showLlama.json().getJsonObject("details").getString("format"));

    http.postJson("/api/chat", chat("qwen", false).encode());
    JsonArray ps = http.get("/api/ps").json().getJsonArray("models");
    JsonObject loaded = ps.stream().map(JsonObject.class::cast).filter(m -> m.getString("name").equals("qwen"))
        .findFirst().orElseThrow(() -> new AssertionError(ps.encode()));
    assertEquals(1_234_567_890L, loaded.getLong("size"));
    assertNull(http.get("/api/version").json().getString("error"));
  }

  @Test
  void aStreamThatBreaksOffEndsWithOllamasErrorLine() throws Exception {
    llama.mode(FakeBackend.Mode.DIE_MID_STREAM);
    TestHttp.Answer answer = http.postJson("/api/chat", chat("llama-chat", null).encode());
    assertEquals(200, answer.status(), "the answer had begun");
    List<JsonObject> lines = lines(answer.body());
    assertEquals("Hello", lines.get(0).getJsonObject("message").getString("content"));
    JsonObject last = lines.get(lines.size() - 1);
    assertEquals(1, last.size(), last.encode());
    assertTrue(last.getString("error").contains("llama-chat"), last.encode());
    llama.mode(FakeBackend.Mode.NORMAL);
    assertEquals(200, http.postJson("/api/chat", chat("llama-chat", false).encode()).status(), "the next one works");
  }

  @Test
  void aClientThatLeavesClosesTheTranslatedRequestAtOnce() throws Exception {
    liteLlm.holdAfterFirstChunk(io.vertx.core.Promise.<Void>promise().future()); // never released
    TestHttp.Stream stream = http.openStream("/api/chat", chat("gpt4o", true).encode());
    assertEquals("application/x-ndjson", stream.response().getHeader("Content-Type"));
    stream.abort();
    Async.await("the gateway closing its request to LiteLLM", liteLlm.upstreamClosed());
  }

  @Test
  void answersOtherPathsAndMethodsUnderApiInOllamasShape() throws Exception {
    TestHttp.Answer unknown = http.get("/api/nothing-here");
    assertEquals(404, unknown.status());
    assertTrue(unknown.json().getValue("error") instanceof String, unknown.body());
    TestHttp.Answer wrongMethod = http.get("/api/chat");
    assertEquals(405, wrongMethod.status());
    assertTrue(wrongMethod.json().getValue("error") instanceof String, wrongMethod.body());
  }

  private static long chats(FakeBackend backend) {
    return backend.requests().stream().filter(r -> r.path().equals("/v1/chat/completions")).count();
  }

  /** Model requests that reached any backend (health probes of the servers are not). */
  private long backendRequests() {
    return java.util.stream.Stream.of(llama, embedder, liteLlm, ollama)
        .flatMap(b -> b.requests().stream()).filter(r -> r.method().equals("POST")).count();
  }

  private boolean lists(String id) {
    List<String> ids = Async.quietly(this::modelIds);
    return ids != null && ids.contains(id);
  }

  private List<String> modelIds() throws Exception {
    List<String> ids = new ArrayList<>();
    http.get("/v1/models").json().getJsonArray("data").forEach(m -> ids.add(((JsonObject) m).getString("id")));
    return ids;
  }

  private static JsonObject chat(String model, Boolean stream) {
    JsonObject out = new JsonObject().put("model", model).put("messages", new JsonArray()
        .add(new JsonObject().put("role", "user").put("content", "Say hi")));
    return stream == null ? out : out.put("stream", stream);
  }

  private static JsonObject weatherTool() {
    return new JsonObject().put("type", "function").put("function", new JsonObject()
        .put("name", "get_weather").put("description", "Weather of a city")
        .put("parameters", new JsonObject().put("type", "object").put("properties", new JsonObject()
            .put("city", new JsonObject().put("type", "string")))));
  }

  private static List<JsonObject> lines(String ndjson) {
    List<JsonObject> out = new ArrayList<>();
    for (String line : ndjson.split("\n")) {
      if (!line.isBlank()) {
        out.add(new JsonObject(line));
      }
    }
    return out;
  }
}
