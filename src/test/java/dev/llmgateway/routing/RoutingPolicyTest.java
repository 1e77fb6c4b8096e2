package dev.llmgateway.routing;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.llmgateway.testing.Async;
import dev.llmgateway.testing.FakeBackend;
import dev.llmgateway.testing.FakeLiteLlm;
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
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.core.http.PoolOptions;
import io.vertx.junit5.VertxExtension;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/** Mix mode, fallback, per-model concurrency queues, metrics and request ids. */
@ExtendWith(VertxExtension.class)
class RoutingPolicyTest {

  private static final String KEY = "sk-cloud-test-4444";

  private Vertx vertx;
  private Path dir;
  private FakeLlamaServer local;
  private FakeLiteLlm cloud;
  private GatewayHarness gateway;
  private TestHttp http;

  @BeforeEach
  void start(Vertx vertx, @TempDir Path dir) throws Exception {
    this.vertx = vertx;
    this.dir = dir;
    local = new FakeLlamaServer(vertx, "local.gguf");
    cloud = new FakeLiteLlm(vertx, KEY);
    Async.await(local.start());
    Async.await(cloud.start());
  }

  private void gateway(String extra) throws Exception {
    gateway = GatewayHarness.start(vertx, dir, """
        local_models:
          - id: local-main
            path: local.gguf
            port: %d
        cloud_models:
          - id: cloud-main
            path: openai/gpt-4o
            port: %d
            api_key_name: CLOUD_KEY
        main_llm_mode: mix
        main_llm_local: local_models/local-main
        main_llm_cloud: cloud_models/cloud-main
        """.formatted(local.port(), cloud.port()) + extra, Map.of("CLOUD_KEY", KEY));
    http = new TestHttp(vertx, gateway.port());
  }

  private static final String MIX = """
      hybrid_router:
        default_route: local
        fallback_on_llm_error: true
        prefer_cloud_if_long_chars: 100
        show_route_in_response: true
      """;

  private TestHttp.Answer chat(String content, String route) throws Exception {
    String body = new JsonObject().put("model", "main").put("messages", new JsonArray()
        .add(new JsonObject().put("role", "user").put("content", content))).encode();
    return Async.await(http.raw().request(HttpMethod.POST, "/v1/chat/completions").compose(req -> {
      req.putHeader("Content-Type", "application/json");
      if (route != null) {
        req.putHeader("X-LLM-Route", route);
      }
      return req.send(body).compose(resp -> resp.body().map(b -> new TestHttp.Answer(resp.statusCode(),
          resp.headers(), b.toString())));
    }));
  }

  @Test
  void mixModeGoesToTheDefaultSideTheForcedSideOrCloudForLongPrompts() throws Exception {
    gateway(MIX);
    TestHttp.Answer plain = chat("hi", null);
    assertEquals(200, plain.status(), plain.body());
    assertEquals("local", plain.headers().get("X-LLM-Route"));
    assertEquals("local-main", plain.headers().get("X-LLM-Model"));

    TestHttp.Answer forced = chat("hi", "cloud");
    assertEquals("cloud", forced.headers().get("X-LLM-Route"));
    assertEquals("openai/gpt-4o", forced.json().getString("model"));
    assertEquals("Bearer " + KEY, cloud.lastRequest().headers().get("Authorization"));

    assertEquals("local", chat("x".repeat(500), "local").headers().get("X-LLM-Route"));
    assertEquals("cloud", chat("x".repeat(101), null).headers().get("X-LLM-Route"), "long prompt");
    assertEquals(400, chat("hi", "sideways").status());
  }

  @Test
  void fallsBackToCloudWhenTheLocalServerIsDown() throws Exception {
    gateway(MIX);
    assertEquals("local", chat("hi", null).headers().get("X-LLM-Route"));
    Async.await(local.close()); // the local server goes away

    TestHttp.Answer answer = chat("hi", null);
    assertEquals(200, answer.status(), answer.body());
    assertEquals("cloud", answer.headers().get("X-LLM-Route"));
    assertEquals("cloud-main", answer.headers().get("X-LLM-Model"));
    String metrics = http.get("/metrics").body();
    assertTrue(metrics.contains("llm_gateway_fallbacks_total{from=\"local\",model=\"local-main\",to=\"cloud\"} 1.0"),
        metrics.lines().filter(l -> l.contains("fallback")).toList().toString());
  }

  @Test
  void fallsBackOnAServerErrorBeforeAnyByte() throws Exception {
    gateway(MIX);
    local.mode(FakeBackend.Mode.SERVER_ERROR);
    TestHttp.Answer answer = chat("hi", null);
    assertEquals(200, answer.status(), answer.body());
    assertEquals("cloud", answer.headers().get("X-LLM-Route"));
  }

  @Test
  void fallsBackForAStreamWhoseBackendFailsBeforeTheFirstByte() throws Exception {
    gateway(MIX);
    local.mode(FakeBackend.Mode.CLOSE_AT_ONCE);
    TestHttp.Stream stream = http.openStream("/v1/chat/completions", TestHttp.chat("main", true));
    assertEquals(200, stream.response().statusCode());
    assertEquals("cloud", stream.response().getHeader("X-LLM-Route"));
    String all = stream.rest();
    assertTrue(all.contains("cloud") && all.endsWith("data: [DONE]\n\n"), all);
  }

  @Test
  void doesNotFallBackOnceBytesReachedTheClient() throws Exception {
    gateway(MIX);
    local.mode(FakeBackend.Mode.DIE_MID_STREAM);
    TestHttp.Stream stream = http.openStream("/v1/chat/completions", TestHttp.chat("main", true));
    assertEquals("local", stream.response().getHeader("X-LLM-Route"));
    assertTrue(stream.rest().contains("\"error\""));
    assertTrue(cloud.requests().isEmpty(), "the cloud never saw it");
  }

  @Test
  void doesNotFallBackWhenTheConfigSaysNot() throws Exception {
    gateway(MIX.replace("fallback_on_llm_error: true", "fallback_on_llm_error: false"));
    local.mode(FakeBackend.Mode.SERVER_ERROR);
    assertEquals(500, chat("hi", null).status());
  }

  // --- concurrency --------------------------------------------------------------------------

  private static final String ONE_AT_A_TIME = """
      llm_max_concurrent_local: 1
      gateway:
        queue_max_length: 2
      """;

  /** Starts a stream that holds the local model's only slot until {@code release} completes. */
  private TestHttp.Stream holdTheSlot(Promise<Void> release) throws Exception {
    local.holdAfterFirstChunk(release.future());
    TestHttp.Stream holder = http.openStream("/v1/chat/completions", TestHttp.chat("local-main", true));
    holder.nextEvent();
    return holder;
  }

  private Future<TestHttp.Answer> send(String content) {
    String body = new JsonObject().put("model", "local-main").put("messages", new JsonArray()
        .add(new JsonObject().put("role", "user").put("content", content))).encode();
    return http.raw().request(HttpMethod.POST, "/v1/chat/completions")
        .compose(req -> req.putHeader("Content-Type", "application/json").send(body)
            .compose(resp -> resp.body().map(b -> new TestHttp.Answer(resp.statusCode(), resp.headers(),
                b.toString()))));
  }

  private double metric(String name, String labels) throws Exception {
    Matcher m = Pattern.compile("(?m)^" + Pattern.quote(name) + "\\{[^}]*" + Pattern.quote(labels)
        + "[^}]*\\} ([0-9.E+-]+)$").matcher(http.get("/metrics").body());
    return m.find() ? Double.parseDouble(m.group(1)) : -1;
  }

  private void awaitQueued(int n) throws InterruptedException {
    Async.until(() -> Async.quietly(() -> metric("llm_gateway_queue_depth", "model=\"local-main\"")) == n);
  }

  @Test
  void queuedRequestsGoInArrivalOrder() throws Exception {
    gateway(ONE_AT_A_TIME);
    Promise<Void> release = Promise.promise();
    TestHttp.Stream holder = holdTheSlot(release);
    Future<TestHttp.Answer> second = send("second");
    awaitQueued(1);
    Future<TestHttp.Answer> third = send("third");
    awaitQueued(2);
    assertEquals(1, local.requests().stream().filter(r -> r.path().endsWith("completions")).count());

    local.holdAfterFirstChunk(Future.succeededFuture());
    release.complete();
    holder.rest();
    assertEquals(200, Async.await(second).status());
    assertEquals(200, Async.await(third).status());
    var contents = local.requests().stream().filter(r -> r.path().endsWith("completions"))
        .map(r -> r.json().getJsonArray("messages").getJsonObject(0).getString("content")).toList();
    assertEquals("second", contents.get(1));
    assertEquals("third", contents.get(2));
    assertTrue(metric("llm_gateway_queue_wait_seconds_count", "model=\"local-main\"") >= 2);
  }

  @Test
  void answers429WithRetryAfterWhenTheQueueIsFull() throws Exception {
    gateway(ONE_AT_A_TIME);
    Promise<Void> release = Promise.promise();
    holdTheSlot(release);
    Future<TestHttp.Answer> a = send("a");
    Future<TestHttp.Answer> b = send("b");
    awaitQueued(2);
    TestHttp.Answer full = Async.await(send("c"));
    assertEquals(429, full.status());
    assertEquals("model_busy", full.error().getString("code"));
    assertTrue(Integer.parseInt(full.headers().get("Retry-After")) >= 1);
    local.holdAfterFirstChunk(Future.succeededFuture());
    release.complete();
    assertEquals(200, Async.await(a).status());
    assertEquals(200, Async.await(b).status());
  }

  @Test
  void aQueuedRequestWhoseClientLeavesIsRemoved() throws Exception {
    gateway(ONE_AT_A_TIME);
    Promise<Void> release = Promise.promise();
    holdTheSlot(release);
    HttpClientRequest leaving = Async.await(http.raw().request(HttpMethod.POST, "/v1/chat/completions"));
    leaving.putHeader("Content-Type", "application/json").send(TestHttp.chat("local-main", false));
    awaitQueued(1);
    leaving.connection().close();
    awaitQueued(0);
    local.holdAfterFirstChunk(Future.succeededFuture());
    release.complete();
    assertEquals(200, Async.await(send("after")).status());
    assertEquals(2, local.requests().stream().filter(r -> r.path().endsWith("completions")).count(),
        "the request that left never reached the model");
  }

  @Test
  void countsRequestsInMetricsAndTracksRequestIds() throws Exception {
    gateway("");
    HttpClientRequest req = Async.await(http.raw().request(HttpMethod.POST, "/v1/chat/completions"));
    TestHttp.Answer answer = Async.await(TestHttp.onLoop(vertx, () -> req
        .putHeader("Content-Type", "application/json")
        .putHeader("X-Request-Id", "trace-123").send(TestHttp.chat("local-main", false))
        .compose(resp -> resp.body().map(b -> new TestHttp.Answer(resp.statusCode(), resp.headers(), b.toString())))));
    assertEquals("trace-123", answer.headers().get("X-Request-Id"));
    assertEquals("trace-123", local.lastRequest().headers().get("X-Request-Id"));
    String generated = http.postJson("/v1/chat/completions", TestHttp.chat("local-main", false)).headers().get("X-Request-Id");
    assertTrue(generated != null && !generated.isBlank());
    assertNull(answer.headers().get("X-LLM-Route"), "only with show_route_in_response");

    assertEquals(2.0, metric("llm_gateway_requests_total", "model=\"local-main\""));
    TestHttp.Stream stream = http.openStream("/v1/chat/completions", TestHttp.chat("local-main", true));
    stream.rest();
    Async.until(() -> Async.quietly(() -> metric("llm_gateway_stream_chunks_total", "model=\"local-main\"")) > 0);
    assertTrue(metric("llm_gateway_time_to_first_token_seconds_count", "model=\"local-main\"") >= 1);
    assertTrue(metric("llm_gateway_config_reloads_total", "result=\"ok\"") >= 1);
    assertFalse(http.get("/metrics").body().contains(KEY));
  }

  @Test
  void anOllamaEntryWithDefaultsQueuesWhatOllamaWouldInsteadOfRefusing() throws Exception {
    FakeOllama ollama = new FakeOllama(vertx, "qwen2.5:7b");
    Async.await(ollama.start());
    gateway = GatewayHarness.start(vertx, dir, """
        local_models:
          - id: ollama-qwen
            type: ollama
            path: qwen2.5:7b
            host: 127.0.0.1
            port: %d
        main_llm_mode: local
        main_llm_local: local_models/ollama-qwen
        """.formatted(ollama.port()), Map.of());
    http = new TestHttp(vertx, gateway.port());
    Promise<Void> release = Promise.promise();
    ollama.holdAfterFirstChunk(release.future());
    // 60 streams at once: 4 run (the default for an Ollama model), 56 wait; before the queue held
    // Ollama's own 512, the 37th got 429.
    HttpClient client = vertx.createHttpClient(new HttpClientOptions().setDefaultHost("127.0.0.1")
        .setDefaultPort(gateway.port()), new PoolOptions().setHttp1MaxSize(64));
    List<Future<TestHttp.Answer>> streams = new ArrayList<>();
    for (int i = 0; i < 60; i++) {
      streams.add(TestHttp.onLoop(vertx, () -> client.request(HttpMethod.POST, "/v1/chat/completions")
          .compose(req -> req.putHeader("Content-Type", "application/json")
              .send(TestHttp.chat("ollama-qwen", true))
              .compose(resp -> resp.body().map(b -> new TestHttp.Answer(resp.statusCode(), resp.headers(),
                  b.toString()))))));
    }
    Async.until(() -> Async.quietly(() -> metric("llm_gateway_queue_depth", "model=\"ollama-qwen\"")) == 56);
    // The 4 with a slot may still be on their way to Ollama: wait for them, then no more may come.
    Async.until(() -> ollama.requests().stream().filter(r -> r.path().endsWith("completions")).count() >= 4);
    assertEquals(4, ollama.requests().stream().filter(r -> r.path().endsWith("completions")).count());
    ollama.holdAfterFirstChunk(Future.succeededFuture());
    release.complete();
    for (Future<TestHttp.Answer> stream : streams) {
      TestHttp.Answer answer = Async.await(stream);
      assertEquals(200, answer.status(), answer.body());
      assertTrue(answer.body().contains("data: [DONE]"), answer.body());
    }
    Async.await(client.close());
    Async.await(ollama.close());
  }
}
