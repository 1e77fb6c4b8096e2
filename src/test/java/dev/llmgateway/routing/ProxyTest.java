package dev.llmgateway.routing;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.llmgateway.testing.Async;
import dev.llmgateway.testing.FakeBackend;
import dev.llmgateway.testing.FakeLiteLlm;
import dev.llmgateway.testing.FakeLlamaServer;
import dev.llmgateway.testing.FakeOllama;
import dev.llmgateway.testing.GatewayHarness;
import dev.llmgateway.testing.TestHttp;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpClientRequest;
import io.vertx.core.http.HttpClientResponse;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonObject;
import io.vertx.junit5.VertxExtension;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/** The proxy path against real fake backends: passthrough, streaming, cancellation, errors. */
@ExtendWith(VertxExtension.class)
class ProxyTest {

  private static final String CLOUD_KEY = "sk-test-litellm-0123456789";

  private FakeLlamaServer llama;
  private FakeOllama ollama;
  private FakeLiteLlm liteLlm;
  private int closedPort;
  private GatewayHarness gateway;
  private TestHttp http;

  @BeforeEach
  void start(Vertx vertx, @TempDir Path dir) throws Exception {
    llama = new FakeLlamaServer(vertx, "tiny.gguf");
    ollama = new FakeOllama(vertx, "qwen2.5:7b");
    liteLlm = new FakeLiteLlm(vertx, CLOUD_KEY);
    Async.await(llama.start());
    Async.await(ollama.start());
    Async.await(liteLlm.start());
    try (ServerSocket s = new ServerSocket(0)) {
      closedPort = s.getLocalPort(); // nothing listens there once closed
    }
    String yaml = """
        # a config like the ones people keep: comments, unknown keys
        completion: {max_tokens: 100, stop: ["<|im_end|>"]}
        local_models:
          - id: llama-a
            alias: Llama A
            path: tiny.gguf
            host: 127.0.0.1
            port: %d
          - id: llama-emb
            path: tiny.gguf
            host: 127.0.0.1
            port: %d
          - id: ollama-qwen
            type: ollama
            path: qwen2.5:7b
            host: 127.0.0.1
            port: %d
          - id: gone
            type: ollama
            path: gone:latest
            port: %d
        cloud_models:
          - id: gpt4o
            alias: GPT-4o
            path: openai/gpt-4o
            host: 127.0.0.1
            port: %d
            api_key_name: TEST_LITELLM_KEY
          - id: inline-key
            path: deepseek/deepseek-chat
            port: %d
            api_key: %s
          - id: wrong-key
            path: openai/gpt-4o-mini
            port: %d
            api_key: sk-not-the-master-key
        main_llm_mode: local
        main_llm_local: local_models/ollama-qwen
        main_llm_cloud: cloud_models/gpt4o
        embedding_llm: local_models/llama-emb
        gateway:
          max_body_bytes: 4096
          request_timeout_seconds: 1
        """.formatted(llama.port(), llama.port(), ollama.port(), closedPort, liteLlm.port(), liteLlm.port(),
        CLOUD_KEY, liteLlm.port());
    gateway = GatewayHarness.start(vertx, dir, yaml, Map.of("TEST_LITELLM_KEY", CLOUD_KEY));
    http = new TestHttp(vertx, gateway.port());
  }

  @Test
  void forwardsTheBodyByteForByteWithOnlyModelRewritten() throws Exception {
    String body = "{ \"model\" : \"Llama A\",\n \"messages\":[{\"role\":\"user\",\"content\":\"h\\u00e9llo é\"}],"
        + " \"temperature\": 1.0e0, \"max_tokens\":5, \"custom\":{\"a\":[1,2.50,3]} }";
    TestHttp.Answer answer = http.postJson("/v1/chat/completions", body);
    assertEquals(200, answer.status(), answer.body());
    assertEquals(body.replace("\"Llama A\"", "\"llama-a\""),
        llama.lastRequest().body().toString(StandardCharsets.UTF_8));
    assertEquals("llama-a", answer.json().getString("model"));
  }

  @Test
  void addsModelWhenTheClientSentNone() throws Exception {
    TestHttp.Answer answer = http.postJson("/v1/chat/completions",
        "{\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}");
    assertEquals(200, answer.status(), answer.body());
    assertEquals("{\"model\":\"qwen2.5:7b\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}",
        ollama.lastRequest().body().toString());
  }

  @Test
  void sendsOllamaEntriesToV1WithTheOllamaModelName() throws Exception {
    for (String name : new String[] {"main", "ollama-qwen", "local_models/ollama-qwen", "qwen2.5:7b"}) {
      TestHttp.Answer answer = http.postJson("/v1/chat/completions", TestHttp.chat(name, false));
      assertEquals(200, answer.status(), name + ": " + answer.body());
      assertEquals("/v1/chat/completions", ollama.lastRequest().path());
      assertEquals("qwen2.5:7b", ollama.lastRequest().json().getString("model"));
    }
  }

  @Test
  void sendsCloudModelsToLiteLlmWithTheKeyFromTheEnvironment() throws Exception {
    TestHttp.Answer answer = http.postJson("/v1/chat/completions", TestHttp.chat("GPT-4o", false));
    assertEquals(200, answer.status(), answer.body());
    assertEquals("openai/gpt-4o", liteLlm.lastRequest().json().getString("model"));
    assertEquals("Bearer " + CLOUD_KEY, liteLlm.lastRequest().headers().get("Authorization"));

    answer = http.postJson("/v1/chat/completions", TestHttp.chat("cloud_models/inline-key", false));
    assertEquals(200, answer.status(), answer.body());
    assertEquals("deepseek/deepseek-chat", liteLlm.lastRequest().json().getString("model"));
  }

  @Test
  void passesTheBackendsOwnErrorsThrough() throws Exception {
    TestHttp.Answer denied = http.postJson("/v1/chat/completions", TestHttp.chat("wrong-key", false));
    assertEquals(401, denied.status());
    assertEquals("auth_error", denied.error().getString("type"));

    TestHttp.Answer noMessages = http.postJson("/v1/chat/completions", "{\"model\":\"llama-a\"}");
    assertEquals(400, noMessages.status());
    assertEquals("'messages' is required", noMessages.error().getString("message"));

    llama.loading(true);
    TestHttp.Answer loading = http.postJson("/v1/chat/completions", TestHttp.chat("llama-a", false));
    assertEquals(503, loading.status());
    assertEquals("Loading model", loading.error().getString("message"));

    TestHttp.Answer stillLoading = http.postJson("/v1/embeddings", "{\"model\":\"llama-emb\",\"input\":\"x\"}");
    assertEquals(503, stillLoading.status(), "llama still loading: its answer passes through");
    TestHttp.Answer notEmbedding = http.postJson("/v1/embeddings", "{\"model\":\"llama-a\",\"input\":\"x\"}");
    assertEquals(400, notEmbedding.status());
    assertEquals("model_not_embedding", notEmbedding.error().getString("code"));
    llama.loading(false);
    TestHttp.Answer noEmbeddings = http.postJson("/v1/embeddings", "{\"input\":\"x\"}");
    assertEquals(501, noEmbeddings.status());
    assertEquals("not_supported_error", noEmbeddings.error().getString("type"));
  }

  @Test
  void doesNotForwardTheClientsCredentials(Vertx vertx) throws Exception {
    HttpClientRequest req = Async.await(http.raw().request(HttpMethod.POST, "/v1/chat/completions"));
    req.putHeader("Authorization", "Bearer client-secret").putHeader("Cookie", "a=b")
        .putHeader("X-Request-Id", "req-42").putHeader("Content-Type", "application/json");
    int status = Async.await(TestHttp.onLoop(vertx, () -> req.send(TestHttp.chat("llama-a", false))
        .compose(resp -> resp.body().map(b -> resp.statusCode()))));
    assertEquals(200, status);
    FakeBackend.Recorded seen = llama.lastRequest();
    assertNull(seen.headers().get("Authorization"));
    assertNull(seen.headers().get("Cookie"));
    assertEquals("req-42", seen.headers().get("X-Request-Id"));
  }

  @Test
  void streamsEachChunkAsItArrives() throws Exception {
    Promise<Void> release = Promise.promise();
    llama.holdAfterFirstChunk(release.future());
    TestHttp.Stream stream = http.openStream("/v1/chat/completions", TestHttp.chat("llama-a", true));
    assertEquals(200, stream.response().statusCode());
    assertEquals("no", stream.response().getHeader("X-Accel-Buffering"));
    assertTrue(stream.response().getHeader("Content-Type").startsWith("text/event-stream"));

    // The backend is holding everything after its first event: what we read came through alone.
    String first = stream.nextEvent();
    assertTrue(first.startsWith("data: {"), first);
    JsonObject delta = new JsonObject(first.substring(6)).getJsonArray("choices").getJsonObject(0)
        .getJsonObject("delta");
    assertEquals("assistant", delta.getString("role"));
    assertTrue(delta.containsKey("content") && delta.getValue("content") == null);

    release.complete();
    String rest = stream.rest();
    assertTrue(rest.contains("\" llama\""), rest);
    assertTrue(rest.endsWith("data: [DONE]\n\n"), rest);
  }

  @Test
  void streamsOllamaUsageChunks() throws Exception {
    String body = "{\"model\":\"main\",\"stream\":true,\"stream_options\":{\"include_usage\":true},"
        + "\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}";
    TestHttp.Stream stream = http.openStream("/v1/chat/completions", body);
    String all = stream.rest();
    assertTrue(all.contains("\"choices\":[],\"usage\""), all);
    assertTrue(all.endsWith("data: [DONE]\n\n"));
  }

  @Test
  void closesTheUpstreamRequestWhenTheClientLeavesMidStream() throws Exception {
    llama.holdAfterFirstChunk(Promise.<Void>promise().future()); // never released
    TestHttp.Stream stream = http.openStream("/v1/chat/completions", TestHttp.chat("llama-a", true));
    stream.nextEvent();
    stream.abort();
    Async.await(llama.upstreamClosed());
  }

  @Test
  void closesTheUpstreamRequestWhenTheClientLeavesBeforeTheAnswer() throws Exception {
    llama.mode(FakeBackend.Mode.SILENT);
    HttpClientRequest req = Async.await(http.raw().request(HttpMethod.POST, "/v1/chat/completions"));
    req.putHeader("Content-Type", "application/json");
    req.send(TestHttp.chat("llama-a", false));
    Async.until(() -> llama.requests().stream().anyMatch(r -> r.path().equals("/v1/chat/completions")));
    req.connection().close();
    Async.await(llama.upstreamClosed());
  }

  @Test
  void endsABrokenStreamWithAnErrorEvent() throws Exception {
    llama.mode(FakeBackend.Mode.DIE_MID_STREAM);
    TestHttp.Stream stream = http.openStream("/v1/chat/completions", TestHttp.chat("llama-a", true));
    String all = stream.rest();
    String last = all.substring(all.trim().lastIndexOf("data: "));
    JsonObject error = new JsonObject(last.substring(6).trim()).getJsonObject("error");
    assertNotNull(error, all);
    assertEquals("backend_closed", error.getString("code"));
    // The gateway is fine afterwards.
    llama.mode(FakeBackend.Mode.NORMAL);
    assertEquals(200, http.postJson("/v1/chat/completions", TestHttp.chat("llama-a", false)).status());
  }

  @Test
  void answersMalformedJsonWith400() throws Exception {
    for (String bad : new String[] {"{\"model\":", "[1,2]", "{\"model\":42}", "", "{} x",
        "{\"model\":\"a\",\"model\":\"b\"}", "{\"stream\":\"yes\"}"}) {
      TestHttp.Answer answer = http.postJson("/v1/chat/completions", bad);
      assertEquals(400, answer.status(), bad + " -> " + answer.body());
      assertEquals("invalid_request_error", answer.error().getString("type"));
      assertFalse(answer.error().getString("message").contains("at dev."), "no stack trace");
    }
  }

  @Test
  void answersOversizedBodiesWith413() throws Exception {
    String big = "{\"model\":\"main\",\"x\":\"" + "a".repeat(5000) + "\"}";
    TestHttp.Answer declared = http.postJson("/v1/chat/completions", big);
    assertEquals(413, declared.status());
    assertEquals("request_too_large", declared.error().getString("code"));

    HttpClientRequest req = Async.await(http.raw().request(HttpMethod.POST, "/v1/chat/completions"));
    req.setChunked(true).putHeader("Content-Type", "application/json");
    req.write("{\"model\":\"main\",\"x\":\"");
    for (int i = 0; i < 5; i++) {
      req.write("b".repeat(1000));
    }
    HttpClientResponse resp = Async.await(req.end("\"}").compose(v -> req.response()));
    assertEquals(413, resp.statusCode());
    assertTrue(ollama.requests().isEmpty(), "nothing was forwarded");
  }

  @Test
  void answersUnknownModelsWith404() throws Exception {
    TestHttp.Answer answer = http.postJson("/v1/chat/completions", TestHttp.chat("no-such-model", false));
    assertEquals(404, answer.status());
    assertEquals("model_not_found", answer.error().getString("code"));
    assertTrue(answer.error().getString("message").contains("no-such-model"));
  }

  @Test
  void answersAnUnreachableBackendWith502NamingIt() throws Exception {
    TestHttp.Answer answer = http.postJson("/v1/chat/completions", TestHttp.chat("gone", false));
    assertEquals(502, answer.status());
    String message = answer.error().getString("message");
    assertTrue(message.contains("gone") && message.contains("127.0.0.1:" + closedPort)
        && message.contains("ollama serve"), message);
  }

  @Test
  void answersASilentBackendWith504() throws Exception {
    llama.mode(FakeBackend.Mode.SILENT);
    TestHttp.Answer answer = http.postJson("/v1/chat/completions", TestHttp.chat("llama-a", false));
    assertEquals(504, answer.status());
    assertEquals("backend_timeout", answer.error().getString("code"));
  }

  @Test
  void answersUnknownPathsAndMethodsInOpenAiShape() throws Exception {
    TestHttp.Answer notFound = http.get("/v1/nothing");
    assertEquals(404, notFound.status());
    assertNotNull(notFound.error());
    TestHttp.Answer wrongMethod = http.send(HttpMethod.DELETE, "/v1/chat/completions", null, null);
    assertEquals(405, wrongMethod.status());
    assertNotNull(wrongMethod.error());
    TestHttp.Answer multipart = http.send(HttpMethod.POST, "/v1/chat/completions", "x",
        "multipart/form-data; boundary=b");
    assertEquals(415, multipart.status());
  }

  @Test
  void acceptsJsonSentAsAFormLikeCurlDoes() throws Exception {
    TestHttp.Answer answer = http.send(HttpMethod.POST, "/v1/chat/completions",
        TestHttp.chat("main", false), "application/x-www-form-urlencoded");
    assertEquals(200, answer.status(), answer.body());
    assertEquals("application/json", ollama.lastRequest().headers().get("Content-Type"));
  }

  @Test
  void listsModelsInOpenAiShape() throws Exception {
    JsonObject list = http.get("/v1/models").json();
    assertEquals("list", list.getString("object"));
    assertEquals(7, list.getJsonArray("data").size());
    JsonObject first = list.getJsonArray("data").getJsonObject(0);
    assertEquals("llama-a", first.getString("id"));
    assertEquals("model", first.getString("object"));
    assertEquals("llama.cpp", first.getString("owned_by"));

    JsonObject byRef = http.get("/v1/models/cloud_models/gpt4o").json();
    assertEquals("gpt4o", byRef.getString("id"));
    assertEquals("openai", byRef.getString("owned_by"));
    assertEquals(404, http.get("/v1/models/nope").status());
    assertEquals("ok", http.get("/health").json().getString("status"));
    assertFalse(http.get("/v1/models").body().contains(CLOUD_KEY));
  }
}
