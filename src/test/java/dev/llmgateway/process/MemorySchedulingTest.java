package dev.llmgateway.process;

import dev.llmgateway.testing.Ports;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.llmgateway.testing.Async;
import dev.llmgateway.testing.FakeLlamaServerMain;
import dev.llmgateway.testing.GatewayHarness;
import dev.llmgateway.testing.TestHttp;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.junit5.VertxExtension;
import java.nio.file.Files;
import java.nio.file.Path;
import io.vertx.core.http.HttpServer;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.handler.BodyHandler;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * Memory scheduling end to end: the real gateway, fake llama-server children, three 4 GiB models on a
 * budget where two fit.
 */
@ExtendWith(VertxExtension.class)
class MemorySchedulingTest {

  @TempDir
  Path dir;

  private Vertx vertx;
  private TestHttp http;

  @BeforeEach
  void setUp(Vertx vertx) {
    this.vertx = vertx;
  }

  private void start(String extraA, String extraB, String extraC) throws Exception {
    start(extraA, extraB, extraC, "");
  }

  private void start(String extraA, String extraB, String extraC, String gatewayExtra) throws Exception {
    Path llamaServer = FakeLlamaServerMain.install(dir.resolve("bin"));
    Files.createDirectories(dir.resolve("models"));
    for (String m : new String[] {"a", "b", "c"}) {
      Files.writeString(dir.resolve("models").resolve(m + ".gguf"), "load_ms=50\nchunk_delay_ms=150\n");
    }
    String yaml = """
        model_path: models
        gateway:
          llama_server:
            command: %s
          state_dir: state
          stop_grace_seconds: 3
        %s
          memory:
            budget: {cpu: 9GiB}
            reserve: 1GiB
            swap_timeout_seconds: 20
        local_models:
          - {id: a, path: a.gguf, port: %d, memory: 4GiB, device: cpu%s}
          - {id: b, path: b.gguf, port: %d, memory: 4GiB, device: cpu%s}
          - {id: c, path: c.gguf, port: %d, memory: 4GiB, device: cpu%s}
          - {id: huge, path: c.gguf, port: %d, memory: 20GiB, device: cpu}
        """.formatted(llamaServer, gatewayExtra.indent(2).stripTrailing(), Ports.free(), extraA, Ports.free(), extraB, Ports.free(), extraC, Ports.free());
    GatewayHarness gw = GatewayHarness.start(vertx, dir, yaml, Map.of());
    http = new TestHttp(vertx, gw.port());
  }


  private void chat(String model) throws Exception {
    TestHttp.Answer a = http.postJson("/v1/chat/completions", TestHttp.chat(model, false));
    assertEquals(200, a.status(), a.body());
  }

  private Map<String, String> statuses() throws Exception {
    JsonArray data = http.get("/v1/models").json().getJsonArray("data");
    Map<String, String> out = new java.util.TreeMap<>();
    for (int i = 0; i < data.size(); i++) {
      JsonObject m = data.getJsonObject(i);
      out.put(m.getString("id"), m.getJsonObject("status").getString("value"));
    }
    return out;
  }

  @Test
  void swapsOutTheLeastRecentlyUsedModelAndShowsItEverywhere() throws Exception {
    start("", "", "");
    chat("a");
    chat("b");
    assertEquals(Map.of("a", "loaded", "b", "loaded", "c", "unloaded", "huge", "unloaded"), statuses());
    chat("c");
    Async.until("a swapped out", () -> Async.quietly(() -> statuses().equals(
        Map.of("a", "unloaded", "b", "loaded", "c", "loaded", "huge", "unloaded"))));
    JsonObject c = http.get("/v1/models/c").json();
    assertEquals(4L << 30, c.getJsonObject("meta").getLong("memory_bytes"));
    assertEquals("cpu", c.getJsonObject("meta").getString("device"));

    JsonObject memory = http.get("/admin/memory").json();
    JsonObject cpu = memory.getJsonArray("devices").getJsonObject(0);
    assertEquals("cpu", cpu.getString("name"));
    assertEquals(9L << 30, cpu.getLong("budget_bytes"));
    assertEquals(8L << 30, cpu.getLong("used_bytes"));
    JsonObject first = cpu.getJsonArray("models").getJsonObject(0);
    assertEquals("a", first.getString("id"));
    assertEquals(4L << 30, first.getLong("bytes"));
    assertEquals("unloaded", first.getString("state"));
    assertTrue(java.time.Instant.parse(first.getString("last_used")).toEpochMilli() > 0);

    String metrics = http.get("/metrics").body();
    assertTrue(metrics.contains("llm_gateway_swaps_total{model=\"c\"} 1.0"), metrics);
    assertTrue(metrics.contains("llm_gateway_memory_budget_bytes{device=\"cpu\"} 9.663676416E9"), metrics);
    assertTrue(metrics.contains("llm_gateway_memory_used_bytes{device=\"cpu\"} 8.589934592E9"), metrics);
    assertTrue(metrics.contains("llm_gateway_swap_seconds_count 1"), metrics);
  }

  @Test
  void aStreamIsNeverCutToMakeRoom() throws Exception {
    start("", ", pin: true", "");
    chat("b");
    TestHttp.Stream stream = http.openStream("/v1/chat/completions", TestHttp.chat("a", true));
    String first = stream.nextEvent();
    assertTrue(first.startsWith("data: "), first);
    // c needs a's room (b is pinned): it waits for the stream to end.
    Future<TestHttp.Answer> c = TestHttp.onLoop(vertx, () -> http.raw().request(HttpMethod.POST, "/v1/chat/completions")
        .compose(req -> req.putHeader("Content-Type", "application/json").send(TestHttp.chat("c", false))
            .compose(resp -> resp.body().map(b -> new TestHttp.Answer(resp.statusCode(), resp.headers(), b.toString())))));
    String rest = stream.rest();
    assertTrue(rest.contains("data: [DONE]"), "the stream ran to its end: " + rest);
    TestHttp.Answer answer = Async.await("c after the stream", c);
    assertEquals(200, answer.status(), answer.body());
    assertFalse(rest.contains("error"), rest);
    assertEquals("unloaded", statuses().get("a"));
  }

  @Test
  void aModelLargerThanItsBudgetIsRefusedAtOnce() throws Exception {
    start("", "", "");
    TestHttp.Answer a = http.postJson("/v1/chat/completions", TestHttp.chat("huge", false));
    assertEquals(503, a.status(), a.body());
    assertEquals("model_too_large", a.error().getString("code"));
    assertTrue(a.error().getString("message").contains("20.0 GiB"), a.body());
    assertEquals("unloaded", statuses().get("huge"));
  }

  @Test
  void loadsAndUnloadsOnRequest() throws Exception {
    start("", "", "");
    TestHttp.Answer loaded = http.postJson("/admin/models/b/load", "");
    assertEquals(200, loaded.status(), loaded.body());
    assertEquals("loaded", loaded.json().getString("state"));
    assertEquals("loaded", statuses().get("b"));
    TestHttp.Answer unloaded = http.postJson("/admin/models/local_models%2Fb/unload", "");
    assertEquals(200, unloaded.status(), unloaded.body());
    assertEquals("unloaded", statuses().get("b"));
    assertEquals(404, http.postJson("/admin/models/nope/load", "").status());
    assertEquals(503, http.postJson("/admin/models/huge/load", "").status());
  }

  @Test
  void idleOllamaModelsCountAndAreUnloadedToMakeRoom() throws Exception {
    List<String> unloads = new CopyOnWriteArrayList<>();
    boolean[] loaded = {true};
    Router router = Router.router(vertx);
    router.route().handler(BodyHandler.create());
    router.get("/api/ps").handler(ctx -> ctx.json(new JsonObject().put("models", loaded[0]
        ? new JsonArray().add(new JsonObject().put("name", "qwen2.5:7b").put("model", "qwen2.5:7b")
            .put("size", 4L << 30).put("size_vram", 0))
        : new JsonArray())));
    router.post("/api/generate").handler(ctx -> {
      JsonObject body = ctx.body().asJsonObject();
      if (Integer.valueOf(0).equals(body.getInteger("keep_alive"))) {
        unloads.add(body.getString("model"));
        loaded[0] = false;
      }
      ctx.json(new JsonObject().put("model", body.getString("model")).put("done", true)
          .put("done_reason", "unload"));
    });
    HttpServer ollama = Async.await(vertx.createHttpServer().requestHandler(router).listen(0, "127.0.0.1"));
    start(", pin: true", "", "", "ollama_url: http://127.0.0.1:" + ollama.actualPort());
    chat("a");
    Async.until("Ollama's model is counted", () -> Async.quietly(() -> http.get("/admin/memory").json()
        .getJsonArray("devices").getJsonObject(0).getLong("used_bytes") == 8L << 30));
    JsonArray cpuModels = http.get("/admin/memory").json().getJsonArray("devices").getJsonObject(0)
        .getJsonArray("models");
    assertTrue(cpuModels.encode().contains("\"id\":\"qwen2.5:7b\""), cpuModels.encode());
    chat("b"); // a is pinned: Ollama's idle model makes room
    assertEquals(List.of("qwen2.5:7b"), unloads);
    assertEquals("loaded", statuses().get("b"));
  }
}
