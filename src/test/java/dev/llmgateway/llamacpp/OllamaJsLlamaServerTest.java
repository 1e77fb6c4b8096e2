package dev.llmgateway.llamacpp;

import dev.llmgateway.testing.Ports;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.llmgateway.testing.Async;
import dev.llmgateway.testing.GatewayHarness;
import dev.llmgateway.testing.TestHttp;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.junit5.VertxExtension;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * ollama-js through the gateway to a llama.cpp entry on the real {@code llama-server} (a
 * {@link TinyModel} the gateway starts): version, list, show, chat plain and streamed, generate plain
 * and streamed, embed (a second server started for embeddings), ps and an unknown model — every
 * answer translated from llama-server's own chat completions, with its token counts. Tool calls are
 * left out here: a model with random weights calls no tool (OllamaJsTest covers them on the fake).
 */
@Tag("llama-server")
@ExtendWith(VertxExtension.class)
class OllamaJsLlamaServerTest {

  private static final Path SCRIPT = Path.of("e2e/ollama-js.mjs");
  private static final int TOKENS = 8;

  @TempDir
  Path dir;

  @Test
  void ollamaJsUsesALlamaCppEntryOnTheRealServer(Vertx vertx) throws Exception {
    RealLlamaServer real = RealLlamaServer.require();
    assumeTrue(Files.isDirectory(Path.of("e2e/node_modules/ollama")) || System.getenv("CI") != null,
        "ollama-js is not installed (npm ci in e2e/)");
    Path models = Files.createDirectories(dir.resolve("models"));
    TinyModel.chat(real.vocab(), models.resolve("tiny-chat.gguf"));
    TinyModel.embedding(real.vocab(), models.resolve("tiny-embedding.gguf"));
    GatewayHarness gw = GatewayHarness.start(vertx, dir, """
        model_path: %s
        gateway:
          llama_server:
            command: %s
          state_dir: state
          ollama_discovery: false
        llama_cpp:
          ctx_size: 256
          threads: 1
          embedding:
            pooling: mean
        local_models:
          - id: tiny
            path: tiny-chat.gguf
            port: %d
          - id: embed
            path: tiny-embedding.gguf
            port: %d
        main_llm_local: tiny
        embedding_llm: embed
        """.formatted(models, real.binary(), Ports.free(), Ports.free()), Map.of());
    TestHttp http = new TestHttp(vertx, gw.port());
    Async.until("tiny running", () -> "running".equals(http.processState("tiny")), Duration.ofSeconds(60));

    ProcessBuilder node = new ProcessBuilder("node", SCRIPT.toString(), "http://127.0.0.1:" + gw.port(), "none",
        "tiny", "embed", "-").redirectErrorStream(true);
    node.environment().put("OLLAMA_OPTIONS", new JsonObject().put("num_predict", TOKENS).put("temperature", 0).encode());
    node.environment().put("SKIP_TOOLS", "1");
    Process script = node.start();
    assertTrue(script.waitFor(120, TimeUnit.SECONDS), "the ollama-js script finished");
    String output = new String(script.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
    assertEquals(0, script.exitValue(), output);
    String last = output.substring(output.lastIndexOf('\n') + 1);
    System.out.println("ollama-js (llama-server) saw: " + last);
    JsonObject seen = new JsonObject(last);

    assertEquals(new JsonArray().add("tiny").add("embed"), seen.getJsonArray("models"));
    assertEquals("gguf", seen.getString("showFormat"));
    assertEquals("true length", seen.getString("chatDone"), "num_predict became max_tokens: " + last);
    assertTrue(seen.getValue("chat") instanceof String);
    assertEquals("length", seen.getJsonObject("streamEnd").getString("reason"));
    assertEquals(TOKENS, seen.getJsonObject("streamEnd").getInteger("evalCount"), "llama-server's own count");
    assertTrue(seen.getInteger("chunks") >= 2, last);
    assertTrue(seen.getValue("generate") instanceof String);
    JsonArray embeddings = seen.getJsonArray("embeddings");
    assertEquals(2, embeddings.size());
    assertEquals(TinyModel.N_EMBD, embeddings.getJsonArray(0).size());
    assertTrue(seen.getJsonArray("ps").contains("tiny"), last);
    assertEquals("ResponseError 404", seen.getString("notFound"));
  }


}
