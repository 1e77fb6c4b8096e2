package dev.llmgateway.ollama;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.llmgateway.testing.Async;
import dev.llmgateway.testing.FakeOllama;
import dev.llmgateway.testing.GatewayHarness;
import dev.llmgateway.testing.Sse;
import dev.llmgateway.testing.TestHttp;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.junit5.VertxExtension;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/** /admin/ollama/* and PUT /admin/main on a running gateway, against a fake Ollama. */
@ExtendWith(VertxExtension.class)
class OllamaAdminTest {

  private FakeOllama ollama;
  private GatewayHarness gateway;
  private TestHttp http;
  private final Promise<Void> release = Promise.promise();

  @BeforeEach
  void start(Vertx vertx, @TempDir Path dir) throws Exception {
    ollama = new FakeOllama(vertx, "qwen2.5:7b");
    Async.await(ollama.start());
    gateway = GatewayHarness.start(vertx, dir, """
        # the gateway's config, with a comment that must survive write-backs
        local_models:
          - id: Ollama-qwen2.5-7b
            alias: Qwen 7B
            type: ollama
            path: qwen2.5:7b
            port: %d

        main_llm_mode: local
        main_llm_local: local_models/Ollama-qwen2.5-7b
        gateway:
          ollama_url: http://127.0.0.1:%d
        """.formatted(ollama.port(), ollama.port()), Map.of());
    http = new TestHttp(vertx, gateway.port());
  }

  private JsonObject startPull(String model) throws Exception {
    TestHttp.Answer answer = http.postJson("/admin/ollama/pulls", new JsonObject().put("model", model).encode());
    assertEquals(202, answer.status(), answer.body());
    JsonObject started = answer.json();
    assertEquals("/admin/ollama/pulls/" + started.getString("id"), answer.headers().get("Location"));
    assertEquals("/admin/ollama/pulls/" + started.getString("id") + "/events", started.getString("events"));
    return started;
  }

  /** Reads progress events until one shows bytes (the fake holds there), returning it. */
  private static Sse untilBytes(TestHttp.Stream stream) throws InterruptedException {
    Sse e;
    do {
      e = Sse.next(stream);
      assertEquals("progress", e.name(), e.toString());
    } while (e.data().getDouble("percent") == 0.0);
    return e;
  }

  @Test
  void streamsPullProgressToTwoSubscribersIncludingALateOne() throws Exception {
    ollama.holdPulls(release.future());
    JsonObject started = startPull("qwen2.5:0.5b");
    assertFalse(started.getBoolean("joined"));

    TestHttp.Stream first = http.openEvents(started.getString("events"));
    assertEquals("text/event-stream; charset=utf-8", first.response().getHeader("Content-Type"));
    assertEquals("no", first.response().getHeader("X-Accel-Buffering"));
    Sse held = untilBytes(first);
    assertEquals(20.0, held.data().getDouble("percent"));
    assertEquals("qwen2.5:0.5b", held.data().getString("model"));
    assertTrue(held.data().getString("status").startsWith("pulling "), held.toString());
    assertTrue(held.data().getString("digest").startsWith("sha256:"), held.toString());

    // A subscriber that comes late gets the current state first, not the history.
    TestHttp.Stream late = http.openEvents(started.getString("events"));
    Sse current = Sse.next(late);
    assertEquals("progress", current.name());
    assertEquals(held.data().getLong("seq"), current.data().getLong("seq"));
    assertEquals(20.0, current.data().getDouble("percent"));

    release.complete();
    for (TestHttp.Stream s : new TestHttp.Stream[] {first, late}) {
      Sse last = Sse.parse(lastEvent(s.rest()));
      assertEquals("done", last.name());
      assertEquals("done", last.data().getString("state"));
      assertEquals(100.0, last.data().getDouble("percent"));
    }
    JsonObject state = http.get("/admin/ollama/pulls/" + started.getString("id")).json();
    assertEquals("done", state.getString("state"));
    assertEquals(started.getString("id"), http.get("/admin/ollama/pulls").json()
        .getJsonArray("pulls").getJsonObject(0).getString("id"));

    // A finished pull is kept: a reader that comes after the end gets the end at once.
    TestHttp.Stream after = http.openEvents(started.getString("events"));
    assertEquals("done", Sse.next(after).name());
    after.rest();
    assertTrue(http.get("/admin/ollama/models").body().contains("\"qwen2.5:0.5b\""));
  }

  @Test
  void joinsAPullOfAModelThatIsAlreadyBeingPulled() throws Exception {
    ollama.holdPulls(release.future());
    JsonObject first = startPull("qwen2.5:0.5b");
    JsonObject second = startPull("Qwen2.5:0.5b");
    assertEquals(first.getString("id"), second.getString("id"));
    assertTrue(second.getBoolean("joined"));
    assertEquals(1, ollama.pullRequests());
    release.complete();
    TestHttp.Stream events = http.openEvents(first.getString("events"));
    assertEquals("done", Sse.parse(lastEvent(events.rest())).name());
    assertEquals(1, http.get("/admin/ollama/pulls/" + first.getString("id")).json().getInteger("joined"));
  }

  @Test
  void cancellingClosesThePullToOllamaAndEndsTheFeedWithAnError() throws Exception {
    ollama.holdPulls(release.future()); // never released
    JsonObject started = startPull("qwen2.5:0.5b");
    TestHttp.Stream events = http.openEvents(started.getString("events"));
    untilBytes(events);

    String path = "/admin/ollama/pulls/" + started.getString("id");
    TestHttp.Answer cancelled = http.send(HttpMethod.DELETE, path, null, null);
    assertEquals(200, cancelled.status(), cancelled.body());
    assertEquals("cancelled", cancelled.json().getString("state"));
    Async.await(ollama.upstreamClosed());

    Sse last = Sse.parse(lastEvent(events.rest()));
    assertEquals("error", last.name());
    assertEquals("cancelled", last.data().getString("state"));
    assertEquals(200, http.send(HttpMethod.DELETE, path, null, null).status(), "cancelling twice is fine");
    assertEquals(404, http.send(HttpMethod.DELETE, "/admin/ollama/pulls/nope", null, null).status());
    assertFalse(ollama.models().contains("qwen2.5:0.5b"));
  }

  @Test
  void endsTheFeedWithAnErrorEventWhenOllamaHasNoSuchModel() throws Exception {
    JsonObject started = startPull("no-such-model:1b");
    TestHttp.Stream events = http.openEvents(started.getString("events"));
    Sse last = Sse.parse(lastEvent(events.rest()));
    assertEquals("error", last.name());
    assertEquals("error", last.data().getString("state"));
    assertEquals("model_not_found", last.data().getString("code"));
    assertTrue(last.data().getString("error").contains("pull model manifest: file does not exist"), last.toString());
    assertEquals(404, http.get("/admin/ollama/pulls/nope/events").status());
  }

  @Test
  void answers502NamingTheAddressWhenOllamaIsNotRunning() throws Exception {
    Async.await(ollama.close());
    String expected = "Ollama is not reachable at http://127.0.0.1:" + ollama.port()
        + " — start it with `ollama serve`";
    TestHttp.Answer models = http.get("/admin/ollama/models");
    assertEquals(502, models.status());
    assertEquals(expected, models.error().getString("message"));
    assertEquals("ollama_unreachable", models.error().getString("code"));
    TestHttp.Answer pull = http.postJson("/admin/ollama/pulls", "{\"model\":\"qwen2.5:0.5b\"}");
    assertEquals(502, pull.status(), pull.body());
    assertEquals(expected, pull.error().getString("message"));
    assertTrue(http.get("/admin/ollama/pulls").json().getJsonArray("pulls").isEmpty());
  }

  @Test
  void listsOllamaModelsWithTheirEntriesAndRefusesToDeleteTheMainOne() throws Exception {
    JsonObject list = http.get("/admin/ollama/models").json();
    assertEquals("http://127.0.0.1:" + ollama.port(), list.getString("url"));
    JsonObject model = list.getJsonArray("models").getJsonObject(0);
    assertEquals("qwen2.5:7b", model.getString("name"));
    assertEquals("local_models/Ollama-qwen2.5-7b", model.getString("entry"));
    assertEquals(new JsonArray().add("main"), model.getJsonArray("roles"));
    assertNotNull(model.getJsonObject("details"));

    TestHttp.Answer inUse = http.send(HttpMethod.DELETE, "/admin/ollama/models/qwen2.5:7b", null, null);
    assertEquals(409, inUse.status());
    assertEquals("model_in_use", inUse.error().getString("code"));
    assertEquals(200, http.send(HttpMethod.DELETE, "/admin/ollama/models/qwen2.5%3A7b?force=true", null, null).status());
    TestHttp.Answer gone = http.send(HttpMethod.DELETE, "/admin/ollama/models/qwen2.5:7b?force=true", null, null);
    assertEquals(404, gone.status());
    assertTrue(gone.error().getString("message").contains("model 'qwen2.5:7b' not found"), gone.body());
  }

  @Test
  void setsTheMainModelWritesTheFileBackAndTheRunningGatewayFollows() throws Exception {
    TestHttp.Answer notPulled = http.send(HttpMethod.PUT, "/admin/main", "{\"model\":\"qwen2.5:0.5b\"}",
        "application/json");
    assertEquals(404, notPulled.status());
    assertEquals("model_not_pulled", notPulled.error().getString("code"));
    assertTrue(notPulled.error().getString("message").contains("POST /admin/ollama/pulls"), notPulled.body());

    ollama.addModel("qwen2.5:0.5b");
    String before = Files.readString(gateway.configFile());
    TestHttp.Answer set = http.send(HttpMethod.PUT, "/admin/main", "{\"model\":\"qwen2.5:0.5b\"}",
        "application/json");
    assertEquals(200, set.status(), set.body());
    JsonObject result = set.json();
    assertEquals("local_models/Ollama-qwen2.5-0.5b", result.getString("main"));
    assertTrue(result.getBoolean("entry_added"));
    assertTrue(result.getBoolean("applied"), "answered once the running gateway uses it");
    // The very next request for "main" goes to the new model.
    assertEquals(200, http.postJson("/v1/chat/completions", TestHttp.chat("main", false)).status());
    assertEquals("qwen2.5:0.5b", ollama.lastRequest().json().getString("model"));

    String after = Files.readString(gateway.configFile());
    String port = "    port: " + ollama.port() + "\n";
    assertEquals(before.replace(port + "\n", port + "  # added by PUT /admin/main\n"
            + "  - id: Ollama-qwen2.5-0.5b\n    type: ollama\n    path: \"qwen2.5:0.5b\"\n"
            + "    host: 127.0.0.1\n" + port + "\n")
        .replace("main_llm_local: local_models/Ollama-qwen2.5-7b", "main_llm_local: local_models/Ollama-qwen2.5-0.5b"),
        after);
    assertEquals(before, Files.readString(gateway.configFile().resolveSibling("llm.yml.bak")));

    TestHttp.Answer again = http.send(HttpMethod.PUT, "/admin/main", "{\"model\":\"qwen2.5:0.5b\"}",
        "application/json");
    assertFalse(again.json().getBoolean("changed"));
    assertEquals(after, Files.readString(gateway.configFile()));

    // A configured entry is selected by any of its names, an alias with a space too.
    TestHttp.Answer back = http.send(HttpMethod.PUT, "/admin/main", "{\"model\":\"Qwen 7B\"}",
        "application/json");
    assertEquals("local_models/Ollama-qwen2.5-7b", back.json().getString("main"), back.body());
  }

  @Test
  void twoSelectionsAtOnceLoseNoUpdate(Vertx vertx) throws Exception {
    ollama.addModel("a:1b").addModel("b:1b");
    TestHttp other = new TestHttp(vertx, gateway.port());
    CompletableFuture<TestHttp.Answer> a = CompletableFuture.supplyAsync(() -> put(http, "a:1b"));
    CompletableFuture<TestHttp.Answer> b = CompletableFuture.supplyAsync(() -> put(other, "b:1b"));
    assertEquals(200, a.get(20, TimeUnit.SECONDS).status(), a.get().body());
    assertEquals(200, b.get(20, TimeUnit.SECONDS).status(), b.get().body());
    String text = Files.readString(gateway.configFile());
    assertTrue(text.contains("- id: Ollama-a-1b\n") && text.contains("- id: Ollama-b-1b\n"), text);
  }

  @Test
  void sitsBehindTheAdminToken() throws Exception {
    String yaml = Files.readString(gateway.configFile()).replace("gateway:\n", "gateway:\n  admin_token: s3cret\n");
    gateway.rewrite(yaml);
    Async.until(() -> Integer.valueOf(401).equals(Async.quietly(() -> http.get("/admin/ollama/pulls").status())));
    assertEquals(401, http.postJson("/admin/ollama/pulls", "{\"model\":\"qwen2.5:0.5b\"}").status());
    assertEquals(401, http.send(HttpMethod.PUT, "/admin/main", "{\"model\":\"qwen2.5:7b\"}", "application/json").status());
    assertEquals(401, http.get("/admin/ollama/pulls/x/events").status());
    assertEquals(200, http.getWithToken("/admin/ollama/models", "s3cret").status());
    assertEquals(0, ollama.pullRequests());
  }

  @Test
  void refusesRequestsThatCannotBeServed() throws Exception {
    TestHttp.Answer newline = http.send(HttpMethod.PUT, "/admin/main",
        "{\"model\":\"x\\nmain_llm_mode: cloud\",\"check\":false}", "application/json");
    assertEquals(400, newline.status());
    assertTrue(newline.error().getString("message").contains("line break"), newline.body());
    assertEquals(400, http.send(HttpMethod.PUT, "/admin/main", "not json", "application/json").status());
    assertEquals(400, http.send(HttpMethod.PUT, "/admin/main", "{\"model\":\"qwen2.5:7b\",\"mode\":\"cloud\"}",
        "application/json").status());
    assertEquals(400, http.postJson("/admin/ollama/pulls", "{}").status());
    assertEquals(404, http.get("/admin/ollama/pulls/nope").status());
  }

  private static TestHttp.Answer put(TestHttp client, String model) {
    try {
      return client.send(HttpMethod.PUT, "/admin/main", new JsonObject().put("model", model).encode(),
          "application/json");
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }

  /** The last event of a whole stream's text. */
  private static String lastEvent(String all) {
    String trimmed = all.trim();
    int cut = trimmed.lastIndexOf("\n\n");
    return cut < 0 ? trimmed : trimmed.substring(cut + 2);
  }
}
