package dev.llmgateway.cli;

import dev.llmgateway.testing.Ports;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.llmgateway.bus.OllamaBus;
import dev.llmgateway.config.ClusterSettings;
import dev.llmgateway.testing.Async;
import dev.llmgateway.testing.FakeOllama;
import dev.llmgateway.testing.GatewayHarness;
import dev.llmgateway.testing.TestHttp;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Two gateways on clustered Vert.x instances joined over TCP/IP on loopback: they form one cluster,
 * a pull started on one streams to an SSE client on the other, set-main on one edits every node's llm.yml, and each keeps its own config, catalog and processes (node-local
 * addresses). Slow (Hazelcast), hence the tag.
 */
@Tag("cluster")
class ClusterTest {

  private static final Duration JOIN = Duration.ofSeconds(90);


  private static String models(String id, int ollamaPort) {
    return """
        gateway:
          ollama_url: http://127.0.0.1:%d
        cloud_models:
          - id: %s
            path: openai/gpt-4o
          - id: first
            path: openai/gpt-4o
          - id: second
            path: openai/gpt-4o-mini
        main_llm_mode: cloud
        main_llm_cloud: cloud_models/first
        """.formatted(ollamaPort, id);
  }

  @Test
  void twoGatewaysJoinShareProgressAndKeepTheirOwnConfig(@TempDir Path dir) throws Exception {
    int portA = Ports.free();
    int portB = Ports.free();
    List<String> members = List.of("127.0.0.1:" + portA, "127.0.0.1:" + portB);
    Future<Vertx> startA = ClusteredVertx.start(new ClusterSettings(true, members, null, portA), "a.yml");
    Future<Vertx> startB = ClusteredVertx.start(new ClusterSettings(true, members, null, portB), "b.yml");
    Vertx a = Async.await("node A joins", startA, JOIN);
    Vertx b = Async.await("node B joins", startB, JOIN);
    try {
      Files.createDirectories(dir.resolve("a"));
      Files.createDirectories(dir.resolve("b"));
      FakeOllama ollama = new FakeOllama(a, "qwen2.5:7b");
      Async.await(ollama.start());
      GatewayHarness gatewayA = GatewayHarness.start(a, dir.resolve("a"), models("only-on-a", ollama.port()),
          Map.of());
      GatewayHarness gatewayB = GatewayHarness.start(b, dir.resolve("b"), models("only-on-b", ollama.port()),
          Map.of());

      // A pull started on A streams to an SSE client on B, to its end.
      Promise<Void> release = Promise.promise();
      ollama.holdPulls(release.future());
      TestHttp.Answer pull = new TestHttp(a, gatewayA.port()).postJson("/admin/ollama/pulls",
          new JsonObject().put("model", "qwen2.5:0.5b").encode());
      assertEquals(202, pull.status(), pull.body());
      TestHttp.Stream events = new TestHttp(b, gatewayB.port()).openEvents(pull.json().getString("events"));
      assertEquals(200, events.response().statusCode());
      assertTrue(events.nextEvent().contains("qwen2.5:0.5b"));
      release.complete();
      String rest = events.rest();
      assertTrue(rest.contains("event: done"), rest);

      // Pull progress published on A reaches a listener on B.
      Promise<JsonObject> seen = Promise.promise();
      Async.await(TestHttp.onLoop(b, () -> b.eventBus().<JsonObject>consumer(OllamaBus.pull("job-1"),
          msg -> seen.tryComplete(msg.body())).completion()));
      Async.until("A's progress reaches B", () -> {
        a.eventBus().publish(OllamaBus.pull("job-1"), new JsonObject().put("completed", 42));
        return seen.future().isComplete();
      }, JOIN);
      assertEquals(42, seen.future().result().getInteger("completed"));

      // Node-local addresses stay local: each node answers with its own config.
      for (int i = 0; i < 4; i++) {
        String onA = new TestHttp(a, gatewayA.port()).get("/v1/models").body();
        String onB = new TestHttp(b, gatewayB.port()).get("/v1/models").body();
        assertTrue(onA.contains("only-on-a") && !onA.contains("only-on-b"), onA);
        assertTrue(onB.contains("only-on-b") && !onB.contains("only-on-a"), onB);
      }

      // PUT /admin/main on B edits A's llm.yml too (through A's own config verticle).
      TestHttp.Answer set = new TestHttp(b, gatewayB.port()).send(io.vertx.core.http.HttpMethod.PUT,
          "/admin/main", "{\"model\": \"cloud_models/second\"}", "application/json");
      assertEquals(200, set.status(), set.body());
      Async.until("A follows B's set-main", () -> Async.quietly(() -> Files.readString(
          dir.resolve("a").resolve("llm.yml"))).contains("main_llm_cloud: cloud_models/second"), JOIN);
      assertTrue(Files.readString(gatewayB.configFile()).contains("main_llm_cloud: cloud_models/second"));
    } finally {
      Async.await("A leaves", a.close(), JOIN);
      Async.await("B leaves", b.close(), JOIN);
    }
  }
}
