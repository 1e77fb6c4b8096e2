package dev.llmgateway.llamacpp;

import dev.llmgateway.testing.Ports;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.llmgateway.testing.Async;
import dev.llmgateway.testing.GatewayHarness;
import dev.llmgateway.testing.TestHttp;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.RequestOptions;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.junit5.VertxExtension;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * The official Anthropic SDK through the gateway to a real {@code llama-server}: once as it is (it
 * serves {@code /v1/messages} and {@code count_tokens} itself: passed through), once behind a front
 * that answers those 404 as builds before them did (translated to and from its chat completions).
 */
@Tag("llama-server")
@ExtendWith(VertxExtension.class)
class AnthropicLlamaServerTest {

  @TempDir
  static Path shared;

  private static RealLlamaServer real;
  private static Path models;

  @TempDir
  Path dir;

  @BeforeAll
  static void models() throws Exception {
    real = RealLlamaServer.find();
    if (real == null) {
      return; // the test says why it is skipped
    }
    models = Files.createDirectories(shared.resolve("models"));
    TinyModel.chat(real.vocab(), models.resolve("tiny-chat.gguf"));
  }

  @BeforeEach
  void needsARealServerAndNode() throws Exception {
    real = RealLlamaServer.require();
    boolean sdk = Files.isDirectory(Path.of("e2e/node_modules/@anthropic-ai/sdk"));
    if (System.getenv("CI") != null && !sdk) {
      throw new AssertionError("CI must run the Anthropic SDK test, but e2e/node_modules has no @anthropic-ai/sdk");
    }
    assumeTrue(sdk, "skipping: the Anthropic SDK is not installed (run scripts/test, or npm ci in e2e/)");
  }

  @Test
  void anthropicSdkPassedThroughAndTranslated(Vertx vertx) throws Exception {
    int port = Ports.free();
    HttpServer front = olderBuild(vertx, port);
    GatewayHarness gateway = GatewayHarness.start(vertx, dir, """
        model_path: %s
        gateway:
          llama_server:
            command: %s
          state_dir: state
        llama_cpp:
          ctx_size: 256
          threads: 1
        local_models:
          - {id: tiny, path: tiny-chat.gguf, port: %d}
          - {id: older, path: tiny-chat.gguf, port: %d}
        main_llm_local: local_models/tiny
        """.formatted(models, real.binary(), port, front.actualPort()), Map.of());
    TestHttp http = new TestHttp(vertx, gateway.port());
    Async.until("tiny running", () -> "running".equals(Async.quietly(() -> state(http, "tiny"))),
        Duration.ofSeconds(60));

    for (String model : List.of("tiny", "older")) {
      JsonObject seen = sdk(gateway.port(), model);
      String all = model + ": " + seen.encode();
      assertFalse(seen.getString("text").isBlank(), all);
      assertEquals("max_tokens", seen.getString("stopReason"), "the tiny model never picks EOS: " + all);
      assertEquals(64, seen.getInteger("outputTokens"), all);
      assertFalse(seen.getString("streamed").isBlank(), all);
      JsonArray events = seen.getJsonArray("events");
      for (String type : List.of("message_start", "content_block_start", "content_block_delta",
          "content_block_stop", "message_delta")) {
        assertTrue(events.contains(type), type + " in " + all);
      }
      assertEquals("message_stop", events.getString(events.size() - 1), all);
      assertTrue(seen.getInteger("inputTokens") > 0, all);
      assertEquals("NotFoundError 404 not_found_error", seen.getString("notFound"), all);
      assertEquals("BadRequestError 400 invalid_request_error", seen.getString("badRequest"), all);
    }
    assertEquals(new JsonObject().put("/v1/messages", "native").put("/v1/messages/count_tokens", "native"),
        apis(http, "tiny"));
    assertEquals(new JsonObject().put("/v1/messages", "translated").put("/v1/messages/count_tokens", "translated"),
        apis(http, "older"));
  }

  @Test
  void openAiResponsesAndVercelsDefaultProviderPassThrough(Vertx vertx) throws Exception {
    GatewayHarness gateway = GatewayHarness.start(vertx, dir, """
        model_path: %s
        gateway:
          llama_server:
            command: %s
          state_dir: state
        llama_cpp:
          ctx_size: 256
          threads: 1
          predict: 16
        local_models:
          - {id: tiny, path: tiny-chat.gguf, port: %d}
        main_llm_local: local_models/tiny
        """.formatted(models, real.binary(), Ports.free()), Map.of());
    JsonObject seen = node(List.of("e2e/responses-sdks.mjs", "http://127.0.0.1:" + gateway.port() + "/v1", "main",
        "unused"));
    for (String key : List.of("openai", "openaiStreamed", "vercel", "vercelStreamed")) {
      assertFalse(seen.getString(key).isBlank(), key + ": " + seen.encode());
    }
    assertEquals(true, seen.getBoolean("openaiCompleted"), seen.encode());
    // llama-server's stream lacks fields Vercel's SDK checks; the gateway adds them (ResponsesEvents).
    assertEquals("stop", seen.getString("vercelFinish"), seen.encode());
  }

  /** The real server as a build before the Messages API: 404 File Not Found there, the rest passed on. */
  private static HttpServer olderBuild(Vertx vertx, int port) {
    HttpClient client = vertx.createHttpClient();
    return Async.await(vertx.createHttpServer().requestHandler(req -> {
      if (req.path().startsWith("/v1/messages")) {
        req.response().setStatusCode(404).putHeader("Content-Type", "application/json")
            .end("{\"error\":{\"code\":404,\"message\":\"File Not Found\",\"type\":\"not_found_error\"}}");
        return;
      }
      forward(client, req, port);
    }).listen(0, "127.0.0.1"));
  }

  private static void forward(HttpClient client, HttpServerRequest req, int port) {
    req.body().compose(body -> client.request(new RequestOptions().setMethod(req.method()).setHost("127.0.0.1")
            .setPort(port).setURI(req.uri()).putHeader("Content-Type", "application/json"))
        .compose(up -> up.send(body).compose(resp -> {
          req.response().setStatusCode(resp.statusCode());
          String type = resp.getHeader("Content-Type");
          if (type != null) {
            req.response().putHeader("Content-Type", type);
          }
          req.response().setChunked(true);
          return resp.pipeTo(req.response());
        })))
        .onFailure(err -> {
          if (!req.response().headWritten()) {
            req.response().setStatusCode(502).end();
          }
        });
  }

  private JsonObject sdk(int gatewayPort, String model) throws Exception {
    return node(List.of("e2e/anthropic-sdk.mjs", "http://127.0.0.1:" + gatewayPort, model, "unused", "no-tools"));
  }

  /** Runs a script (its output to a file: a full pipe would stall it); its last line, as JSON. */
  private JsonObject node(List<String> args) throws Exception {
    List<String> command = new java.util.ArrayList<>(List.of("node"));
    command.addAll(args);
    Path log = Files.createTempFile(dir, "node", ".log");
    Process p = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile()).start();
    assertTrue(p.waitFor(50, TimeUnit.SECONDS), "the SDK script finished");
    String output = Files.readString(log, StandardCharsets.UTF_8).trim();
    assertEquals(0, p.exitValue(), output);
    String last = output.substring(output.lastIndexOf('\n') + 1);
    System.out.println(args.get(0) + " -> real llama-server (" + args.get(2) + ") saw: "
        + (last.length() > 300 ? last.substring(0, 300) + "..." : last));
    return new JsonObject(last);
  }

  private static String state(TestHttp http, String id) throws Exception {
    for (Object o : http.get("/admin/models").json().getJsonArray("models")) {
      JsonObject row = (JsonObject) o;
      if (id.equals(row.getString("id"))) {
        return row.getString("state");
      }
    }
    return null;
  }

  private static JsonObject apis(TestHttp http, String id) throws Exception {
    for (Object o : http.get("/admin/models").json().getJsonArray("models")) {
      JsonObject row = (JsonObject) o;
      if (id.equals(row.getString("id"))) {
        return row.getJsonObject("apis", new JsonObject());
      }
    }
    throw new AssertionError("no model " + id);
  }

}
