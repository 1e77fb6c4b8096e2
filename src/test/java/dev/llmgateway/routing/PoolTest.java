package dev.llmgateway.routing;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.llmgateway.testing.Async;
import dev.llmgateway.testing.FakeBackend;
import dev.llmgateway.testing.FakeLiteLlm;
import dev.llmgateway.testing.FakeLlamaServer;
import dev.llmgateway.testing.FakeOllama;
import dev.llmgateway.testing.GatewayHarness;
import dev.llmgateway.testing.TestHttp;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.junit5.VertxExtension;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * An entry with {@code endpoints:}: requests spread by fewest in flight and weight, a server that
 * refuses or dies is marked down and the request goes to another before anything reached the client,
 * a down server is probed back, and /admin/models and /metrics show each server.
 */
@ExtendWith(VertxExtension.class)
class PoolTest {

  private static final String CHAT = TestHttp.chat("chat", false);

  private static String pool(String endpoints) {
    return """
        local_models:
          - id: chat
            type: ollama
            path: qwen2.5:7b
            max_concurrent: 16
            endpoints: [%s]
        main_llm_local: local_models/chat
        """.formatted(endpoints);
  }

  private static FakeOllama ollama(Vertx vertx) {
    FakeOllama fake = new FakeOllama(vertx, "qwen2.5:7b");
    Async.await(fake.start());
    return fake;
  }

  /** A port nothing listens on (a server opened and closed again). */
  private static int deadPort(Vertx vertx) {
    FakeOllama gone = ollama(vertx);
    int port = gone.port();
    Async.await(gone.close());
    return port;
  }

  private static int chats(FakeBackend fake) {
    return (int) fake.requests().stream().filter(r -> r.path().equals("/v1/chat/completions")).count();
  }

  private static JsonArray endpointsOnAdmin(TestHttp http) throws Exception {
    return http.get("/admin/models").json().getJsonArray("models").getJsonObject(0).getJsonArray("endpoints");
  }

  @Test
  void spreadsSequentialRequestsInTheWeightsProportions(Vertx vertx, @TempDir Path dir) throws Exception {
    FakeOllama one = ollama(vertx);
    FakeOllama two = ollama(vertx);
    GatewayHarness gateway = GatewayHarness.start(vertx, dir, pool("{host: 127.0.0.1, port: %d}, "
        .formatted(one.port()) + "{host: 127.0.0.1, port: %d, weight: 2}".formatted(two.port())), Map.of());
    TestHttp http = new TestHttp(vertx, gateway.port());
    for (int i = 0; i < 6; i++) {
      TestHttp.Answer answer = http.postJson("/v1/chat/completions", CHAT);
      assertEquals(200, answer.status(), answer.body());
    }
    assertEquals(2, chats(one));
    assertEquals(4, chats(two));
    JsonArray endpoints = endpointsOnAdmin(http);
    assertEquals("127.0.0.1:" + two.port(), endpoints.getJsonObject(1).getString("endpoint"));
    assertEquals(4, endpoints.getJsonObject(1).getInteger("requests"));
    assertEquals(2, endpoints.getJsonObject(1).getInteger("weight"));
    assertEquals("up", endpoints.getJsonObject(0).getString("state"));
    assertEquals("external", http.get("/admin/models").json().getJsonArray("models").getJsonObject(0)
        .getString("state"));
  }

  @Test
  void sendsToTheLeastBusyServer(Vertx vertx, @TempDir Path dir) throws Exception {
    FakeOllama busy = ollama(vertx);
    FakeOllama idle = ollama(vertx);
    busy.mode(FakeBackend.Mode.SILENT);
    GatewayHarness gateway = GatewayHarness.start(vertx, dir, pool("{host: 127.0.0.1, port: %d}, "
        .formatted(busy.port()) + "{host: 127.0.0.1, port: %d}".formatted(idle.port())), Map.of());
    TestHttp http = new TestHttp(vertx, gateway.port());
    // The first goes to the first server, which holds it; every later one finds the other less busy.
    Future<TestHttp.Answer> held = post(vertx, http);
    Async.until("the first request on the busy server", () -> chats(busy) == 1);
    for (int i = 0; i < 3; i++) {
      assertEquals(200, http.postJson("/v1/chat/completions", CHAT).status());
    }
    assertEquals(1, chats(busy));
    assertEquals(3, chats(idle));
    assertEquals(1, endpointsOnAdmin(http).getJsonObject(0).getInteger("in_flight"));
    assertTrue(!held.isComplete());
  }

  @Test
  void retriesARefusedRequestOnAnotherServerAndMarksTheFirstDown(Vertx vertx, @TempDir Path dir)
      throws Exception {
    int dead = deadPort(vertx);
    FakeOllama alive = ollama(vertx);
    GatewayHarness gateway = GatewayHarness.start(vertx, dir, pool("{host: 127.0.0.1, port: %d}, "
        .formatted(dead) + "{host: 127.0.0.1, port: %d}".formatted(alive.port())), Map.of());
    TestHttp http = new TestHttp(vertx, gateway.port());
    for (int i = 0; i < 4; i++) {
      TestHttp.Answer answer = http.postJson("/v1/chat/completions", CHAT);
      assertEquals(200, answer.status(), answer.body());
    }
    assertEquals(4, chats(alive));
    JsonObject down = endpointsOnAdmin(http).getJsonObject(0);
    assertEquals("down", down.getString("state"));
    assertEquals(1, down.getInteger("requests"), "once down, it gets no request");
    assertTrue(down.getString("message").contains("connection refused"), down.encode());
    String metrics = http.get("/metrics").body();
    assertTrue(metrics.contains("llm_gateway_endpoint_up{endpoint=\"127.0.0.1:" + dead + "\",model=\"chat\"} 0.0"),
        metrics);
    assertTrue(metrics.contains("llm_gateway_endpoint_requests_total{endpoint=\"127.0.0.1:" + alive.port()
        + "\",model=\"chat\",outcome=\"ok\"} 4.0"), metrics);
  }

  @Test
  void probesADownServerBackIntoThePool(Vertx vertx, @TempDir Path dir) throws Exception {
    int port = deadPort(vertx);
    FakeOllama alive = ollama(vertx);
    GatewayHarness gateway = GatewayHarness.start(vertx, dir, pool("{host: 127.0.0.1, port: %d}, "
        .formatted(port) + "{host: 127.0.0.1, port: %d}".formatted(alive.port())), Map.of());
    TestHttp http = new TestHttp(vertx, gateway.port());
    assertEquals(200, http.postJson("/v1/chat/completions", CHAT).status());
    assertEquals("down", endpointsOnAdmin(http).getJsonObject(0).getString("state"));

    FakeOllama back = new FakeOllama(vertx, "qwen2.5:7b");
    Async.await(back.start("127.0.0.1", port));
    Async.until("the probe finds the server again", () -> "up".equals(
        Async.quietly(() -> endpointsOnAdmin(http).getJsonObject(0).getString("state"))));
    for (int i = 0; i < 4; i++) {
      assertEquals(200, http.postJson("/v1/chat/completions", CHAT).status());
    }
    assertTrue(chats(back) >= 1, "the server that came back takes requests again");
  }

  @Test
  void aServerKilledMidLoadLosesNoRequestThatHadNotStartedAnswering(Vertx vertx, @TempDir Path dir)
      throws Exception {
    FakeOllama doomed = ollama(vertx);
    FakeOllama survivor = ollama(vertx);
    doomed.mode(FakeBackend.Mode.SILENT); // takes requests and thinks forever
    GatewayHarness gateway = GatewayHarness.start(vertx, dir, pool("{host: 127.0.0.1, port: %d}, "
        .formatted(doomed.port()) + "{host: 127.0.0.1, port: %d}".formatted(survivor.port())), Map.of());
    TestHttp http = new TestHttp(vertx, gateway.port());
    List<Future<TestHttp.Answer>> load = new ArrayList<>();
    for (int i = 0; i < 4; i++) {
      load.add(post(vertx, http));
    }
    Async.until("every request reached a server", () -> chats(doomed) >= 1
        && chats(doomed) + chats(survivor) >= 4);
    int onDoomed = chats(doomed);
    Async.await(doomed.close()); // closes the connections it holds, as a killed server's kernel does
    for (Future<TestHttp.Answer> f : load) {
      TestHttp.Answer answer = Async.await(f);
      assertEquals(200, answer.status(), answer.body());
      assertTrue(answer.body().contains("from Ollama"), answer.body());
    }
    assertEquals(4, chats(survivor), onDoomed + " were held by the killed server; the survivor answered all");
    assertEquals("down", endpointsOnAdmin(http).getJsonObject(0).getString("state"));
  }

  @Test
  void answers503NamingTheServersWhenEveryOneIsDown(Vertx vertx, @TempDir Path dir) throws Exception {
    int a = deadPort(vertx);
    int b = deadPort(vertx);
    GatewayHarness gateway = GatewayHarness.start(vertx, dir, pool("{host: 127.0.0.1, port: %d}, "
        .formatted(a) + "{host: 127.0.0.1, port: %d}".formatted(b)), Map.of());
    TestHttp http = new TestHttp(vertx, gateway.port());
    TestHttp.Answer first = http.postJson("/v1/chat/completions", CHAT);
    assertEquals(502, first.status(), first.body());
    TestHttp.Answer next = http.postJson("/v1/chat/completions", CHAT);
    assertEquals(503, next.status(), next.body());
    String message = next.error().getString("message");
    assertTrue(message.contains("127.0.0.1:" + a) && message.contains("127.0.0.1:" + b), message);
    assertEquals("unreachable", http.get("/admin/models").json().getJsonArray("models").getJsonObject(0)
        .getString("state"));
  }

  @Test
  void poolsLlamaServersOnOtherHostsAndLiteLlmProxiesWithoutStartingAny(Vertx vertx, @TempDir Path dir)
      throws Exception {
    FakeLlamaServer llamaOne = new FakeLlamaServer(vertx, "big.gguf");
    FakeLlamaServer llamaTwo = new FakeLlamaServer(vertx, "big.gguf");
    FakeLiteLlm liteOne = new FakeLiteLlm(vertx, null);
    FakeLiteLlm liteTwo = new FakeLiteLlm(vertx, null);
    for (FakeBackend fake : List.<FakeBackend>of(llamaOne, llamaTwo, liteOne, liteTwo)) {
      Async.await(fake.start());
    }
    GatewayHarness gateway = GatewayHarness.start(vertx, dir, """
        local_models:
          - id: big
            path: big.gguf
            endpoints: [{host: 127.0.0.1, port: %d}, {host: 127.0.0.1, port: %d}]
        cloud_models:
          - id: gpt
            path: openai/gpt-4o
            endpoints: [{host: 127.0.0.1, port: %d}, {host: 127.0.0.1, port: %d}]
        main_llm_local: local_models/big
        """.formatted(llamaOne.port(), llamaTwo.port(), liteOne.port(), liteTwo.port()), Map.of());
    TestHttp http = new TestHttp(vertx, gateway.port());
    for (String model : List.of("big", "big", "gpt", "gpt")) {
      TestHttp.Answer answer = http.postJson("/v1/chat/completions", TestHttp.chat(model, false));
      assertEquals(200, answer.status(), answer.body());
    }
    for (FakeBackend fake : List.<FakeBackend>of(llamaOne, llamaTwo, liteOne, liteTwo)) {
      assertEquals(1, chats(fake), "each server got one request");
    }
    JsonArray models = http.get("/admin/models").json().getJsonArray("models");
    assertEquals("external", models.getJsonObject(0).getString("state"), models.encode());
    assertEquals(2, models.getJsonObject(0).getJsonArray("endpoints").size());
    assertEquals(List.of(), http.get("/admin/processes").json().getJsonArray("processes").getList(),
        "the gateway runs none of a pool's servers");
  }

  private static Future<TestHttp.Answer> post(Vertx vertx, TestHttp http) {
    return TestHttp.onLoop(vertx, () -> http.raw().request(HttpMethod.POST, "/v1/chat/completions")
        .compose(req -> req.putHeader("Content-Type", "application/json").send(CHAT)
            .compose(resp -> resp.body().map(b -> new TestHttp.Answer(resp.statusCode(), resp.headers(),
                b.toString())))));
  }
}
