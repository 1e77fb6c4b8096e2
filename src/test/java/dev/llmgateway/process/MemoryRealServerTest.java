package dev.llmgateway.process;

import dev.llmgateway.testing.Ports;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.llmgateway.config.LlamaCppSettings;
import dev.llmgateway.llamacpp.RealLlamaServer;
import dev.llmgateway.llamacpp.TinyModel;
import dev.llmgateway.testing.Async;
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
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * Memory scheduling against a real llama-server serving tiny models: three with {@code memory:} set
 * so that two fit, plus one too large; and the GGUF estimate against what llama-server reports.
 */
@Tag("llama-server")
@ExtendWith(VertxExtension.class)
class MemoryRealServerTest {

  /** How far the estimate may be from llama-server's own buffers (measured: well under 1%). */
  static final double MARGIN = 0.10;
  private static final Duration LOAD = Duration.ofSeconds(60);
  private static final Pattern BUFFER = Pattern.compile(
      "(CPU_Mapped model|CPU model|CPU KV|CPU  output|CPU compute) buffer size = +([0-9.]+) MiB");

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
      return;
    }
    models = Files.createDirectories(shared.resolve("models"));
    for (String m : List.of("a", "b", "c")) {
      TinyModel.chat(real.vocab(), models.resolve(m + ".gguf"));
    }
  }

  @BeforeEach
  void needsARealServer() {
    real = RealLlamaServer.require();
  }


  private GatewayHarness gateway(Vertx vertx, String entries) throws Exception {
    return GatewayHarness.start(vertx, dir, """
        model_path: %s
        gateway:
          llama_server:
            command: %s
          state_dir: state
          stop_grace_seconds: 5
          memory:
            budget: {cpu: 2.5GiB}
            reserve: 0
            swap_timeout_seconds: 60
        llama_cpp:
          ctx_size: 256
          threads: 1
        local_models:
        %s
        """.formatted(models, real.binary(), entries.stripTrailing().indent(2).stripTrailing()), Map.of());
  }

  private static String chat(String model, int maxTokens, boolean stream) {
    return new JsonObject().put("model", model).put("max_tokens", maxTokens).put("stream", stream)
        .put("messages", new JsonArray().add(new JsonObject().put("role", "user").put("content", "hi"))).encode();
  }

  private static Future<TestHttp.Answer> post(Vertx vertx, TestHttp http, String body) {
    return TestHttp.onLoop(vertx, () -> http.raw().request(HttpMethod.POST, "/v1/chat/completions")
        .compose(req -> req.putHeader("Content-Type", "application/json").send(body)
            .compose(resp -> resp.body().map(b -> new TestHttp.Answer(resp.statusCode(), resp.headers(),
                b.toString())))));
  }

  private static Map<String, String> statuses(TestHttp http) throws Exception {
    JsonArray data = http.get("/v1/models").json().getJsonArray("data");
    Map<String, String> out = new TreeMap<>();
    for (int i = 0; i < data.size(); i++) {
      JsonObject status = data.getJsonObject(i).getJsonObject("status");
      if (status != null) { // a llama_router entry itself has none; its models have
        out.put(data.getJsonObject(i).getString("id"), status.getString("value"));
      }
    }
    return out;
  }

  private static long serversAlive() {
    return ProcessHandle.current().descendants().filter(p -> p.info().arguments()
        .map(args -> List.of(args).stream().anyMatch(a -> a.startsWith(models.toString()))).orElse(false))
        .count();
  }

  @Test
  void twoOfThreeFitAndEverySwapShowsInV1Models(Vertx vertx) throws Exception {
    TestHttp http = new TestHttp(vertx, gateway(vertx, """
        - {id: a, path: a.gguf, port: %d, memory: 1GiB, device: cpu}
        - {id: b, path: b.gguf, port: %d, memory: 1GiB, device: cpu, pin: true}
        - {id: c, path: c.gguf, port: %d, memory: 1GiB, device: cpu}
        - {id: huge, path: c.gguf, port: %d, memory: 8GiB, device: cpu}
        """.formatted(Ports.free(), Ports.free(), Ports.free(), Ports.free())).port());
    boolean bUsed = false;
    for (String model : List.of("a", "b", "c", "a", "c", "b", "a")) {
      bUsed |= model.equals("b");
      TestHttp.Answer answer = Async.await(model, post(vertx, http, chat(model, 4, false)), LOAD);
      assertEquals(200, answer.status(), answer.body());
      Map<String, String> states = statuses(http);
      assertEquals("loaded", states.get(model), model + ": " + states);
      assertTrue(!bUsed || "loaded".equals(states.get("b")), "b is pinned, once loaded it stays: " + states);
      assertTrue(states.values().stream().filter("loaded"::equals).count() <= 2, states.toString());
      assertTrue(serversAlive() <= 2, "never more llama-servers than fit");
    }
    // A stream on a is not cut for c: c waits until it ends (b is pinned, so a is the only way).
    Async.await("a again", post(vertx, http, chat("a", 1, false)), LOAD);
    TestHttp.Stream stream = http.openStream("/v1/chat/completions", chat("a", 200, true));
    stream.nextEvent();
    Future<TestHttp.Answer> c = post(vertx, http, chat("c", 4, false));
    String streamed = stream.rest();
    assertTrue(streamed.contains("\"finish_reason\":\"length\"") && streamed.contains("data: [DONE]"), streamed);
    assertEquals(200, Async.await("c after the stream", c, LOAD).status());
    assertEquals("unloaded", statuses(http).get("a"));

    long t0 = System.nanoTime();
    TestHttp.Answer huge = Async.await(post(vertx, http, chat("huge", 4, false)));
    assertEquals(503, huge.status(), huge.body());
    assertEquals("model_too_large", huge.error().getString("code"));
    assertTrue(System.nanoTime() - t0 < TimeUnit.SECONDS.toNanos(5), "at once, not after a timeout");
  }

  @Test
  void theEstimateIsShownAndCloseToWhatLlamaServerReports(Vertx vertx) throws Exception {
    int port = Ports.free();
    TestHttp http = new TestHttp(vertx, gateway(vertx, "- {id: a, path: a.gguf, port: %d}".formatted(port)).port());
    long shown = http.get("/v1/models/a").json().getJsonObject("meta").getLong("memory_bytes");
    long expected = MemoryEstimate.of(GgufHeader.read(models.resolve("a.gguf")), 0,
        new LlamaCppSettings(256, null, null, 1, null, null, null, null, null, null, null, null, null, null,
            null, null, null, null)).total();
    assertEquals(expected, shown, "/v1/models shows the estimate");
    assertEquals(expected, http.get("/admin/memory").json().getJsonArray("devices").getJsonObject(0)
        .getJsonArray("models").getJsonObject(0).getLong("bytes"));

    // What the server itself allocates, from its log (verbosity 4 prints the buffers).
    Path log = dir.resolve("server.log");
    Process p = new ProcessBuilder(real.binary().toString(), "-m", models.resolve("a.gguf").toString(),
        "--host", "127.0.0.1", "--port", Integer.toString(Ports.free()), "-c", "256", "-t", "1", "-lv", "4")
        .redirectErrorStream(true).redirectOutput(log.toFile()).start();
    try {
      Async.until("the server's buffers are logged", () -> Async.quietly(() ->
          Files.readString(log).contains("compute buffer size")), LOAD);
    } finally {
      p.destroy();
      p.waitFor(10, TimeUnit.SECONDS);
    }
    double reportedMib = 0;
    Matcher m = BUFFER.matcher(Files.readString(log));
    while (m.find()) {
      reportedMib += Double.parseDouble(m.group(2));
    }
    double reported = reportedMib * (1 << 20);
    double off = Math.abs(shown - reported) / reported;
    System.out.printf("memory estimate: %d bytes shown, llama-server reports %.0f bytes (model + KV + output "
        + "+ compute buffers): %.2f%% off%n", shown, reported, off * 100);
    assertTrue(off <= MARGIN, "estimate " + shown + " vs reported " + reported);
  }

  @Test
  void keepCacheOnSwapRestoresThePromptCacheWhenTheModelComesBack(Vertx vertx) throws Exception {
    TestHttp http = new TestHttp(vertx, gateway(vertx, """
        - {id: a, path: a.gguf, port: %d, memory: 2GiB, device: cpu, keep_cache_on_swap: true}
        - {id: b, path: b.gguf, port: %d, memory: 2GiB, device: cpu}
        - {id: c, path: c.gguf, port: %d, memory: 2GiB, device: cpu}
        """.formatted(Ports.free(), Ports.free(), Ports.free())).port());
    String prompt = "word ".repeat(150);
    int[] recomputed = new int[2];
    String[] models = {"a", "c"};
    for (int i = 0; i < 2; i++) {
      String body = new JsonObject().put("model", models[i]).put("max_tokens", 2).put("messages", new JsonArray()
          .add(new JsonObject().put("role", "user").put("content", prompt))).encode();
      assertEquals(200, Async.await("first", post(vertx, http, body), LOAD).status());
      assertEquals(200, Async.await("b", post(vertx, http, chat("b", 2, false)), LOAD).status()); // swaps it out
      TestHttp.Answer again = Async.await("again", post(vertx, http, body), LOAD);
      assertEquals(200, again.status(), again.body());
      recomputed[i] = again.json().getJsonObject("timings").getInteger("prompt_n");
    }
    System.out.printf("keep_cache_on_swap: after a swap the same %d-token prompt recomputed %d tokens with "
        + "the cache kept, %d without%n", recomputed[1], recomputed[0], recomputed[1]);
    assertTrue(recomputed[0] < recomputed[1] / 4, "kept: " + recomputed[0] + ", not kept: " + recomputed[1]);
  }

  @Test
  void aLlamaServerInRouterModeServesItsModelsByName(Vertx vertx) throws Exception {
    int port = Ports.free();
    Process router = new ProcessBuilder(real.binary().toString(), "--models-dir", models.toString(),
        "--host", "127.0.0.1", "--port", Integer.toString(port), "-c", "256", "-t", "1")
        .redirectErrorStream(true).redirectOutput(dir.resolve("router.log").toFile()).start();
    try {
      TestHttp http = new TestHttp(vertx, GatewayHarness.start(vertx, dir, """
          gateway:
            memory:
              budget: {cpu: 9GiB}
          local_models:
            - {id: r, type: llama_router, port: %d, memory: 1GiB, device: cpu}
          """.formatted(port), Map.of()).port());
      Async.until("the router's models", () -> Async.quietly(() -> statuses(http).containsKey("r/b")), LOAD);
      assertEquals("unloaded", statuses(http).get("r/b"));
      TestHttp.Answer answer = Async.await("r/b", post(vertx, http, chat("r/b", 3, false)), LOAD);
      assertEquals(200, answer.status(), answer.body());
      assertEquals("b", answer.json().getString("model"));
      Async.until("r/b loaded", () -> Async.quietly(() -> "loaded".equals(statuses(http).get("r/b"))), LOAD);
      assertEquals(200, http.postJson("/admin/models/r%2Fb/unload", "").status());
      assertEquals("unloaded", statuses(http).get("r/b"));
    } finally {
      router.destroy();
      router.waitFor(10, TimeUnit.SECONDS);
    }
  }
}
