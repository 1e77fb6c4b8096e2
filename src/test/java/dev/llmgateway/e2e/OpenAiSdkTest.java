package dev.llmgateway.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.llmgateway.testing.Async;
import dev.llmgateway.testing.FakeOllama;
import dev.llmgateway.testing.GatewayHarness;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.junit5.VertxExtension;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * The official OpenAI SDKs for Node and Python (installed into e2e/ by scripts/test) list models,
 * chat (streaming and not) and embed (base64, the SDKs' default, and float) through the gateway to an
 * Ollama entry. In CI the Node SDK must be there; a test is otherwise skipped with a reason when its
 * runtime or SDK is missing.
 */
@ExtendWith(VertxExtension.class)
class OpenAiSdkTest {

  private static final Path NODE_SCRIPT = Path.of("e2e/openai-sdk.mjs");
  private static final Path PYTHON_SCRIPT = Path.of("e2e/openai_sdk.py");
  /** The virtual environment scripts/test makes and installs the Python SDK into. */
  private static final Path PYTHON = Path.of("e2e/.venv/bin/python");

  @Test
  void officialNodeClientListsModelsChatsAndEmbedsThroughAnOllamaEntry(Vertx vertx, @TempDir Path dir)
      throws Exception {
    requireNodeSdk();
    assertSeen(run(vertx, dir, "node", NODE_SCRIPT.toString()));
  }

  @Test
  void officialPythonClientListsModelsChatsAndEmbedsThroughAnOllamaEntry(Vertx vertx, @TempDir Path dir)
      throws Exception {
    requirePythonSdk();
    assertSeen(run(vertx, dir, PYTHON.toString(), PYTHON_SCRIPT.toString()));
  }

  /** Runs an SDK script against a gateway whose main model is an Ollama entry; its one JSON line. */
  private static JsonObject run(Vertx vertx, Path dir, String... command) throws Exception {
    FakeOllama ollama = new FakeOllama(vertx, "qwen2.5:0.5b");
    Async.await(ollama.start());
    GatewayHarness gateway = GatewayHarness.start(vertx, dir, """
        local_models:
          - id: Ollama-qwen2.5-0.5b
            type: ollama
            path: qwen2.5:0.5b
            port: %d
        main_llm_local: local_models/Ollama-qwen2.5-0.5b
        """.formatted(ollama.port()), Map.of());

    List<String> args = new ArrayList<>(List.of(command));
    args.add("http://127.0.0.1:" + gateway.port() + "/v1");
    args.add("main");
    Process sdk = new ProcessBuilder(args).redirectErrorStream(true).start();
    assertTrue(sdk.waitFor(60, TimeUnit.SECONDS), "the SDK script finished");
    String output = new String(sdk.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
    assertEquals(0, sdk.exitValue(), output);
    System.out.println("OpenAI SDK (" + command[0] + ") saw: " + output.substring(output.lastIndexOf('\n') + 1));
    return new JsonObject(output.substring(output.lastIndexOf('\n') + 1));
  }

  private static void assertSeen(JsonObject seen) {
    String output = seen.encode();
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

  private static void requireNodeSdk() throws InterruptedException {
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

  /**
   * Installed from PyPI by scripts/test when the machine reaches it. Our CI machines are promised
   * Maven Central, Debian and npm only, so unlike the Node test this one is skipped (with the reason
   * printed) wherever the SDK could not be installed, CI included.
   */
  private static void requirePythonSdk() throws InterruptedException {
    String missing = null;
    if (!Files.isExecutable(PYTHON)) {
      missing = PYTHON + " does not exist (scripts/test makes it when python3 and PyPI are there)";
    } else {
      try {
        Process p = new ProcessBuilder(PYTHON.toString(), "-c", "import openai").redirectErrorStream(true).start();
        if (!p.waitFor(30, TimeUnit.SECONDS) || p.exitValue() != 0) {
          missing = "the OpenAI Python SDK is not installed in " + PYTHON;
        }
      } catch (java.io.IOException e) {
        missing = PYTHON + " does not run";
      }
    }
    String reason = missing;
    if (reason != null) {
      System.out.println("skipping the OpenAI Python SDK test: " + reason);
    }
    assumeTrue(reason == null, () -> "skipping the OpenAI Python SDK test: " + reason);
  }
}
