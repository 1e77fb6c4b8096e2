package dev.llmgateway.ollama;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.llmgateway.testing.Async;
import dev.llmgateway.testing.FakeBackend;
import dev.llmgateway.testing.FakeOllama;
import dev.llmgateway.testing.TestHttp;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpClient;
import io.vertx.core.json.JsonObject;
import io.vertx.junit5.VertxExtension;
import java.net.ServerSocket;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Supplier;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** The Ollama client against a fake Ollama that behaves like the real one on the wire. */
@ExtendWith(VertxExtension.class)
class OllamaClientTest {

  private FakeOllama ollama;
  private HttpClient http;
  private OllamaClient client;
  private Vertx vertx;

  @BeforeEach
  void start(Vertx vertx) throws Exception {
    ollama = new FakeOllama(vertx, "qwen2.5:7b");
    Async.await(ollama.start());
    http = vertx.createHttpClient();
    client = new OllamaClient(http, "http://127.0.0.1:" + ollama.port(), 2000, 5000);
    this.vertx = vertx;
  }

  /** Calls are used from one context, as the verticle does. */
  private <T> T onContext(Supplier<T> action) throws Exception {
    return Async.await(TestHttp.onLoop(vertx, () -> Future.succeededFuture(action.get())));
  }

  /**
   * The CLI calls from its main thread, not from a context. Chained there, a step that reads the
   * answer could be attached after Vert.x had delivered it (to nobody), and the call hung: 1 in 20 in
   * a loop like this one, before the client read answers inside the request's own callback.
   */
  @Test
  void answersCallersOnAnyThreadEveryTime() throws Exception {
    for (int i = 0; i < 200; i++) {
      assertEquals(1, Async.await(client.models()).size(), "call " + i);
    }
    List<JsonObject> lines = new CopyOnWriteArrayList<>();
    Async.await(client.pull("qwen2.5:0.5b", lines::add).result());
    assertEquals("pulling manifest", lines.get(0).getString("status"));
    assertEquals(13, lines.size(), lines.toString());
  }

  @Test
  void readsPullLinesWholeThoughEveryWriteSplitsOneInTheMiddle() throws Exception {
    List<JsonObject> lines = new CopyOnWriteArrayList<>();
    OllamaCall<Void> call = onContext(() -> client.pull("qwen2.5:0.5b", lines::add));
    Async.await(call.result());
    assertEquals("pulling manifest", lines.get(0).getString("status"));
    assertEquals("success", lines.get(lines.size() - 1).getString("status"));
    assertEquals(13, lines.size(), lines.toString());
    assertFalse(lines.get(1).containsKey("completed"), "completed is absent while it is 0");
    PullProgress progress = new PullProgress();
    lines.forEach(progress::update);
    assertEquals(100.0, progress.percent());
    assertEquals(397_807_936L + 68 + 1_482, progress.toJson().getLong("total_bytes"));
    assertTrue(ollama.models().contains("qwen2.5:0.5b"));
  }

  @Test
  void failsAPullWhoseStreamSaysErrorThoughTheStatusWas200() throws Exception {
    OllamaCall<Void> call = onContext(() -> client.pull("no-such-model:1b", line -> { }));
    OllamaException e = assertThrows(OllamaException.class, () -> Async.await(call.result()));
    assertEquals(OllamaException.Kind.NOT_FOUND, e.kind());
    assertTrue(e.getMessage().contains("pull model manifest: file does not exist"), e.getMessage());
    assertTrue(e.getMessage().contains("no-such-model:1b"), e.getMessage());
  }

  @Test
  void failsAPullThatEndsWithoutSuccess() throws Exception {
    ollama.mode(FakeBackend.Mode.DIE_MID_STREAM);
    OllamaCall<Void> call = onContext(() -> client.pull("qwen2.5:0.5b", line -> { }));
    OllamaException e = assertThrows(OllamaException.class, () -> Async.await(call.result()));
    assertEquals(OllamaException.Kind.FAILED, e.kind());
    assertTrue(e.getMessage().contains("ended before Ollama"), e.getMessage());
  }

  @Test
  void cancellingAPullClosesTheRequestToOllama() throws Exception {
    ollama.holdPulls(Promise.<Void>promise().future()); // never released
    List<JsonObject> lines = new CopyOnWriteArrayList<>();
    OllamaCall<Void> call = onContext(() -> client.pull("qwen2.5:0.5b", lines::add));
    Async.until(() -> lines.size() >= 3);
    onContext(() -> {
      call.cancel("test cancelled it");
      return null;
    });
    Async.await(ollama.upstreamClosed());
    OllamaException e = assertThrows(OllamaException.class, () -> Async.await(call.result()));
    assertEquals(OllamaException.Kind.CANCELLED, e.kind());
  }

  @Test
  void saysWhereOllamaIsNotReachableAndHowToStartIt() throws Exception {
    int closed;
    try (ServerSocket s = new ServerSocket(0)) {
      closed = s.getLocalPort();
    }
    OllamaClient nowhere = new OllamaClient(http, "http://127.0.0.1:" + closed, 2000, 5000);
    OllamaException e = assertThrows(OllamaException.class, () -> Async.await(nowhere.models()));
    assertEquals(OllamaException.Kind.UNREACHABLE, e.kind());
    assertEquals("Ollama is not reachable at http://127.0.0.1:" + closed + " — start it with `ollama serve`",
        e.getMessage());
    assertEquals(502, e.toApiError().status());
  }

  @Test
  void listsAndDeletes() throws Exception {
    List<OllamaModel> models = Async.await(client.models());
    assertEquals(1, models.size());
    assertEquals("qwen2.5:7b", models.get(0).name());
    assertTrue(models.get(0).size() > 0);
    assertEquals("2025-01-15T10:00:00.123456789+01:00", models.get(0).modifiedAt());

    Async.await(client.delete("qwen2.5:7b"));
    OllamaException gone = assertThrows(OllamaException.class,
        () -> Async.await(client.delete("qwen2.5:7b")));
    assertEquals(OllamaException.Kind.NOT_FOUND, gone.kind());
    assertTrue(gone.getMessage().contains("model 'qwen2.5:7b' not found"), gone.getMessage());

    assertTrue(Async.await(client.models()).isEmpty());
  }
}
