package dev.llmgateway.cli;

import dev.llmgateway.testing.Ports;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.llmgateway.Gateway;
import dev.llmgateway.config.ClusterSettings;
import dev.llmgateway.testing.Async;
import dev.llmgateway.testing.FakeLlamaServerMain;
import dev.llmgateway.testing.GatewayHarness;
import dev.llmgateway.testing.TestHttp;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
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
 * Two gateways of one cluster (clustered Vert.x instances in this JVM, joined on loopback) with the
 * same llama.cpp model in their llm.yml: once it is loaded on A, a request for it on B is served by
 * A (B does not load a second copy) over HTTPS, streamed, with {@code X-LLM-Node}, under B's and A's client
 * keys; both nodes' {@code /admin/models} say where it runs. A model only A has an entry for is
 * served by A through B while A runs it. When A unloads the shared one, B serves it itself.
 */
@Tag("cluster")
class ClusterForwardTest {

  private static final Duration JOIN = Duration.ofSeconds(90);
  private static final String KEY = "sk-cluster-key";
  /** Both nodes serve HTTPS (gateway.tls): a request passed between them goes over TLS too. */
  private static final Path TLS = Path.of("src/test/resources/tls").toAbsolutePath();


  private static String config(Path llamaServer, int modelPort, String more) {
    return """
        model_path: models
        gateway:
          api_keys: [%3$s]
          tls:
            cert: %5$s
            key: %6$s
          stop_grace_seconds: 2
          shutdown_grace_seconds: 1
          llama_server:
            command: %1$s
        local_models:
          - id: tiny
            path: tiny.gguf
            port: %2$d
        %4$s
        """.formatted(llamaServer, modelPort, KEY, more.indent(2).stripTrailing(), TLS.resolve("cert.pem"),
        TLS.resolve("key.pem"));
  }

  @Test
  void aModelLoadedOnOneNodeAnswersThroughTheOther(@TempDir Path dir) throws Exception {
    int clusterA = Ports.free();
    int clusterB = Ports.free();
    List<String> members = List.of("127.0.0.1:" + clusterA, "127.0.0.1:" + clusterB);
    Future<Vertx> startA = ClusteredVertx.start(new ClusterSettings(true, members, null, clusterA), "a.yml");
    Future<Vertx> startB = ClusteredVertx.start(new ClusterSettings(true, members, null, clusterB), "b.yml");
    Vertx a = Async.await("node A joins", startA, JOIN);
    Vertx b = Async.await("node B joins", startB, JOIN);
    String nameA = "127.0.0.1:" + clusterA;
    String nameB = "127.0.0.1:" + clusterB;
    try {
      Path llamaServer = FakeLlamaServerMain.install(dir.resolve("bin"));
      for (String node : List.of("a", "b")) {
        Files.createDirectories(dir.resolve(node).resolve("models"));
        Files.writeString(dir.resolve(node).resolve("models/tiny.gguf"), "load_ms=100\n");
      }
      GatewayHarness gatewayA = GatewayHarness.start(a, dir.resolve("a"), config(llamaServer, Ports.free(), """
          - id: only-on-a
            path: tiny.gguf
            port: %d
          """.formatted(Ports.free())), Map.of(),
          new Gateway.ClusterNode(nameA, "127.0.0.1"));
      GatewayHarness gatewayB = GatewayHarness.start(b, dir.resolve("b"), config(llamaServer, Ports.free(), ""), Map.of(),
          new Gateway.ClusterNode(nameB, "127.0.0.1"));
      TestHttp httpA = TestHttp.https(a, gatewayA.port(), TLS.resolve("cert.pem"));
      TestHttp httpB = TestHttp.https(b, gatewayB.port(), TLS.resolve("cert.pem"));
      Map<String, String> key = Map.of("Authorization", "Bearer " + KEY);

      // Loaded on A by a request there: A serves it, and says so.
      TestHttp.Answer onA = httpA.postJson("/v1/chat/completions", TestHttp.chat("tiny", false), key);
      assertEquals(200, onA.status(), onA.body());
      assertEquals(nameA, onA.headers().get("X-LLM-Node"));

      // B learns within a second or two that A has it loaded: then B passes requests for it to A.
      Async.until("B's /admin/models says tiny runs on A", () -> nodesOf(httpB).contains(nameA), JOIN);
      TestHttp.Answer viaB = httpB.postJson("/v1/chat/completions", TestHttp.chat("tiny", false), key);
      assertEquals(200, viaB.status(), viaB.body());
      assertEquals(nameA, viaB.headers().get("X-LLM-Node"), "served by the node that has it loaded");
      assertTrue(viaB.json().getJsonArray("choices").getJsonObject(0).getJsonObject("message")
          .getString("content").length() > 0, viaB.body());
      assertNotEquals("running", httpB.processState("tiny"), "B did not start a second copy");

      // Streamed through B, event by event, to the end.
      TestHttp.Answer stream = httpB.postJson("/v1/chat/completions", TestHttp.chat("tiny", true), key);
      assertEquals(200, stream.status(), stream.body());
      assertEquals(nameA, stream.headers().get("X-LLM-Node"));
      assertTrue(stream.body().contains("chat.completion.chunk") && stream.body().contains("[DONE]"), stream.body());

      // Another dialect through B: Anthropic's Messages API, answered in its own shape.
      TestHttp.Answer messages = httpB.postJson("/v1/messages", new JsonObject().put("model", "tiny")
          .put("max_tokens", 16).put("messages", new JsonArray().add(new JsonObject().put("role", "user")
              .put("content", "hi"))).encode(), Map.of("x-api-key", KEY, "anthropic-version", "2023-06-01"));
      assertEquals(200, messages.status(), messages.body());
      assertEquals(nameA, messages.headers().get("X-LLM-Node"));
      assertEquals("message", messages.json().getString("type"), messages.body());

      // A client without a key is refused on B, in its own envelope, before anything crosses.
      TestHttp.Answer noKey = httpB.postJson("/v1/chat/completions", TestHttp.chat("tiny", false));
      assertEquals(401, noKey.status(), noKey.body());

      // Both nodes say where it runs.
      assertEquals(List.of(nameA), nodesOf(httpA));
      assertEquals(nameA, httpA.get("/admin/models").json().getString("node"));
      assertEquals(nameB, httpB.get("/admin/models").json().getString("node"));

      // A model B has no entry for: unknown on B until A runs it, then served by A through B.
      TestHttp.Answer unknown = httpB.postJson("/v1/chat/completions", TestHttp.chat("only-on-a", false), key);
      assertEquals(404, unknown.status(), unknown.body());
      assertEquals("model_not_found", unknown.error().getString("code"));
      assertEquals(200, httpA.postJson("/admin/models/only-on-a/load", "{}").status());
      Async.until("B hears that A runs only-on-a", () -> {
        TestHttp.Answer answer = Async.quietly(() -> httpB.postJson("/v1/chat/completions",
            TestHttp.chat("only-on-a", false), key));
        return answer != null && answer.status() == 200 && nameA.equals(answer.headers().get("X-LLM-Node"));
      }, JOIN);

      // B lists it (a client of B finds it), saying where it runs.
      JsonObject listed = null;
      JsonArray data = httpB.getWithToken("/v1/models", KEY).json().getJsonArray("data");
      for (int i = 0; i < data.size(); i++) {
        if ("only-on-a".equals(data.getJsonObject(i).getString("id"))) {
          listed = data.getJsonObject(i);
        }
      }
      assertEquals(nameA, listed == null ? null : listed.getString("node"), data.encode());
      assertEquals(nameA, httpB.getWithToken("/v1/models/only-on-a", KEY).json().getString("node"));

      // Unloaded on A: B serves it itself (loading it there).
      assertEquals(200, httpA.postJson("/admin/models/tiny/unload", "{}").status());
      Async.until("B hears that A unloaded tiny", () -> !nodesOf(httpB).contains(nameA), JOIN);
      TestHttp.Answer onB = httpB.postJson("/v1/chat/completions", TestHttp.chat("tiny", false), key);
      assertEquals(200, onB.status(), onB.body());
      assertEquals(nameB, onB.headers().get("X-LLM-Node"));
      assertEquals("running", httpB.processState("tiny"));
    } finally {
      Async.await("A leaves", a.close(), JOIN);
      Async.await("B leaves", b.close(), JOIN);
    }
  }

  /** The nodes {@code /admin/models} says run {@code tiny} (none while it cannot be asked). */
  private static List<Object> nodesOf(TestHttp http) {
    JsonObject answer = Async.quietly(() -> http.get("/admin/models").json());
    JsonArray models = answer == null ? new JsonArray() : answer.getJsonArray("models");
    for (int i = 0; i < models.size(); i++) {
      JsonObject m = models.getJsonObject(i);
      if ("tiny".equals(m.getString("id"))) {
        return m.getJsonArray("nodes", new JsonArray()).getList();
      }
    }
    return List.of();
  }
}
