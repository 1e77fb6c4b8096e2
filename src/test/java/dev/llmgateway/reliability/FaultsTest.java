package dev.llmgateway.reliability;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.llmgateway.config.ConfigReader;
import dev.llmgateway.config.GatewayConfig;
import dev.llmgateway.config.Overrides;
import dev.llmgateway.testing.Async;
import dev.llmgateway.testing.FakeLlamaServer;
import dev.llmgateway.testing.FakeOllama;
import dev.llmgateway.testing.GatewayHarness;
import dev.llmgateway.testing.TestHttp;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpClientRequest;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.PoolOptions;
import io.vertx.core.json.JsonObject;
import io.vertx.junit5.VertxExtension;
import java.lang.management.ManagementFactory;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * Faults: nothing hangs, nothing is lost, the gateway stays up. Each test prints its figure on a
 * {@code RELIABILITY} line (README's Reliability section quotes them).
 */
@ExtendWith(VertxExtension.class)
class FaultsTest {

  @TempDir
  Path dir;

  private static void report(String line) {
    System.out.println("RELIABILITY " + line);
  }

  private static long heapAfterGc(Vertx vertx) {
    for (int i = 0; i < 3; i++) {
      System.gc();
      Async.await("a pause after a GC", vertx.timer(100));
    }
    return ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed();
  }

  @Test
  void aThousandClientsAbortingMidStreamLeaveNoUpstreamConnection(Vertx vertx) throws Exception {
    FakeLlamaServer llama = new FakeLlamaServer(vertx, "m.gguf");
    Async.await(llama.start());
    llama.holdAfterFirstChunk(Promise.<Void>promise().future()); // every stream stalls after one event
    GatewayHarness gw = GatewayHarness.start(vertx, dir, """
        local_models:
          - id: m
            path: m.gguf
            port: %d
            max_concurrent: 5000
        """.formatted(llama.port()), Map.of());
    HttpClient client = vertx.createHttpClient(new HttpClientOptions().setDefaultHost("127.0.0.1")
        .setDefaultPort(gw.port()), new PoolOptions().setHttp1MaxSize(1100));
    long cold = heapAfterGc(vertx);
    // Three rounds: the first sizes pools and buffers; after that, memory must not grow.
    long[] after = new long[3];
    long withStreams = 0;
    for (int round = 0; round < 3; round++) {
      int n = 1000;
      List<Future<HttpClientRequest>> open = new ArrayList<>();
      for (int i = 0; i < n; i++) {
        Promise<HttpClientRequest> firstEvent = Promise.promise();
        client.request(HttpMethod.POST, "/v1/chat/completions").onSuccess(req -> req
            .putHeader("Content-Type", "application/json").send(TestHttp.chat("m", true))
            .onSuccess(resp -> resp.handler(b -> firstEvent.tryComplete(req))).onFailure(firstEvent::tryFail));
        open.add(firstEvent.future());
      }
      Async.await("the first event of every stream", Future.all(open), Duration.ofSeconds(60));
      Async.until(() -> llama.openConnections() >= n);
      withStreams = Math.max(withStreams, heapAfterGc(vertx));
      open.forEach(f -> f.result().connection().close()); // every client leaves mid-stream
      Async.until(() -> llama.openConnections() == 0);
      after[round] = heapAfterGc(vertx);
    }
    report("abort-mid-stream clients=3x1000 upstream_connections_left=" + llama.openConnections()
        + " heap_cold_mb=" + cold / 1_000_000 + " heap_with_1000_streams_mb=" + withStreams / 1_000_000
        + " heap_after_rounds_mb=" + after[0] / 1_000_000 + "," + after[1] / 1_000_000 + "," + after[2] / 1_000_000);
    assertEquals(0, llama.openConnections());
    assertTrue(after[2] < after[0] + 8_000_000, "no growth from round to round: " + java.util.Arrays.toString(after));
    assertEquals(200, new TestHttp(vertx, gw.port()).postJson("/v1/chat/completions", TestHttp.chat("m", false))
        .status(), "still serving");
  }

  @Test
  void twentyConfigEditsUnderLoadLoseNoRequest(Vertx vertx) throws Exception {
    FakeLlamaServer a = new FakeLlamaServer(vertx, "a.gguf");
    FakeLlamaServer b = new FakeLlamaServer(vertx, "b.gguf");
    Async.await(a.start());
    Async.await(b.start());
    String template = """
        # edit %d
        local_models:
          - {id: a, path: a.gguf, port: %d, max_concurrent: 64}
          - {id: b, path: b.gguf, port: %d, max_concurrent: 64}
        main_llm_local: local_models/%s
        """;
    GatewayHarness gw = GatewayHarness.start(vertx, dir, template.formatted(0, a.port(), b.port(), "a"), Map.of());
    TestHttp http = new TestHttp(vertx, gw.port());
    AtomicBoolean running = new AtomicBoolean(true);
    AtomicInteger sent = new AtomicInteger();
    AtomicInteger failed = new AtomicInteger();
    List<Thread> load = new ArrayList<>();
    for (int t = 0; t < 4; t++) {
      Thread th = new Thread(() -> {
        while (running.get()) {
          try {
            sent.incrementAndGet();
            if (http.postJson("/v1/chat/completions", TestHttp.chat("main", false)).status() != 200) {
              failed.incrementAndGet();
            }
          } catch (Exception e) {
            failed.incrementAndGet();
          }
        }
      });
      th.start();
      load.add(th);
    }
    for (int edit = 1; edit <= 20; edit++) {
      String yaml = template.formatted(edit, a.port(), b.port(), edit % 2 == 0 ? "a" : "b");
      if (edit == 10) {
        yaml = yaml.replace("max_concurrent: 64}", "max_concurrent: 64"); // broken YAML mid-way
      }
      gw.rewrite(yaml);
      Async.await("the time to the next edit", vertx.timer(150));
    }
    running.set(false);
    for (Thread th : load) {
      th.join(10_000);
    }
    report("config-edits-under-load edits=20 invalid_edits=1 requests=" + sent.get() + " failed=" + failed.get());
    assertEquals(0, failed.get());
    Async.until(() -> "a".equals(Async.quietly(() ->
        http.postJson("/v1/chat/completions", TestHttp.chat("main", false)).json().getString("model"))));
  }

  @Test
  void ollamaRestartingDuringAPullEndsItWithAClearErrorAndANewPullWorks(Vertx vertx) throws Exception {
    FakeOllama ollama = new FakeOllama(vertx).library("qwen2.5:0.5b", 400_000_000L, 5_000L);
    int port;
    try (ServerSocket s = new ServerSocket(0)) {
      port = s.getLocalPort();
    }
    Async.await(ollama.start("127.0.0.1", port));
    ollama.pullDelayMs(50);
    GatewayHarness gw = GatewayHarness.start(vertx, dir, """
        local_models:
          - {id: o, type: ollama, path: qwen2.5:0.5b, port: %d}
        """.formatted(port), Map.of());
    TestHttp http = new TestHttp(vertx, gw.port());
    JsonObject pull = http.postJson("/admin/ollama/pulls", "{\"model\":\"qwen2.5:0.5b\"}").json();
    TestHttp.Stream events = http.openEvents(pull.getString("events"));
    String event;
    do {
      event = events.nextEvent();
    } while (!event.contains("pulling "));
    Async.await(ollama.close()); // Ollama goes away mid-download
    do {
      event = events.nextEvent();
    } while (!event.startsWith("event: error"));
    String message = new JsonObject(event.substring(event.indexOf("data: ") + 6)).getString("error");
    report("ollama-restart-during-pull ended_with=error message=\"" + message + "\"");
    assertTrue(message.toLowerCase().contains("ollama"), message);

    FakeOllama restarted = new FakeOllama(vertx).library("qwen2.5:0.5b", 4_000L);
    Async.await(restarted.start("127.0.0.1", port));
    JsonObject again = http.postJson("/admin/ollama/pulls", "{\"model\":\"qwen2.5:0.5b\"}").json();
    TestHttp.Stream second = http.openEvents(again.getString("events"));
    do {
      event = second.nextEvent();
    } while (!event.startsWith("event: done") && !event.startsWith("event: error"));
    assertTrue(event.startsWith("event: done"), event);
  }

  @Test
  void sigtermLetsTheStreamInFlightFinishAndExitsZero(Vertx vertx) throws Exception {
    FakeLlamaServer llama = new FakeLlamaServer(vertx, "m.gguf");
    llama.chunkDelayMs(400);
    Async.await(llama.start());
    Files.writeString(dir.resolve("llm.yml"), """
        local_models:
          - {id: m, path: m.gguf, port: %d}
        gateway:
          state_dir: state
          shutdown_grace_seconds: 20
        """.formatted(llama.port()));
    int port;
    try (ServerSocket s = new ServerSocket(0)) {
      port = s.getLocalPort();
    }
    Process gateway = new ProcessBuilder(java(), "-cp", classpath(), "dev.llmgateway.cli.Main", "serve",
        "--config", dir.resolve("llm.yml").toString(), "--port", Integer.toString(port))
        .redirectErrorStream(true).redirectOutput(dir.resolve("gateway.log").toFile()).start();
    try {
      TestHttp http = new TestHttp(vertx, port);
      Async.until(() -> Integer.valueOf(200).equals(Async.quietly(() -> http.get("/health").status())));
      TestHttp.Stream stream = http.openStream("/v1/chat/completions", TestHttp.chat("m", true));
      stream.nextEvent();
      // A connection that never sends a request (browsers open spare ones) must not hold the exit.
      Socket idle = new Socket("127.0.0.1", port);
      long sigterm = System.nanoTime();
      gateway.destroy(); // SIGTERM
      String all = stream.rest();
      assertTrue(all.endsWith("data: [DONE]\n\n"), "the stream in flight finished: " + all);
      // well before the 20 s grace: nothing but the stream was waited for
      assertTrue(gateway.waitFor(12, TimeUnit.SECONDS), "the idle connection held the shutdown");
      idle.close();
      report("graceful-shutdown stream_finished=true exit_code=" + gateway.exitValue()
          + " shutdown_ms=" + (System.nanoTime() - sigterm) / 1_000_000);
      assertEquals(0, gateway.exitValue(), Files.readString(dir.resolve("gateway.log")));
    } finally {
      gateway.destroyForcibly();
    }
  }

  @Test
  void killingSetMainMidWriteLeavesTheOldOrTheNewFile(Vertx vertx) throws Exception {
    Path config = dir.resolve("llm.yml");
    Files.writeString(config, Files.readString(Path.of("src/test/resources/configs/homeclaw-style.yml")));
    Random random = new Random(42);
    int kills = 12;
    int seenMains = 0;
    for (int i = 0; i < kills; i++) {
      Process loop = new ProcessBuilder(java(), "-cp", classpath(), SetMainLoop.class.getName(), config.toString())
          .redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
      Process killed = Async.await("kill -9 at a random moment",
          vertx.timer(700 + random.nextInt(700)).map(t -> loop.destroyForcibly()));
      killed.waitFor(10, TimeUnit.SECONDS); // killed somewhere in a write
      GatewayConfig c = ConfigReader.read(config, Overrides.NONE).config(); // throws if partial
      String main = c.mainLlmLocal();
      assertTrue(main.equals("local_models/gemma-4-E4B-it-Q5_K_M") || main.equals("local_models/Ollama-qwen2.5-7b")
          || main.equals("local_models/Ollama-qwen2") || main.equals("local_models/Ollama-llama3.2-3b")
          || main.equals("local_models/Ollama-llama3"), main);
      seenMains++;
    }
    report("kill-9-during-set-main kills=" + kills + " files_checked=" + seenMains + " partial_files=0");
  }

  private static String java() {
    return Path.of(System.getProperty("java.home"), "bin", "java").toString();
  }

  private static String classpath() {
    return System.getProperty("surefire.test.class.path", System.getProperty("java.class.path"));
  }
}
