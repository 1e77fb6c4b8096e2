package dev.llmgateway.llamacpp;

import dev.llmgateway.testing.Ports;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.llmgateway.testing.Async;
import dev.llmgateway.testing.FakeLlamaServer;
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
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * The gateway in front of a real {@code llama-server} (see {@link RealLlamaServer} for where it
 * comes from) serving {@link TinyModel}s written into the test's folder, configured through
 * {@code llm.yml} as users do. The fakes in {@code testing/} stay for what a real server does not do
 * on demand (crash loops, hangs, slow streams).
 */
@Tag("llama-server")
@ExtendWith(VertxExtension.class)
class LlamaServerTest {

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
      return; // each test says why it is skipped
    }
    models = Files.createDirectories(shared.resolve("models"));
    TinyModel.chat(real.vocab(), models.resolve("tiny-chat.gguf"));
    TinyModel.embedding(real.vocab(), models.resolve("tiny-embedding.gguf"));
  }

  @BeforeEach
  void needsARealServer() {
    real = RealLlamaServer.require();
  }

  // --- config ----------------------------------------------------------------------------------

  /** An llm.yml as a user writes it: the server's path, a model folder, entries relative to it. */
  private static String config(String command, String llamaCpp, String entries, String selection) {
    return """
        model_path: %s
        gateway:
        %s  state_dir: state
          restart_backoff_seconds: 0.1
          stop_grace_seconds: 5
        llama_cpp:
          ctx_size: 256
          threads: 1
        %s
        local_models:
        %s
        %s
        """.formatted(models, command == null ? "" : "  llama_server:\n    command: " + command + "\n",
        llamaCpp == null ? "" : llamaCpp.stripTrailing().indent(2).stripTrailing(),
        entries.stripTrailing().indent(2).stripTrailing(), selection);
  }

  private static String entry(String id, String file, int port) {
    return "- id: " + id + "\n  path: " + file + "\n  port: " + port + "\n";
  }


  // --- requests --------------------------------------------------------------------------------

  private static String chat(String model, String prompt, int maxTokens, boolean stream) {
    JsonObject body = new JsonObject().put("model", model).put("max_tokens", maxTokens)
        .put("messages", new JsonArray().add(new JsonObject().put("role", "user").put("content", prompt)));
    return (stream ? body.put("stream", true) : body).encode();
  }


  /** A real server loads in well under a second, but on a busy machine it can take many. */
  private static final Duration LOAD = Duration.ofSeconds(60);

  private static void awaitState(TestHttp http, String id, String wanted) {
    Async.until(id + " " + wanted, () -> wanted.equals(http.processState(id)), LOAD);
  }

  /** POSTs JSON; generation on a busy 2-core machine may take longer than TestHttp's 20 s. */
  private static TestHttp.Answer post(Vertx vertx, TestHttp http, String path, String body) {
    return Async.await("POST " + path, TestHttp.onLoop(vertx, () -> http.raw().request(HttpMethod.POST, path)
        .compose(req -> req.putHeader("Content-Type", "application/json").send(body)
            .compose(resp -> resp.body().map(b -> new TestHttp.Answer(resp.statusCode(), resp.headers(),
                b.toString()))))), LOAD);
  }

  /** Live processes started from this JVM (children of children too) whose command line names this model. */
  private static List<ProcessHandle> serversOf(Path model) {
    return ProcessHandle.current().descendants().filter(p -> p.info().arguments()
        .map(args -> List.of(args).contains(model.toString())).orElse(false)).toList();
  }

  private static void assertChatCompletion(TestHttp.Answer answer, String model, int maxTokens) {
    assertEquals(200, answer.status(), answer.body());
    JsonObject json = answer.json();
    assertEquals("chat.completion", json.getString("object"));
    assertEquals(model, json.getString("model"));
    JsonObject choice = json.getJsonArray("choices").getJsonObject(0);
    assertEquals("assistant", choice.getJsonObject("message").getString("role"));
    assertFalse(choice.getJsonObject("message").getString("content").isBlank(), answer.body());
    assertEquals("length", choice.getString("finish_reason"), "the tiny model never picks EOS");
    assertEquals(maxTokens, json.getJsonObject("usage").getInteger("completion_tokens"));
    assertNotNull(json.getJsonObject("timings"), "llama-server's own timings pass through");
  }

  // --- tests -----------------------------------------------------------------------------------

  @Test
  void startsTheMainModelWithTheGatewayAndAnswers(Vertx vertx) throws Exception {
    int port = Ports.free();
    long start = System.nanoTime();
    GatewayHarness gw = GatewayHarness.start(vertx, dir, config(real.binary().toString(), null,
        entry("tiny", "tiny-chat.gguf", port), "main_llm_local: local_models/tiny"), Map.of());
    TestHttp http = new TestHttp(vertx, gw.port());
    awaitState(http, "tiny", "running");
    System.out.printf("llama-server: the main model was running %d ms after the gateway began starting%n",
        (System.nanoTime() - start) / 1_000_000);

    JsonObject p = http.process("tiny");
    assertTrue(p.getLong("pid") > 0);
    assertTrue(p.getString("command").startsWith(real.binary() + " --model " + models.resolve("tiny-chat.gguf")),
        p.getString("command"));
    assertEquals(1, serversOf(models.resolve("tiny-chat.gguf")).size());
    assertChatCompletion(post(vertx, http, "/v1/chat/completions", chat("main", "Say hi", 8, false)), "tiny", 8);

    JsonObject row = http.get("/admin/models").json().getJsonArray("models").getJsonObject(0);
    assertEquals("running", row.getString("state"));
    assertEquals(new JsonArray().add("main"), row.getJsonArray("roles"));
    assertTrue(http.get("/v1/models").body().contains("\"tiny\""));

    // No limit configured: the gateway admits as many requests at once as the server has slots.
    int slots = new TestHttp(vertx, port).get("/props").json().getInteger("total_slots");
    System.out.printf("llama-server: %d slot(s) with the gateway's default flags%n", slots);
    Async.until("/v1/models shows the server's slots", () -> Integer.valueOf(slots).equals(Async.quietly(
        () -> http.get("/v1/models").json().getJsonArray("data").getJsonObject(0).getJsonObject("meta")
            .getInteger("slots"))));
  }

  @Test
  void tenConcurrentRequestsShareOneLazyStart(Vertx vertx) throws Exception {
    // The real server behind a wrapper that notes each launch (exec keeps the pid).
    Path spawns = dir.resolve("spawns.log");
    Path wrapper = dir.resolve("bin/llama-server");
    Files.createDirectories(wrapper.getParent());
    Files.writeString(wrapper, "#!/bin/sh\necho \"$$ $*\" >> '" + spawns + "'\nexec '" + real.binary() + "' \"$@\"\n");
    assertTrue(wrapper.toFile().setExecutable(true));
    GatewayHarness gw = GatewayHarness.start(vertx, dir, config(wrapper.toString(), null,
        entry("lazy", "tiny-chat.gguf", Ports.free()), ""), Map.of());
    TestHttp http = new TestHttp(vertx, gw.port());
    assertEquals("stopped", http.processState("lazy"), "no role: not started with the gateway");

    List<Future<TestHttp.Answer>> answers = new ArrayList<>();
    for (int i = 0; i < 10; i++) {
      String body = chat("lazy", "Request " + i, 4, false);
      answers.add(TestHttp.onLoop(vertx, () -> http.raw().request(HttpMethod.POST, "/v1/chat/completions")
          .compose(req -> req.putHeader("Content-Type", "application/json").send(body)
              .compose(resp -> resp.body().map(b -> new TestHttp.Answer(resp.statusCode(), resp.headers(),
                  b.toString()))))));
    }
    Async.await("ten answers, one after the other", Future.all(answers), LOAD.multipliedBy(3));
    for (Future<TestHttp.Answer> a : answers) {
      assertChatCompletion(a.result(), "lazy", 4);
    }
    List<String> launches = Files.readAllLines(spawns);
    assertEquals(1, launches.size(), launches.toString());
    assertEquals(1, serversOf(models.resolve("tiny-chat.gguf")).size());
    assertEquals(Long.parseLong(launches.get(0).split(" ")[0]), http.process("lazy").getLong("pid"));
  }

  @Test
  void bringsAKilledServerBack(Vertx vertx) throws Exception {
    GatewayHarness gw = GatewayHarness.start(vertx, dir, config(real.binary().toString(), null,
        entry("tiny", "tiny-chat.gguf", Ports.free()), "main_llm_local: tiny"), Map.of());
    TestHttp http = new TestHttp(vertx, gw.port());
    awaitState(http, "tiny", "running");
    long pid = http.process("tiny").getLong("pid");

    ProcessHandle killed = ProcessHandle.of(pid).orElseThrow();
    killed.destroyForcibly(); // kill -9
    killed.onExit().get(10, TimeUnit.SECONDS);
    // At once: the request waits for the restart instead of failing.
    assertChatCompletion(post(vertx, http, "/v1/chat/completions", chat("main", "Still there?", 4, false)), "tiny", 4);
    Async.until("tiny running again with a new pid", () -> {
      JsonObject p = http.process("tiny");
      return p != null && "running".equals(p.getString("state")) && p.getLong("pid") != null
          && p.getLong("pid") != pid;
    }, LOAD);
    JsonObject p = http.process("tiny");
    assertEquals(1, p.getInteger("restarts"));
    assertEquals(137, p.getInteger("last_exit_code"));
    assertEquals(1, serversOf(models.resolve("tiny-chat.gguf")).size());
  }

  @Test
  void sigtermToTheGatewayLeavesNoServerBehind() throws Exception {
    // The gateway as users run it, finding llama-server through LLAMA_SERVER (no command in the file).
    Files.writeString(dir.resolve("llm.yml"), config(null, """
        embedding:
          pooling: mean
        """, entry("tiny", "tiny-chat.gguf", Ports.free()) + entry("embed", "tiny-embedding.gguf", Ports.free()),
        "main_llm_local: tiny\nembedding_llm: embed"));
    int port = Ports.free();
    ProcessBuilder builder = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
        "-cp", System.getProperty("surefire.test.class.path", System.getProperty("java.class.path")),
        "dev.llmgateway.cli.Main", "serve", "--config", dir.resolve("llm.yml").toString(), "--port",
        Integer.toString(port)).redirectErrorStream(true).redirectOutput(dir.resolve("gateway.log").toFile());
    builder.environment().put("LLAMA_SERVER", real.binary().toString());
    builder.environment().put("XDG_STATE_HOME", dir.resolve("state").toString());
    Process gateway = builder.start();
    Vertx vertx = Vertx.vertx();
    try {
      TestHttp http = new TestHttp(vertx, port);
      Async.until("both servers running", () -> "running".equals(Async.quietly(() -> http.processState("tiny")))
          && "running".equals(Async.quietly(() -> http.processState("embed"))), LOAD);
      List<Long> pids = List.of(http.process("tiny").getLong("pid"), http.process("embed").getLong("pid"));
      assertTrue(http.process("tiny").getString("command").startsWith(real.binary() + " "));

      gateway.destroy(); // SIGTERM
      assertTrue(gateway.waitFor(30, TimeUnit.SECONDS), "the gateway did not exit");
      assertEquals(0, gateway.exitValue(), Files.readString(dir.resolve("gateway.log")));
      for (long pid : pids) {
        assertFalse(ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false), "llama-server " + pid + " survived");
      }
      assertTrue(serversOf(models.resolve("tiny-chat.gguf")).isEmpty());
      assertTrue(serversOf(models.resolve("tiny-embedding.gguf")).isEmpty());
    } finally {
      gateway.descendants().forEach(ProcessHandle::destroyForcibly); // a failed run leaves no orphan
      gateway.destroyForcibly();
      Async.await(vertx.close());
    }
  }

  @Test
  void passesLlamaServersRefusalOfAnOverLongPromptThrough(Vertx vertx) throws Exception {
    int llamaPort = Ports.free();
    GatewayHarness gw = GatewayHarness.start(vertx, dir, config(real.binary().toString(), null,
        entry("tiny", "tiny-chat.gguf", llamaPort), "main_llm_local: tiny"), Map.of());
    TestHttp http = new TestHttp(vertx, gw.port());
    awaitState(http, "tiny", "running");
    String prompt = "hello world ".repeat(300); // some 600 tokens for a context of 256
    TestHttp.Answer viaGateway = post(vertx, http, "/v1/chat/completions", chat("tiny", prompt, 4, false));
    TestHttp.Answer direct = post(vertx, new TestHttp(vertx, llamaPort), "/v1/chat/completions",
        chat("tiny", prompt, 4, false));

    assertEquals(400, direct.status(), direct.body());
    assertEquals(400, viaGateway.status(), viaGateway.body());
    assertEquals("exceed_context_size_error", viaGateway.error().getString("type"), viaGateway.body());
    assertEquals(direct.json(), viaGateway.json(), "llama-server's own error body, unchanged");
    assertTrue(viaGateway.headers().get("Content-Type").startsWith("application/json"));
  }

  @Test
  void streamsChunkForChunkWithUsage(Vertx vertx) throws Exception {
    int llamaPort = Ports.free();
    GatewayHarness gw = GatewayHarness.start(vertx, dir, config(real.binary().toString(), null,
        entry("tiny", "tiny-chat.gguf", llamaPort), "main_llm_local: tiny"), Map.of());
    TestHttp http = new TestHttp(vertx, gw.port());
    awaitState(http, "tiny", "running");
    // Greedy and without the prompt cache, so llama-server gives the same tokens to both requests.
    JsonObject request = new JsonObject(chat("tiny", "Tell me a story", 8, true)).put("temperature", 0)
        .put("cache_prompt", false).put("stream_options", new JsonObject().put("include_usage", true));

    TestHttp.Stream stream = http.openStream("/v1/chat/completions", request.encode());
    assertEquals(200, stream.response().statusCode());
    assertTrue(stream.response().getHeader("Content-Type").startsWith("text/event-stream"));
    assertEquals("no", stream.response().getHeader("X-Accel-Buffering"));
    List<String> events = new ArrayList<>();
    String event;
    do {
      event = stream.nextEvent();
      events.add(event);
    } while (!event.equals("data: [DONE]"));
    TestHttp.Stream own = new TestHttp(vertx, llamaPort).openStream("/v1/chat/completions", request.encode());
    List<String> direct = List.of(own.rest().split("\n\n"));

    List<JsonObject> chunks = events.subList(0, events.size() - 1).stream()
        .map(e -> {
          assertTrue(e.startsWith("data: "), e);
          return new JsonObject(e.substring("data: ".length()));
        }).toList();
    assertEquals(direct.size(), events.size(), "as many events as llama-server sent: " + events + " vs " + direct);
    for (int i = 0; i < chunks.size(); i++) {
      JsonObject mine = chunks.get(i);
      JsonObject theirs = new JsonObject(direct.get(i).substring("data: ".length()));
      assertEquals("chat.completion.chunk", mine.getString("object"));
      assertEquals("tiny", mine.getString("model"));
      assertEquals(theirs.getJsonArray("choices"), mine.getJsonArray("choices"), "chunk " + i);
    }
    JsonObject first = chunks.get(0).getJsonArray("choices").getJsonObject(0);
    assertEquals("assistant", first.getJsonObject("delta").getString("role"));
    long contentChunks = chunks.stream().filter(c -> !c.getJsonArray("choices").isEmpty()
        && c.getJsonArray("choices").getJsonObject(0).getJsonObject("delta").getString("content") != null).count();
    // One chunk per token, unless llama-server's output parser holds text back (say a "<" that may begin a tag).
    assertTrue(contentChunks >= 1 && contentChunks <= 8, "content chunks: " + contentChunks);
    JsonObject last = chunks.get(chunks.size() - 2).getJsonArray("choices").getJsonObject(0);
    assertEquals("length", last.getString("finish_reason"));
    JsonObject usage = chunks.get(chunks.size() - 1);
    assertTrue(usage.getJsonArray("choices").isEmpty(), usage.encode());
    assertEquals(8, usage.getJsonObject("usage").getInteger("completion_tokens"));
  }

  @Test
  void servesEmbeddingsFromAServerStartedForThem(Vertx vertx) throws Exception {
    GatewayHarness gw = GatewayHarness.start(vertx, dir, config(real.binary().toString(), """
        embedding:
          pooling: mean
        """, entry("tiny", "tiny-chat.gguf", Ports.free()) + entry("embed", "tiny-embedding.gguf", Ports.free()),
        "main_llm_local: tiny\nembedding_llm: embed"), Map.of());
    TestHttp http = new TestHttp(vertx, gw.port());
    awaitState(http, "embed", "running");
    String command = http.process("embed").getString("command");
    assertTrue(command.contains(" --embedding --pooling mean"), command);

    TestHttp.Answer answer = post(vertx, http, "/v1/embeddings", new JsonObject()
        .put("input", new JsonArray().add("hello world").add("something else entirely")).encode());
    assertEquals(200, answer.status(), answer.body());
    JsonArray data = answer.json().getJsonArray("data");
    assertEquals(2, data.size());
    List<double[]> vectors = new ArrayList<>();
    for (int i = 0; i < 2; i++) {
      assertEquals(i, data.getJsonObject(i).getInteger("index"));
      JsonArray e = data.getJsonObject(i).getJsonArray("embedding");
      assertEquals(TinyModel.N_EMBD, e.size());
      double[] v = new double[e.size()];
      double norm = 0;
      for (int j = 0; j < v.length; j++) {
        v[j] = e.getDouble(j);
        norm += v[j] * v[j];
      }
      assertEquals(1.0, Math.sqrt(norm), 1e-3, "llama-server normalizes OpenAI embeddings");
      vectors.add(v);
    }
    assertFalse(java.util.Arrays.equals(vectors.get(0), vectors.get(1)), "different texts, different vectors");
    assertTrue(answer.json().getJsonObject("usage").getInteger("prompt_tokens") > 0);

    // The chat model's server runs without --embedding: the gateway says so itself.
    TestHttp.Answer refused = post(vertx, http, "/v1/embeddings", new JsonObject().put("model", "tiny")
        .put("input", "hello").encode());
    assertEquals(400, refused.status(), refused.body());
    assertEquals("model_not_embedding", refused.error().getString("code"), refused.body());
  }

  @Test
  void theFakeAnswersErrorsWithTheRealServersBodies(Vertx vertx) throws Exception {
    int llamaPort = Ports.free();
    GatewayHarness gw = GatewayHarness.start(vertx, dir, config(real.binary().toString(), null,
        entry("tiny", "tiny-chat.gguf", llamaPort), "main_llm_local: tiny"), Map.of());
    awaitState(new TestHttp(vertx, gw.port()), "tiny", "running");
    FakeLlamaServer fake = new FakeLlamaServer(vertx, "tiny");
    Async.await(fake.start());
    TestHttp realOne = new TestHttp(vertx, llamaPort);
    TestHttp fakeOne = new TestHttp(vertx, fake.port());
    for (String[] call : new String[][] {
        {"/v1/embeddings", "{\"input\":\"hello\"}"}, // 501: started without --embedding
        {"/v1/chat/completions", "{\"model\":\"tiny\"}"}, // 400: no messages
    }) {
      TestHttp.Answer theirs = post(vertx, realOne, call[0], call[1]);
      TestHttp.Answer ours = post(vertx, fakeOne, call[0], call[1]);
      assertEquals(theirs.status(), ours.status(), call[0] + ": " + theirs.body());
      assertEquals(theirs.json(), ours.json(), call[0]);
    }
    // The model list: the same shape (values differ: the fake plays a 7B model).
    JsonObject theirs = realOne.get("/v1/models").json();
    JsonObject ours = fakeOne.get("/v1/models").json();
    assertEquals(theirs.fieldNames(), ours.fieldNames());
    JsonObject theirModel = theirs.getJsonArray("data").getJsonObject(0);
    JsonObject ourModel = ours.getJsonArray("data").getJsonObject(0);
    assertEquals("tiny", theirModel.getString("id"), "the gateway's --alias");
    assertEquals(theirModel.fieldNames(), ourModel.fieldNames());
    assertEquals(theirModel.getJsonObject("meta").fieldNames(), ourModel.getJsonObject("meta").fieldNames());
  }

  @Test
  void showsLlamaServersOwnMessageWhenItRefusesALaunch(Vertx vertx) throws Exception {
    // A value llama-server refuses: it prints why, then that flag's usage, and exits 1.
    GatewayHarness gw = GatewayHarness.start(vertx, dir, config(real.binary().toString(), "cache_type_k: q9_9",
        entry("tiny", "tiny-chat.gguf", Ports.free()), ""), Map.of());
    TestHttp http = new TestHttp(vertx, gw.port());
    TestHttp.Answer answer = post(vertx, http, "/v1/chat/completions", chat("tiny", "Say hi", 4, false));
    assertEquals(503, answer.status(), answer.body());
    assertEquals("model_unavailable", answer.error().getString("code"));
    String message = answer.error().getString("message");
    String own = "error while handling argument \"--cache-type-k\": Unsupported cache type: q9_9";
    assertTrue(message.contains("exited with code 1 while starting") && message.contains(own), message);
    System.out.println("llama-server: a launch it refuses gives a 503 saying: " + message);
    Async.until("the message in /admin/models", () -> {
      JsonObject row = Async.quietly(() -> http.get("/admin/models").json().getJsonArray("models").getJsonObject(0));
      return row != null && row.getString("message", "").contains(own);
    }, LOAD);
  }

  @Test
  void startsWithEveryLlamaCppSettingTheGatewayTurnsIntoAFlag(Vertx vertx) throws Exception {
    GatewayHarness gw = GatewayHarness.start(vertx, dir, config(real.binary().toString(), """
        predict: 6
        temp: 0.7
        n_gpu_layers: 0
        repeat_penalty: 1.1
        flash_attn: auto
        cache_type_k: f16
        cache_type_v: f16
        batch_size: 256
        ubatch_size: 128
        cont_batching: true
        use_mmap: false
        function_calling: true
        parallel: 2
        """, entry("full", "tiny-chat.gguf", Ports.free()), "main_llm_local: full"), Map.of());
    TestHttp http = new TestHttp(vertx, gw.port());
    Async.until("full started or given up", () -> List.of("running", "failed", "backoff")
        .contains(String.valueOf(http.processState("full"))), LOAD);
    JsonObject p = http.process("full");
    assertEquals("running", p.getString("state"), "llama-server refused the gateway's flags: " + p.encodePrettily());
    for (String flag : List.of("--predict 6", "--temp 0.7", "--n-gpu-layers 0", "--repeat-penalty 1.1",
        "--flash-attn auto", "--cache-type-k f16", "--cache-type-v f16", "--batch-size 256", "--ubatch-size 128",
        "--cont-batching", "--load-mode none", "--jinja", "--parallel 2", "--threads 1", "--ctx-size 256")) {
      assertTrue(p.getString("command").contains(" " + flag), flag + " in " + p.getString("command"));
    }
    // predict is the server's default for max_tokens: a request without one gets 6 tokens
    TestHttp.Answer answer = post(vertx, http, "/v1/chat/completions", new JsonObject().put("model", "full")
        .put("messages", new JsonArray().add(new JsonObject().put("role", "user").put("content", "Hi"))).encode());
    assertChatCompletion(answer, "full", 6);
  }
}
