package dev.llmgateway.routing;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.llmgateway.testing.Async;
import dev.llmgateway.testing.FakeLlamaServer;
import dev.llmgateway.testing.GatewayHarness;
import dev.llmgateway.testing.Sse;
import dev.llmgateway.testing.TestHttp;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpClientRequest;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.junit5.VertxExtension;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/** GET /admin/activity and its event stream, gathered from both router instances of the harness. */
@ExtendWith(VertxExtension.class)
class ActivityTest {

  private FakeLlamaServer llama;
  private TestHttp http;

  // The fake has no role: a model with one is started with the gateway, and the start-up probe of an
  // in-process fake on a busy machine can take it for another program (a process-area matter).
  @BeforeEach
  void start(Vertx vertx, @TempDir Path dir) throws Exception {
    llama = new FakeLlamaServer(vertx, "tiny.gguf");
    Async.await(llama.start());
    GatewayHarness gateway = GatewayHarness.start(vertx, dir, """
        local_models:
          - id: tiny
            path: tiny.gguf
            host: 127.0.0.1
            port: %d
            alias: tiny-chat
            max_concurrent: 1
        """.formatted(llama.port()), Map.of());
    http = new TestHttp(vertx, gateway.port());
  }

  private JsonObject activity() throws Exception {
    TestHttp.Answer answer = http.get("/admin/activity");
    assertEquals(200, answer.status(), answer.body());
    return answer.json();
  }

  private static JsonObject find(JsonArray recent, String requested, boolean stream) {
    for (int i = 0; i < recent.size(); i++) {
      JsonObject r = recent.getJsonObject(i);
      if (requested.equals(r.getString("requested")) && stream == r.getBoolean("stream", false)) {
        return r;
      }
    }
    throw new AssertionError("no request for " + requested + " (stream " + stream + ") in " + recent.encodePrettily());
  }

  private static JsonObject model(JsonObject activity, String id) {
    JsonArray models = activity.getJsonArray("models");
    for (int i = 0; i < models.size(); i++) {
      if (id.equals(models.getJsonObject(i).getString("id"))) {
        return models.getJsonObject(i);
      }
    }
    throw new AssertionError("no " + id + " in " + activity.encodePrettily());
  }

  @Test
  void listsRecentRequestsWithStatusTimesAndTheBackendsTokenCounts() throws Exception {
    assertEquals(200, http.postJson("/v1/chat/completions", TestHttp.chat("tiny", false)).status());
    String streamWithUsage = new JsonObject(TestHttp.chat("tiny-chat", true))
        .put("stream_options", new JsonObject().put("include_usage", true)).encode();
    assertTrue(http.postJson("/v1/chat/completions", streamWithUsage).body().endsWith("data: [DONE]\n\n"));
    assertEquals(200, http.postJson("/v1/chat/completions", TestHttp.chat("tiny", true)).status());
    assertEquals(404, http.postJson("/v1/chat/completions", TestHttp.chat("nope", false)).status());

    // Each request is added on its way out; both router instances report.
    JsonObject[] seen = {null};
    Async.until("four requests in the activity", () -> {
      seen[0] = Async.quietly(this::activity);
      return seen[0] != null && seen[0].getJsonArray("recent").size() == 4;
    });
    JsonObject activity = seen[0];
    // Newest first, by when each answer ended; two router instances on a busy machine may see a
    // request end a little after the next one began, so each is found by what it asked.
    JsonArray recent = activity.getJsonArray("recent");
    JsonObject unknown = find(recent, "nope", false);
    assertEquals(404, unknown.getInteger("status"));
    assertEquals("nope", unknown.getString("requested"));
    assertTrue(unknown.getString("error").contains("nope"), unknown.encode());

    JsonObject plainStream = find(recent, "tiny", true);
    assertEquals(200, plainStream.getInteger("status"));
    assertTrue(plainStream.getBoolean("stream"));
    assertFalse(plainStream.containsKey("completion_tokens"), "a stream without include_usage reports no tokens");

    JsonObject counted = find(recent, "tiny-chat", true);
    assertEquals("tiny", counted.getString("model"));
    assertEquals("local_models/tiny", counted.getString("backend"));
    assertEquals("tiny-chat", counted.getString("requested"));
    assertEquals(5, counted.getInteger("prompt_tokens"));
    assertEquals(4, counted.getInteger("completion_tokens"));
    assertTrue(counted.getDouble("ttfb_ms") > 0 && counted.getDouble("duration_ms") >= counted.getDouble("ttfb_ms"));
    assertTrue(counted.getDouble("tokens_per_s") > 0, counted.encode());

    JsonObject plain = find(recent, "tiny", false);
    assertEquals(4, plain.getInteger("completion_tokens"), "a plain answer's usage");
    assertFalse(plain.getBoolean("stream"));

    JsonObject tiny = model(activity, "tiny");
    assertEquals(3, tiny.getLong("requests"));
    assertEquals(0, tiny.getLong("errors"));
    assertEquals(8, tiny.getLong("completion_tokens"));
    assertEquals(3, tiny.getLong("ttfb_count"));
    assertEquals(8, tiny.getLong("decode_tokens"));
    assertEquals(0, tiny.getInteger("in_flight"));
  }

  @Test
  void showsRequestsInFlightAndQueuedLiveAndTheClientWhoLeft() throws Exception {
    llama.holdAfterFirstChunk(Promise.<Void>promise().future()); // never released
    TestHttp.Stream first = http.openStream("/v1/chat/completions", TestHttp.chat("tiny", true));
    first.nextEvent();
    TestHttp.Stream events = http.openEvents("/admin/activity/events");
    assertTrue(events.response().getHeader("Content-Type").startsWith("text/event-stream"));
    // max_concurrent 1: the second one waits in the queue (no head comes back while it waits).
    HttpClientRequest second = Async.await(http.raw().request(HttpMethod.POST, "/v1/chat/completions"));
    second.putHeader("Content-Type", "application/json");
    second.send(TestHttp.chat("tiny", true));

    Sse update;
    do {
      update = Sse.next(events);
      assertEquals("activity", update.name());
    } while (model(update.data(), "tiny").getInteger("queued") == 0);
    assertEquals(1, model(update.data(), "tiny").getInteger("in_flight"));

    first.abort();
    Async.await(llama.upstreamClosed());
    JsonObject[] seen = {null};
    Async.until("the aborted request in the list", () -> {
      seen[0] = Async.quietly(this::activity);
      return seen[0] != null && !seen[0].getJsonArray("recent").isEmpty();
    });
    JsonObject left = seen[0].getJsonArray("recent").getJsonObject(0);
    assertTrue(left.getBoolean("client_left"), left.encode());
    second.connection().close();
    events.abort();
  }
}
