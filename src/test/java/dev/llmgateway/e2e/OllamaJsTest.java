package dev.llmgateway.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.llmgateway.testing.Async;
import dev.llmgateway.testing.FakeLiteLlm;
import dev.llmgateway.testing.FakeLlamaServer;
import dev.llmgateway.testing.FakeOllama;
import dev.llmgateway.testing.GatewayHarness;
import dev.llmgateway.testing.TestHttp;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.junit5.VertxExtension;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * The official Ollama client for Node (ollama-js, pinned in e2e/package.json) uses the gateway as if
 * it were Ollama — version, list, show, chat plain and streamed, a tool call plain and streamed,
 * generate, embed, pull with progress, ps, an unknown model — against each kind of entry: an Ollama
 * entry (fake Ollama), a llama.cpp entry (FakeLlamaServer, which streams like llama-server; the real
 * llama-server is not on this branch yet) and a cloud entry (fake LiteLLM). The client sends a client
 * key, as the gateway asks for one.
 */
@ExtendWith(VertxExtension.class)
class OllamaJsTest {

  private static final Path SCRIPT = Path.of("e2e/ollama-js.mjs");
  private static final String CLIENT_KEY = "client-key-0123456789";
  private static final String CLOUD_KEY = "sk-test-litellm-0123456789";

  private GatewayHarness gateway;
  private TestHttp http;

  @BeforeEach
  void start(Vertx vertx, @TempDir Path dir) throws Exception {
    requireOllamaJs();
    FakeLlamaServer llama = new FakeLlamaServer(vertx, "tiny.gguf");
    FakeLlamaServer embedder = new FakeLlamaServer(vertx, "tiny-embed.gguf").embeddings(true);
    FakeOllama ollama = new FakeOllama(vertx, "qwen2.5:0.5b");
    FakeLiteLlm liteLlm = new FakeLiteLlm(vertx, CLOUD_KEY);
    for (var fake : List.of(llama, embedder, ollama, liteLlm)) {
      Async.await(fake.start());
    }
    gateway = GatewayHarness.start(vertx, dir, """
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
          api_keys: [%s]
        """.formatted(llama.port(), embedder.port(), ollama.port(), liteLlm.port(), CLOUD_KEY, ollama.port(),
        CLIENT_KEY), Map.of());
    http = new TestHttp(vertx, gateway.port());
  }

  @Test
  void ollamaJsUsesAnOllamaEntryAndPullsThroughTheGateway() throws Exception {
    JsonObject seen = run("qwen", "qwen", "nomic-embed-text");
    assertCommon(seen, "Hi from Ollama");
    assertEquals(List.of("pulling manifest", "success"), List.of(
        seen.getJsonArray("pullStatuses").getString(0),
        seen.getJsonArray("pullStatuses").getString(seen.getJsonArray("pullStatuses").size() - 1)));
    assertTrue(seen.getJsonArray("pullStatuses").stream().anyMatch(s -> s.toString().matches("pulling \\w+ \\d+/\\d+")),
        "progress with bytes: " + seen.getJsonArray("pullStatuses"));
    assertEquals(true, seen.getBoolean("pulledListed"));
    assertEquals("Hi from Ollama", seen.getString("pulledChat"));
    assertTrue(seen.getJsonArray("ps").contains("qwen"), seen.encode());
    assertEquals(new JsonArray().add(0.5).add(-0.25).add(0.125).add(0.1),
        seen.getJsonArray("embeddings").getJsonArray(0));
  }

  @Test
  void ollamaJsUsesALlamaCppEntry() throws Exception {
    JsonObject seen = run("llama-chat", "llama-embed", "-");
    assertCommon(seen, "Hello from llama.cpp");
    assertEquals("gguf", seen.getString("showFormat"));
    assertEquals(4, seen.getJsonObject("streamEnd").getInteger("evalCount"));
    assertEquals(new JsonArray().add(0.1).add(0.2).add(0.3), seen.getJsonArray("embeddings").getJsonArray(0));
    assertTrue(seen.getJsonArray("ps").contains("llama-chat"), seen.encode());
  }

  @Test
  void ollamaJsUsesACloudEntry() throws Exception {
    JsonObject seen = run("gpt4o", "gpt4o", "-");
    assertEquals("cloud says hi", seen.getString("chat"));
    assertEquals("cloud says hi", seen.getString("streamed"));
    assertEquals("cloud says hi", seen.getString("generate"));
    assertEquals("cloud says hi", seen.getString("generateStreamed"));
    assertEquals(2, seen.getJsonArray("embeddings").size());
    assertEquals("ResponseError 404", seen.getString("notFound"));
  }

  private void assertCommon(JsonObject seen, String text) {
    String all = seen.encode();
    assertEquals("0.32.15", seen.getString("version"));
    assertEquals(List.of("llama-chat", "llama-embed", "qwen", "gpt4o"),
        seen.getJsonArray("models").getList().subList(0, 4), all);
    assertEquals(text, seen.getString("chat"));
    assertEquals("true stop", seen.getString("chatDone"));
    assertEquals(text, seen.getString("streamed"));
    assertTrue(seen.getInteger("chunks") >= 4, all);
    assertEquals("stop", seen.getJsonObject("streamEnd").getString("reason"));
    JsonObject city = new JsonObject().put("city", "Paris");
    assertEquals("get_weather", seen.getJsonObject("toolCall").getString("name"), all);
    assertEquals(city, seen.getJsonObject("toolCall").getJsonObject("arguments"));
    assertEquals(city, seen.getJsonObject("streamedToolCall").getJsonObject("arguments"), all);
    assertEquals(text, seen.getString("generate"));
    assertEquals(text, seen.getString("generateStreamed"));
    assertEquals(2, seen.getJsonArray("embeddings").size());
    assertEquals("ResponseError 404", seen.getString("notFound"));
  }

  /** Runs the script against the gateway; its one JSON line. Without the key the gateway refuses. */
  private JsonObject run(String model, String embedModel, String pullModel) throws Exception {
    TestHttp.Answer refused = http.get("/api/tags");
    assertEquals(401, refused.status());
    assertTrue(refused.json().containsKey("error"), "Ollama's error shape: " + refused.body());

    Process node = new ProcessBuilder("node", SCRIPT.toString(), "http://127.0.0.1:" + gateway.port(), CLIENT_KEY,
        model, embedModel, pullModel).redirectErrorStream(true).start();
    assertTrue(node.waitFor(60, TimeUnit.SECONDS), "the ollama-js script finished");
    String output = new String(node.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
    assertEquals(0, node.exitValue(), output);
    String last = output.substring(output.lastIndexOf('\n') + 1);
    System.out.println("ollama-js (" + model + ") saw: " + last);
    return new JsonObject(last);
  }

  /** Like the OpenAI SDK test: CI must run it; elsewhere it is skipped with the reason. */
  private static void requireOllamaJs() throws InterruptedException {
    String missing = null;
    try {
      Process p = new ProcessBuilder("node", "--version").redirectErrorStream(true).start();
      if (!p.waitFor(10, TimeUnit.SECONDS) || p.exitValue() != 0) {
        missing = "node does not run";
      }
    } catch (java.io.IOException e) {
      missing = "node is not installed";
    }
    if (missing == null && !Files.isDirectory(Path.of("e2e/node_modules/ollama"))) {
      missing = "ollama-js is not installed (run scripts/test, or npm ci in e2e/)";
    }
    if (System.getenv("CI") != null && missing != null) {
      throw new AssertionError("CI must run the ollama-js test, but " + missing);
    }
    String reason = missing;
    assumeTrue(reason == null, () -> "skipping the ollama-js test: " + reason);
  }
}
