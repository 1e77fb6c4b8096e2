package dev.llmgateway.process;

import dev.llmgateway.testing.Ports;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.llmgateway.testing.Async;
import dev.llmgateway.testing.FakeLlamaServer;
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
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * Supervision of real child processes: a fake llama-server (a Java program from the test sources,
 * started through an executable wrapper exactly as llama-server would be).
 */
@ExtendWith(VertxExtension.class)
class ProcessSupervisionTest {

  @TempDir
  Path dir;

  private Path llamaServer;
  private Path spawnLog;

  @BeforeEach
  void install() throws Exception {
    llamaServer = FakeLlamaServerMain.install(dir.resolve("bin"));
    spawnLog = dir.resolve("spawns.log");
    Files.createDirectories(dir.resolve("models"));
  }

  /** A model file for the fake: its content says how the fake behaves. */
  private void model(String name, String behaviour) throws Exception {
    Files.writeString(dir.resolve("models").resolve(name), behaviour + "\nspawn_log=" + spawnLog + "\n");
  }

  private String config(String entries, String selection) {
    return """
        model_path: models
        gateway:
          llama_server:
            command: %s
          state_dir: state
          restart_backoff_seconds: 0.1
          stop_grace_seconds: 3
          max_restarts: 3
          restart_window_seconds: 60
        local_models:
        %s
        %s
        """.formatted(llamaServer, entries.stripTrailing().indent(2).stripTrailing(), selection);
  }

  private static String entry(String id, String file, int port, String extra) {
    return "- id: " + id + "\n  path: " + file + "\n  port: " + port + "\n" + (extra == null ? "" : extra.indent(2));
  }


  private List<String> spawns(String id) throws Exception {
    if (!Files.exists(spawnLog)) {
      return List.of();
    }
    return Files.readAllLines(spawnLog).stream().filter(l -> l.contains("--alias " + id + " ")
        || l.endsWith("--alias " + id)).toList();
  }


  /** The PID records under a state folder, for a failure's message. */
  private static String recorded(Path stateDir) {
    try (var files = Files.walk(stateDir)) {
      return files.filter(f -> f.toString().endsWith("-children.json"))
          .map(f -> f + "=" + Async.quietly(() -> Files.readString(f))).toList().toString();
    } catch (java.io.IOException e) {
      return "(none: " + e.getMessage() + ")";
    }
  }

  private static void awaitState(TestHttp http, String id, String wanted) throws InterruptedException {
    Async.until(() -> wanted.equals(http.processState(id)));
  }

  private static TestHttp.Answer chat(TestHttp http, String model) throws Exception {
    return http.postJson("/v1/chat/completions", TestHttp.chat(model, false));
  }

  @Test
  void startsTheMainModelAtBootAndTheOthersOnFirstRequest(Vertx vertx) throws Exception {
    model("main.gguf", "load_ms=100");
    model("other.gguf", "load_ms=100");
    int mainPort = Ports.free();
    GatewayHarness gw = GatewayHarness.start(vertx, dir, config(
        entry("main-model", "main.gguf", mainPort, null) + entry("other", "other.gguf", Ports.free(), null),
        "main_llm_local: local_models/main-model"), Map.of());
    TestHttp http = new TestHttp(vertx, gw.port());
    awaitState(http, "main-model", "running");
    assertEquals("stopped", http.processState("other"));

    TestHttp.Answer answer = chat(http, "main");
    assertEquals(200, answer.status(), answer.body());
    assertEquals("main-model", answer.json().getString("model"));
    String args = spawns("main-model").get(0);
    assertTrue(args.contains("--model " + dir.resolve("models/main.gguf")) && args.contains("--port " + mainPort), args);
    assertTrue(http.process("main-model").getLong("pid") > 0);

    assertEquals(200, chat(http, "other").status());
    assertEquals("running", http.processState("other"));
  }

  @Test
  void twentyConcurrentRequestsShareOneStart(Vertx vertx) throws Exception {
    model("lazy.gguf", "load_ms=500");
    GatewayHarness gw = GatewayHarness.start(vertx, dir, config(entry("lazy", "lazy.gguf", Ports.free(), null), ""),
        Map.of());
    TestHttp http = new TestHttp(vertx, gw.port());
    List<Future<Integer>> answers = new ArrayList<>();
    for (int i = 0; i < 20; i++) {
      answers.add(http.raw().request(HttpMethod.POST, "/v1/chat/completions")
          .compose(req -> req.putHeader("Content-Type", "application/json").send(TestHttp.chat("lazy", false))
              .compose(resp -> resp.body().map(b -> resp.statusCode()))));
    }
    Async.await("every answer", Future.all(answers), Duration.ofSeconds(60));
    answers.forEach(f -> assertEquals(200, f.result()));
    assertEquals(1, spawns("lazy").size());
  }

  @Test
  void bringsAKilledServerBack(Vertx vertx) throws Exception {
    model("main.gguf", "load_ms=50");
    GatewayHarness gw = GatewayHarness.start(vertx, dir, config(entry("main-model", "main.gguf", Ports.free(), null),
        "main_llm_local: main-model"), Map.of());
    TestHttp http = new TestHttp(vertx, gw.port());
    awaitState(http, "main-model", "running");
    long pid = http.process("main-model").getLong("pid");

    ProcessHandle killed = ProcessHandle.of(pid).orElseThrow();
    killed.destroyForcibly(); // kill -9
    killed.onExit().get(10, TimeUnit.SECONDS);
    // At once: the port refuses, and the request waits for the restart instead of failing.
    TestHttp.Answer during = chat(http, "main");
    assertEquals(200, during.status(), during.body());
    Async.until(() -> {
      JsonObject p = http.process("main-model");
      return p != null && "running".equals(p.getString("state")) && p.getLong("pid") != null
          && p.getLong("pid") != pid;
    });
    assertEquals(200, chat(http, "main").status());
    JsonObject p = http.process("main-model");
    assertEquals(1, p.getInteger("restarts"));
    assertEquals(137, p.getInteger("last_exit_code"));
  }

  @Test
  void marksACrashLoopFailedAndTriesAgainOnStart(Vertx vertx) throws Exception {
    model("crashy.gguf", "load_ms=60000\nexit_after_ms=50\nexit_code=3");
    GatewayHarness gw = GatewayHarness.start(vertx, dir, config(entry("crashy", "crashy.gguf", Ports.free(), null), ""),
        Map.of());
    TestHttp http = new TestHttp(vertx, gw.port());
    TestHttp.Answer first = chat(http, "crashy");
    assertEquals(503, first.status());
    String message = first.error().getString("message");
    assertTrue(message.contains("exited with code 3 while starting") && message.contains("exiting with code 3 as told"),
        message);

    awaitState(http, "crashy", "failed");
    TestHttp.Answer refused = chat(http, "crashy");
    assertEquals(503, refused.status());
    assertEquals("model_unavailable", refused.error().getString("code"));
    assertTrue(refused.error().getString("message").contains("/admin/processes/crashy/start"));
    assertEquals(3, spawns("crashy").size());

    model("crashy.gguf", "load_ms=50"); // fixed
    assertEquals(200, http.send(HttpMethod.POST, "/admin/processes/crashy/start", null, null).status());
    awaitState(http, "crashy", "running");
    assertEquals(200, chat(http, "crashy").status());
  }

  @Test
  void stopsAModelThatIsIdleForItsTtl(Vertx vertx) throws Exception {
    model("idle.gguf", "load_ms=50");
    GatewayHarness gw = GatewayHarness.start(vertx, dir, config(entry("idle", "idle.gguf", Ports.free(), "ttl: 1"), ""),
        Map.of());
    TestHttp http = new TestHttp(vertx, gw.port());
    assertEquals(200, chat(http, "idle").status());
    long pid = http.process("idle").getLong("pid");
    awaitState(http, "idle", "stopped");
    Async.until(() -> ProcessHandle.of(pid).map(h -> !h.isAlive()).orElse(true));
    assertEquals(200, chat(http, "idle").status(), "started again by the next request");
  }

  /**
   * No limit configured: the gateway admits as many requests at once as the server has slots (the
   * fake reports 4 in /props, as llama-server's auto default), not one at a time — also the four
   * that arrive together while the model is still stopped and wait for its start. The requests are
   * held by the fake's slow chunks, so "4 in flight at once" is reached or never is.
   */
  @Test
  void admitsAsManyRequestsAtOnceAsTheServerHasSlots(Vertx vertx) throws Exception {
    model("slow.gguf", "load_ms=50\nchunk_delay_ms=1500");
    GatewayHarness gw = GatewayHarness.start(vertx, dir, config(entry("slow", "slow.gguf", Ports.free(), null), ""),
        Map.of());
    TestHttp http = new TestHttp(vertx, gw.port());
    List<Future<String>> answers = new ArrayList<>();
    for (int i = 0; i < 4; i++) { // all four before the model has started
      answers.add(http.raw().request(HttpMethod.POST, "/v1/chat/completions")
          .compose(req -> req.putHeader("Content-Type", "application/json").send(TestHttp.chat("slow", true))
              .compose(resp -> resp.body().map(b -> b.toString()))));
    }
    Async.until("four requests in flight at the server at once",
        () -> Integer.valueOf(4).equals(Async.quietly(() -> http.process("slow").getInteger("in_flight"))));
    Async.await("every answer", Future.all(answers), Duration.ofSeconds(60));
    answers.forEach(f -> assertTrue(f.result().endsWith("data: [DONE]\n\n"), f.result()));
    assertTrue(slotsKnown(http), "/v1/models shows the server's 4 slots");
  }

  /** What the process verticle publishes to the routers says how many slots the server has. */
  private static boolean slotsKnown(TestHttp http) throws Exception {
    JsonArray data = http.get("/v1/models").json().getJsonArray("data");
    for (int i = 0; i < data.size(); i++) {
      JsonObject meta = data.getJsonObject(i).getJsonObject("meta");
      if (meta != null && meta.getInteger("slots", 0) == 4) {
        return true;
      }
    }
    return false;
  }

  @Test
  void keepsAModelWithARequestInFlightRunning(Vertx vertx) throws Exception {
    model("slow.gguf", "load_ms=50\nchunk_delay_ms=1000");
    GatewayHarness gw = GatewayHarness.start(vertx, dir, config(entry("slow", "slow.gguf", Ports.free(), "ttl: 1"), ""),
        Map.of());
    TestHttp http = new TestHttp(vertx, gw.port());
    // Four chunks a second apart: the answer takes longer than the ttl.
    TestHttp.Stream stream = http.openStream("/v1/chat/completions", TestHttp.chat("slow", true));
    stream.nextEvent();
    // Nothing to wait for: the claim is that nothing happens while time passes beyond the ttl
    // (and two of the supervisor's once-a-second idle checks).
    Async.await("2.2 s of the answer in flight", vertx.timer(2200));
    assertEquals("running", http.processState("slow"));
    assertTrue(stream.rest().endsWith("data: [DONE]\n\n"));
    awaitState(http, "slow", "stopped");
  }

  @Test
  void usesAServerThatAlreadyListensOnThePort(Vertx vertx) throws Exception {
    FakeLlamaServer external = new FakeLlamaServer(vertx, "theirs.gguf");
    int port = Ports.free();
    Async.await(external.start("127.0.0.1", port));
    GatewayHarness gw = GatewayHarness.start(vertx, dir, config(entry("ext", "not-downloaded.gguf", port, null), ""),
        Map.of());
    TestHttp http = new TestHttp(vertx, gw.port());
    assertEquals(200, chat(http, "ext").status());
    assertEquals("external", http.processState("ext"));
    assertTrue(external.requests().stream().anyMatch(r -> r.path().equals("/v1/chat/completions")));
    assertTrue(spawns("ext").isEmpty());
  }

  @Test
  void asksAgainWhenTheServerOnThePortIsTooBusyToAnswerAtOnce(Vertx vertx) throws Exception {
    // A llama-server look-alike whose first /health goes unanswered past the probe's 2 s (a busy
    // machine); later ones are answered.
    int[] probes = {0};
    io.vertx.core.http.HttpServer busy = Async.await(vertx.createHttpServer().requestHandler(req -> {
      if (req.path().equals("/health")) {
        if (probes[0]++ > 0) {
          req.response().putHeader("Content-Type", "application/json").end("{\"status\":\"ok\"}");
        }
        return; // the first is never answered
      }
      req.body().onSuccess(b -> req.response().putHeader("Content-Type", "application/json")
          .end(new JsonObject().put("object", "chat.completion").put("choices", new JsonArray()
              .add(new JsonObject().put("index", 0).put("finish_reason", "stop")
                  .put("message", new JsonObject().put("role", "assistant").put("content", "hi")))).encode()));
    }).listen(0, "127.0.0.1"));
    GatewayHarness gw = GatewayHarness.start(vertx, dir, config(entry("busy", "not-downloaded.gguf",
        busy.actualPort(), null), ""), Map.of());
    TestHttp http = new TestHttp(vertx, gw.port());
    assertEquals(200, chat(http, "busy").status());
    assertEquals("external", http.processState("busy"));
    assertTrue(probes[0] >= 2, "asked again after the silent probe");
    assertTrue(spawns("busy").isEmpty());
  }

  @Test
  void refusesAPortHeldByAnotherProgram(Vertx vertx) throws Exception {
    int port = Ports.free();
    Async.await(vertx.createHttpServer().requestHandler(r -> r.response().setStatusCode(404).end("not llama"))
        .listen(port, "127.0.0.1"));
    model("m.gguf", "load_ms=50");
    GatewayHarness gw = GatewayHarness.start(vertx, dir, config(entry("squatted", "m.gguf", port, null), ""), Map.of());
    TestHttp http = new TestHttp(vertx, gw.port());
    TestHttp.Answer answer = chat(http, "squatted");
    assertEquals(503, answer.status());
    assertTrue(answer.error().getString("message").contains("port " + port + " on 127.0.0.1 is in use by another program"),
        answer.body());
    assertEquals("failed", http.processState("squatted"));
  }

  @Test
  void explainsAMissingModelFileOrExecutable(Vertx vertx) throws Exception {
    GatewayHarness gw = GatewayHarness.start(vertx, dir, config(entry("absent", "absent.gguf", Ports.free(), null), ""),
        Map.of());
    TestHttp http = new TestHttp(vertx, gw.port());
    TestHttp.Answer answer = chat(http, "absent");
    assertEquals(503, answer.status());
    assertTrue(answer.error().getString("message").contains("model file " + dir.resolve("models/absent.gguf") + " not found"),
        answer.body());

    model("m.gguf", "load_ms=50");
    String noBinary = config(entry("m", "m.gguf", Ports.free(), null), "").replace(llamaServer.toString(), "/nowhere/llama-server");
    Path other = Files.createDirectories(dir.resolve("other"));
    Files.createDirectories(other.resolve("models"));
    Files.copy(dir.resolve("models/m.gguf"), other.resolve("models/m.gguf"));
    Vertx own = Vertx.vertx();
    try {
      GatewayHarness gw2 = GatewayHarness.start(own, other, noBinary, Map.of());
      TestHttp.Answer missing = chat(new TestHttp(own, gw2.port()), "m");
      assertEquals(503, missing.status());
      assertTrue(missing.error().getString("message").contains("/nowhere/llama-server was not found")
          && missing.error().getString("message").contains("LLAMA_SERVER"), missing.body());
    } finally {
      Async.await(own.close());
    }
  }

  @Test
  void stopsEveryChildOnShutdown() throws Exception {
    model("main.gguf", "load_ms=50");
    model("emb.gguf", "load_ms=50");
    Vertx own = Vertx.vertx();
    GatewayHarness gw = GatewayHarness.start(own, dir, config(
        entry("main-model", "main.gguf", Ports.free(), null) + entry("emb", "emb.gguf", Ports.free(), null),
        "main_llm_local: main-model\nembedding_llm: emb"), Map.of());
    TestHttp http = new TestHttp(own, gw.port());
    awaitState(http, "main-model", "running");
    awaitState(http, "emb", "running");
    List<Long> pids = List.of(http.process("main-model").getLong("pid"), http.process("emb").getLong("pid"));
    Async.await(own.close());
    for (long pid : pids) {
      assertFalse(ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false), "pid " + pid + " survived");
    }
  }

  @Test
  void killsAChildThatIgnoresSigtermAfterTheGracePeriod(Vertx vertx) throws Exception {
    model("stubborn.gguf", "load_ms=50\nslow_exit_ms=60000");
    GatewayHarness gw = GatewayHarness.start(vertx, dir, config(entry("stubborn", "stubborn.gguf", Ports.free(), null), "")
        .replace("stop_grace_seconds: 3", "stop_grace_seconds: 1"), Map.of());
    TestHttp http = new TestHttp(vertx, gw.port());
    assertEquals(200, chat(http, "stubborn").status());
    long pid = http.process("stubborn").getLong("pid");
    TestHttp.Answer stopped = http.send(HttpMethod.POST, "/admin/processes/stubborn/stop", null, null);
    assertEquals(200, stopped.status(), stopped.body());
    assertEquals("stopped", stopped.json().getString("state"));
    assertFalse(ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false));
    assertEquals(137, stopped.json().getInteger("last_exit_code"), "SIGKILL after the grace period");
  }

  @Test
  void restartsOnlyTheEntryWhoseConfigChanged(Vertx vertx) throws Exception {
    model("main.gguf", "load_ms=50");
    model("emb.gguf", "load_ms=50");
    String before = config(entry("main-model", "main.gguf", Ports.free(), null) + entry("emb", "emb.gguf", Ports.free(), null),
        "main_llm_local: main-model\nembedding_llm: emb");
    GatewayHarness gw = GatewayHarness.start(vertx, dir, before, Map.of());
    TestHttp http = new TestHttp(vertx, gw.port());
    awaitState(http, "main-model", "running");
    awaitState(http, "emb", "running");
    long mainPid = http.process("main-model").getLong("pid");
    long embPid = http.process("emb").getLong("pid");
    int newPort = Ports.free();
    gw.rewrite(before.replaceFirst("(id: emb\\n\\s+path: emb.gguf\\n\\s+port: )\\d+", "$1" + newPort));
    Async.until(() -> {
      JsonObject p = http.process("emb");
      return p != null && p.getInteger("port") == newPort && "running".equals(p.getString("state"));
    });
    assertNotEquals(embPid, http.process("emb").getLong("pid"));
    assertEquals(mainPid, http.process("main-model").getLong("pid"));
    assertFalse(ProcessHandle.of(embPid).map(ProcessHandle::isAlive).orElse(false));
  }

  @Test
  void stopsOrphansThatACrashedGatewayLeftBehind(Vertx vertx) throws Exception {
    model("main.gguf", "load_ms=50");
    String yaml = config(entry("main-model", "main.gguf", Ports.free(), null), "main_llm_local: main-model");
    Files.writeString(dir.resolve("llm.yml"), yaml);
    String classpath = System.getProperty("surefire.test.class.path", System.getProperty("java.class.path"));
    ProcessBuilder gateway = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
        "-cp", classpath, "dev.llmgateway.cli.Main", "serve", "--config", dir.resolve("llm.yml").toString(),
        "--port", "0").redirectErrorStream(true).redirectOutput(dir.resolve("first.log").toFile());
    // LLAMA_SERVER (set for the real-server tests, or by the user) would win over the file's fake
    gateway.environment().remove("LLAMA_SERVER");
    Process first = gateway.start();
    long orphan = -1;
    try {
      try {
        Async.until("the first gateway starts its main model",
            () -> Integer.valueOf(1).equals(Async.quietly(() -> spawns("main-model").size())), Duration.ofSeconds(60));
      } catch (AssertionError e) { // seen once in a loaded run: say what the first gateway printed
        throw new AssertionError(e.getMessage() + "; the first gateway's output:\n"
            + Files.readString(dir.resolve("first.log")), e);
      }
      orphan = Long.parseLong(spawns("main-model").get(0).split(" ")[0]);
      long pid = orphan;
      first.destroyForcibly().waitFor(10, TimeUnit.SECONDS); // kill -9: no shutdown hook runs
      assertTrue(ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false), "the child outlived it");

      GatewayHarness second = GatewayHarness.start(vertx, dir, yaml, Map.of());
      try {
        Async.until("the second gateway stops the orphan",
            () -> !ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false));
      } catch (AssertionError e) { // seen in loaded runs: say what was recorded and what ran
        throw new AssertionError(e.getMessage() + "; orphan " + pid + " " + ProcessHandle.of(pid).map(
            h -> h.info().toString()).orElse("-") + "; recorded: " + recorded(dir.resolve("state"))
            + "; the first gateway's output:\n" + Files.readString(dir.resolve("first.log")), e);
      }
      TestHttp http = new TestHttp(vertx, second.port());
      awaitState(http, "main-model", "running");
      assertNotEquals(pid, http.process("main-model").getLong("pid"));
    } finally {
      first.destroyForcibly();
      if (orphan > 0) { // a failed run must not leave its orphan behind
        ProcessHandle.of(orphan).ifPresent(ProcessHandle::destroyForcibly);
      }
    }
  }

  @Test
  void streamsAChildsOutputTailFirst(Vertx vertx) throws Exception {
    model("main.gguf", "load_ms=50");
    GatewayHarness gw = GatewayHarness.start(vertx, dir, config(entry("main-model", "main.gguf", Ports.free(), null),
        "main_llm_local: main-model"), Map.of());
    TestHttp http = new TestHttp(vertx, gw.port());
    awaitState(http, "main-model", "running");
    TestHttp.Stream logs = http.openEvents("/admin/processes/main-model/logs");
    assertEquals(200, logs.response().statusCode());
    String event;
    do {
      event = logs.nextEvent();
    } while (!event.contains("server is listening"));
    assertEquals(200, chat(http, "main").status());
    do {
      event = logs.nextEvent();
    } while (!event.contains("request: POST /v1/chat/completions"));
    assertTrue(event.startsWith("event: log\ndata: {"), event);
    assertEquals(404, http.get("/admin/processes/nope/logs").status());
  }

  @Test
  void runsALiteLlmProxyForCloudModelsWhenConfigured(Vertx vertx) throws Exception {
    Path litellm = dev.llmgateway.testing.FakeLiteLlmMain.install(dir.resolve("bin"));
    int port = Ports.free();
    String yaml = """
        gateway:
          state_dir: state
          litellm:
            command: %s
        local_models: []
        cloud_models:
          - id: gpt
            path: openai/gpt-4o
            port: %d
            api_key_name: TEST_OPENAI_KEY
          - id: deepseek
            path: deepseek/deepseek-chat
            port: %d
            api_key: sk-inline-123456
        main_llm_cloud: gpt
        main_llm_mode: cloud
        """.formatted(litellm, port, port);
    GatewayHarness gw = GatewayHarness.start(vertx, dir, yaml, Map.of("TEST_OPENAI_KEY", "sk-env-987654"));
    TestHttp http = new TestHttp(vertx, gw.port());
    awaitState(http, "litellm-" + port, "running");
    TestHttp.Answer answer = chat(http, "main");
    assertEquals(200, answer.status(), answer.body());
    assertEquals("openai/gpt-4o", answer.json().getString("model"));
    assertEquals(200, chat(http, "deepseek").status());
    String generated = Files.readString(dir.resolve("state").resolve(
        Files.list(dir.resolve("state")).filter(f -> f.toString().endsWith(".yaml")).findFirst().orElseThrow()));
    assertTrue(generated.contains("os.environ/TEST_OPENAI_KEY"), generated);
    assertFalse(generated.contains("sk-inline-123456") || generated.contains("sk-env-987654"),
        "keys travel in the child's environment, never on disk");
    assertFalse(http.get("/admin/processes").body().contains("sk-"), "no key in admin answers");
  }

  @Test
  void showsEveryModelsStateInAdminModels(Vertx vertx) throws Exception {
    model("main.gguf", "load_ms=50");
    GatewayHarness gw = GatewayHarness.start(vertx, dir, config(
        entry("main-model", "main.gguf", Ports.free(), null)
            + "- id: ollama-down\n  type: ollama\n  path: qwen2.5:7b\n  port: " + Ports.free() + "\n",
        "main_llm_local: main-model"), Map.of());
    TestHttp http = new TestHttp(vertx, gw.port());
    awaitState(http, "main-model", "running");
    JsonArray models = http.get("/admin/models").json().getJsonArray("models");
    assertEquals("running", models.getJsonObject(0).getString("state"));
    assertEquals(new JsonArray().add("main"), models.getJsonObject(0).getJsonArray("roles"));
    assertEquals("unreachable", models.getJsonObject(1).getString("state"));
    assertEquals("ollama", models.getJsonObject(1).getString("type"));
  }
}
