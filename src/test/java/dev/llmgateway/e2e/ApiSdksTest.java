package dev.llmgateway.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.llmgateway.testing.Async;
import dev.llmgateway.testing.FakeBackend;
import dev.llmgateway.testing.FakeLiteLlm;
import dev.llmgateway.testing.FakeLlamaServer;
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
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * The official Anthropic SDK, the OpenAI SDK's {@code responses} and Vercel's AI SDK (whose default
 * OpenAI provider calls {@code /v1/responses}) through the gateway, to a llama.cpp entry that serves
 * the Messages API itself (a fake mirroring llama-server's), an Ollama entry that serves it (>= 0.14),
 * one too old to (translated), and a cloud entry (LiteLLM). The scripts are in e2e/; in CI the Node
 * SDKs must be there, elsewhere the test is skipped with the reason when they are not.
 */
@ExtendWith(VertxExtension.class)
class ApiSdksTest {

  private static final String KEY = "sk-gateway-e2e";

  private GatewayHarness gateway;
  private Path dir;

  @BeforeEach
  void start(Vertx vertx, @TempDir Path dir) throws Exception {
    this.dir = dir;
    requireNode();
    FakeLlamaServer llama = new FakeLlamaServer(vertx, "tiny.gguf");
    FakeOllama ollama = new FakeOllama(vertx, "qwen2.5:0.5b");
    FakeOllama oldOllama = new FakeOllama(vertx, "qwen2.5:0.5b").version("0.12.6");
    FakeLiteLlm liteLlm = new FakeLiteLlm(vertx, null);
    for (FakeBackend b : List.of(llama, ollama, oldOllama, liteLlm)) {
      Async.await(b.start());
    }
    gateway = GatewayHarness.start(vertx, dir, """
        local_models:
          - {id: llama, path: tiny.gguf, host: 127.0.0.1, port: %d}
          - {id: ollama, type: ollama, path: "qwen2.5:0.5b", port: %d}
          - {id: old-ollama, type: ollama, path: "qwen2.5:0.5b", port: %d}
        cloud_models:
          - {id: claude, path: anthropic/claude-sonnet, host: 127.0.0.1, port: %d}
        main_llm_mode: cloud
        main_llm_cloud: cloud_models/claude
        gateway:
          api_keys: [%s]
        """.formatted(llama.port(), ollama.port(), oldOllama.port(), liteLlm.port(), KEY), Map.of());
  }

  @Test
  void anthropicSdkReachesEveryKindOfEntry() throws Exception {
    // model, its text, its count_tokens (native counts from the fakes, estimates when translated)
    Object[][] cases = {
        {"llama", "Hello from llama.cpp", 5},
        {"ollama", "Hi from Ollama", 6},
        {"old-ollama", "Hi from Ollama", 6},
        {"claude", "cloud says hi", 5},
    };
    for (Object[] c : cases) {
      String model = (String) c[0];
      JsonObject seen = run("e2e/anthropic-sdk.mjs", "http://127.0.0.1:" + gateway.port(), model, KEY);
      String all = model + ": " + seen.encode();
      assertEquals(c[1], seen.getString("text"), all);
      assertEquals("end_turn", seen.getString("stopReason"), all);
      assertEquals(c[1], seen.getString("streamed"), all);
      assertEquals("end_turn", seen.getString("streamStopReason"), all);
      JsonArray events = seen.getJsonArray("events");
      for (String type : List.of("message_start", "content_block_start", "content_block_delta",
          "content_block_stop", "message_delta")) {
        assertTrue(events.contains(type), type + " in " + all);
      }
      assertEquals("message_stop", events.getString(events.size() - 1), all);
      assertEquals("tool_use", seen.getString("toolStop"), all);
      assertEquals("get_weather", seen.getString("toolName"), all);
      assertEquals(new JsonObject().put("city", "Paris"), seen.getJsonObject("toolInput"), all);
      assertEquals("It is sunny", seen.getString("afterTool"), all);
      assertEquals(c[2], seen.getInteger("inputTokens"), all);
      assertEquals("NotFoundError 404 not_found_error", seen.getString("notFound"), all);
      assertEquals("BadRequestError 400 invalid_request_error", seen.getString("badRequest"), all);
    }
  }

  @Test
  void openAiResponsesAndVercelsDefaultProviderReachEveryKindOfEntry() throws Exception {
    Object[][] cases = {
        {"llama", "Hello from llama.cpp"},
        {"ollama", "Hi from Ollama"},
        {"claude", "cloud says hi"},
    };
    for (Object[] c : cases) {
      JsonObject seen = run("e2e/responses-sdks.mjs", "http://127.0.0.1:" + gateway.port() + "/v1", (String) c[0],
          KEY);
      String all = c[0] + ": " + seen.encode();
      assertEquals(c[1], seen.getString("openai"), all);
      assertEquals(c[1], seen.getString("openaiStreamed"), all);
      assertEquals(true, seen.getBoolean("openaiCompleted"), all);
      assertEquals(c[1], seen.getString("vercel"), all);
      assertEquals(c[1], seen.getString("vercelStreamed"), all);
      assertEquals("stop", seen.getString("vercelFinish"), all);
    }
  }

  /** Runs a script (its output to a file: a full pipe would stall it); its last line, as JSON. */
  private JsonObject run(String script, String... args) throws Exception {
    List<String> command = new ArrayList<>(List.of("node", script));
    command.addAll(List.of(args));
    Path log = Files.createTempFile(dir, "node", ".log");
    Process p = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile()).start();
    assertTrue(p.waitFor(90, TimeUnit.SECONDS), script + " finished");
    String output = Files.readString(log, StandardCharsets.UTF_8).trim();
    assertEquals(0, p.exitValue(), output);
    String last = output.substring(output.lastIndexOf('\n') + 1);
    System.out.println(script + " " + args[1] + " saw: " + last);
    return new JsonObject(last);
  }

  private static void requireNode() throws InterruptedException {
    String missing = null;
    try {
      Process p = new ProcessBuilder("node", "--version").redirectErrorStream(true).start();
      if (!p.waitFor(10, TimeUnit.SECONDS) || p.exitValue() != 0) {
        missing = "node does not run";
      }
    } catch (java.io.IOException e) {
      missing = "node is not installed";
    }
    for (String sdk : List.of("@anthropic-ai/sdk", "openai", "ai", "@ai-sdk/openai")) {
      if (missing == null && !Files.isDirectory(Path.of("e2e/node_modules").resolve(sdk))) {
        missing = sdk + " is not installed (run scripts/test, or npm ci in e2e/)";
      }
    }
    if (System.getenv("CI") != null && missing != null) {
      throw new AssertionError("CI must run the SDK tests, but " + missing);
    }
    String reason = missing;
    assumeTrue(reason == null, () -> "skipping the SDK tests: " + reason);
  }
}
