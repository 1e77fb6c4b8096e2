package dev.llmgateway.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.llmgateway.testing.FakeOllama;
import dev.llmgateway.testing.GatewayHarness;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.junit5.VertxExtension;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * The official OpenAI Node SDK (installed into e2e/ by scripts/test) lists models, chats (streaming
 * and not) and embeds (base64, the SDK's default, and float) through the gateway to an Ollama entry. In CI the SDK must be there; elsewhere the test is
 * skipped with a reason when Node or the SDK is missing.
 */
@ExtendWith(VertxExtension.class)
class OpenAiSdkTest {

  private static final Path SCRIPT = Path.of("e2e/openai-sdk.mjs");

  @Test
  void officialNodeClientListsModelsChatsAndEmbedsThroughAnOllamaEntry(Vertx vertx, @TempDir Path dir)
      throws Exception {
    requireSdk();
    FakeOllama ollama = new FakeOllama(vertx, "qwen2.5:0.5b");
    ollama.start().await(5, TimeUnit.SECONDS);
    GatewayHarness gateway = GatewayHarness.start(vertx, dir, """
        local_models:
          - id: Ollama-qwen2.5-0.5b
            type: ollama
            path: qwen2.5:0.5b
            port: %d
        main_llm_local: local_models/Ollama-qwen2.5-0.5b
        """.formatted(ollama.port()), Map.of());

    Process node = new ProcessBuilder("node", SCRIPT.toString(),
        "http://127.0.0.1:" + gateway.port() + "/v1", "main").redirectErrorStream(true).start();
    assertTrue(node.waitFor(60, TimeUnit.SECONDS), "the SDK script finished");
    String output = new String(node.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
    assertEquals(0, node.exitValue(), output);

    JsonObject seen = new JsonObject(output.substring(output.lastIndexOf('\n') + 1));
    assertEquals("Ollama-qwen2.5-0.5b", seen.getJsonArray("models").getString(0));
    assertEquals("Hi from Ollama", seen.getString("chat"));
    assertEquals("qwen2.5:0.5b", seen.getString("chatModel"));
    assertEquals("Hi from Ollama", seen.getString("streamed"));
    assertTrue(seen.getInteger("chunks") >= 4, output);
    assertEquals(7, seen.getInteger("usage"));
    assertEquals("NotFoundError 404 model_not_found", seen.getString("notFound"));

    JsonArray embeddings = seen.getJsonArray("embeddings");
    assertEquals(2, embeddings.size());
    assertEmbedding(new double[] {0.5, -0.25, 0.125, 0.1}, embeddings.getJsonArray(0));
    assertEmbedding(new double[] {0.5, -0.25, 0.25, 0.1}, embeddings.getJsonArray(1));
    assertEquals("qwen2.5:0.5b", seen.getString("embeddingModel"));
    assertEmbedding(new double[] {0.5, -0.25, 0.125, 0.1}, seen.getJsonArray("floatEmbedding"));
  }

  /** Decoded from float32, 0.1 comes back as 0.10000000149011612. */
  private static void assertEmbedding(double[] expected, JsonArray actual) {
    assertEquals(expected.length, actual.size(), actual.encode());
    for (int i = 0; i < expected.length; i++) {
      assertEquals(expected[i], actual.getDouble(i), 1e-6, actual.encode());
    }
  }

  private static void requireSdk() throws InterruptedException {
    boolean ci = System.getenv("CI") != null;
    String missing = null;
    try {
      Process p = new ProcessBuilder("node", "--version").redirectErrorStream(true).start();
      if (!p.waitFor(10, TimeUnit.SECONDS) || p.exitValue() != 0) {
        missing = "node does not run";
      }
    } catch (java.io.IOException e) {
      missing = "node is not installed";
    }
    if (missing == null && !Files.isDirectory(Path.of("e2e/node_modules/openai"))) {
      missing = "the OpenAI SDK is not installed (run scripts/test, or npm ci in e2e/)";
    }
    if (ci && missing != null) {
      throw new AssertionError("CI must run the OpenAI SDK test, but " + missing);
    }
    String reason = missing;
    assumeTrue(reason == null, () -> "skipping the OpenAI SDK test: " + reason);
  }
}
