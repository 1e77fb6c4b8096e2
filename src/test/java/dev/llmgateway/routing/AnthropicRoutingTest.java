package dev.llmgateway.routing;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.llmgateway.testing.Async;
import dev.llmgateway.testing.FakeBackend;
import dev.llmgateway.testing.FakeLiteLlm;
import dev.llmgateway.testing.FakeLlamaServer;
import dev.llmgateway.testing.GatewayHarness;
import dev.llmgateway.testing.Sse;
import dev.llmgateway.testing.TestHttp;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.junit5.VertxExtension;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code /v1/messages} takes the same path as chat completions: mix mode's fallback before the first
 * byte, and a client that leaves closes the backend request — translated streams included.
 */
@ExtendWith(VertxExtension.class)
class AnthropicRoutingTest {

  private FakeLlamaServer local;
  private FakeLiteLlm cloud;
  private TestHttp http;

  @BeforeEach
  void start(Vertx vertx, @TempDir Path dir) throws Exception {
    local = new FakeLlamaServer(vertx, "local.gguf").anthropic(false);
    cloud = new FakeLiteLlm(vertx, null);
    Async.await(local.start());
    Async.await(cloud.start());
    GatewayHarness gateway = GatewayHarness.start(vertx, dir, """
        local_models:
          - {id: local-main, path: local.gguf, host: 127.0.0.1, port: %d}
        cloud_models:
          - {id: cloud-main, path: anthropic/claude-sonnet, host: 127.0.0.1, port: %d}
        main_llm_mode: mix
        main_llm_local: local_models/local-main
        main_llm_cloud: cloud_models/cloud-main
        hybrid_router:
          default_route: local
          fallback_on_llm_error: true
          show_route_in_response: true
        """.formatted(local.port(), cloud.port()), Map.of());
    http = new TestHttp(vertx, gateway.port());
  }

  private static String ask(String model, boolean stream) {
    return new JsonObject().put("model", model).put("max_tokens", 32).put("stream", stream)
        .put("messages", new JsonArray().add(new JsonObject().put("role", "user").put("content", "Say hi")))
        .encode();
  }

  @Test
  void mixModeFallsBackToTheCloudBeforeTheFirstByte() throws Exception {
    local.mode(FakeBackend.Mode.SERVER_ERROR);
    TestHttp.Answer answer = http.postJson("/v1/messages", ask("main", false));
    assertEquals(200, answer.status(), answer.body());
    assertEquals("cloud", answer.headers().get("X-LLM-Route"));
    assertEquals("cloud says hi", answer.json().getJsonArray("content").getJsonObject(0).getString("text"));
    assertEquals("anthropic/claude-sonnet", cloud.lastRequest().json().getString("model"));
  }

  @Test
  void aClientThatLeavesATranslatedStreamClosesTheBackendRequest() throws Exception {
    Promise<Void> never = Promise.promise();
    local.holdAfterFirstChunk(never.future());
    TestHttp.Stream stream = http.openStream("/v1/messages", ask("local-main", true));
    assertEquals("message_start", Sse.next(stream).name());
    assertTrue(local.requests().stream().anyMatch(r -> r.path().equals("/v1/chat/completions")), "translated");
    stream.abort();
    Async.await("the backend request closed", local.upstreamClosed());
  }
}
