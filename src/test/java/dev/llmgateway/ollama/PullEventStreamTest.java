package dev.llmgateway.ollama;

import dev.llmgateway.bus.OllamaBus;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.llmgateway.testing.Async;
import dev.llmgateway.testing.Sse;
import dev.llmgateway.testing.TestHttp;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.eventbus.ReplyException;
import io.vertx.core.eventbus.ReplyFailure;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpClientResponse;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.junit5.VertxExtension;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * One SSE client of a pull, with the Ollama verticle replaced by the test: events are published on
 * the pull's address directly. Small socket buffers make a client that stops reading fill the
 * server's write queue quickly.
 */
@ExtendWith(VertxExtension.class)
class PullEventStreamTest {

  private static final String ID = "abc123";
  private static final String ADDRESS = OllamaBus.pull(ID);

  private Vertx vertx;
  private HttpClient client;
  private int port;

  @BeforeEach
  void start(Vertx vertx) throws Exception {
    this.vertx = vertx;
    vertx.eventBus().<JsonObject>consumer(OllamaBus.PULLS_GET, msg -> msg.reply(event(1, "running", 0)));
    Router router = Router.router(vertx);
    router.get("/events").handler(ctx -> new PullEventStream(vertx, ctx, ID, PullFormat.events(60_000)).open());
    HttpServer server = Async.await(vertx.createHttpServer(new HttpServerOptions().setSendBufferSize(4096))
        .requestHandler(router).listen(0, "127.0.0.1"));
    port = server.actualPort();
    client = vertx.createHttpClient(new HttpClientOptions().setReceiveBufferSize(4096));
  }

  private static JsonObject event(long seq, String state, double percent) {
    return new JsonObject().put("id", ID).put("seq", seq).put("state", state)
        .put("event", "running".equals(state) ? "progress" : "done").put("percent", percent)
        .put("status", "pulling 2bada8a74506").put("padding", "x".repeat(200));
  }

  /** Publishes the way the verticle does: from its own context, in order. */
  private void publish(List<JsonObject> events) throws Exception {
    Async.await(TestHttp.onLoop(vertx, () -> {
      events.forEach(e -> vertx.eventBus().publish(ADDRESS, e));
      return Future.succeededFuture();
    }));
  }

  private HttpClientResponse open(StringBuilder received) throws Exception {
    return Async.await(client.request(HttpMethod.GET, port, "127.0.0.1", "/events")
        .compose(req -> req.send().map(resp -> {
          resp.handler(b -> {
            synchronized (received) {
              received.append(b.toString());
            }
          });
          return resp;
        })));
  }

  @Test
  void coalescesProgressForAClientThatReadsSlowerThanThePullProgresses() throws Exception {
    StringBuilder received = new StringBuilder();
    HttpClientResponse response = open(received);
    Async.until(() -> text(received).contains("\"seq\":1"));
    response.pause();

    int published = 20_000;
    List<JsonObject> events = new ArrayList<>();
    for (int seq = 2; seq <= published; seq++) {
      events.add(event(seq, "running", seq * 100.0 / published));
    }
    events.add(event(published + 1, "done", 100.0));
    publish(events);
    response.resume();
    Async.await(response.end());

    List<Sse> seen = new ArrayList<>();
    for (String e : text(received).split("\n\n")) {
      if (!e.isBlank()) {
        seen.add(Sse.parse(e));
      }
    }
    assertTrue(seen.size() < published / 2, "progress was coalesced, not queued: " + seen.size() + " events");
    long last = 0;
    for (Sse e : seen) {
      long seq = e.data().getLong("seq");
      assertTrue(seq > last, "in order, no repeats");
      last = seq;
    }
    Sse end = seen.get(seen.size() - 1);
    assertEquals("done", end.name());
    assertEquals(published + 1, end.data().getLong("seq"));
    assertNoConsumer();
  }

  @Test
  void unregistersItsConsumerWhenTheClientGoesAway() throws Exception {
    StringBuilder received = new StringBuilder();
    HttpClientResponse response = open(received);
    Async.until(() -> text(received).contains("event: progress"));
    response.request().connection().close();
    Async.until(() -> {
      try {
        assertNoConsumer();
        return true;
      } catch (AssertionError | Exception stillThere) {
        return false;
      }
    });
  }

  private static String text(StringBuilder received) {
    synchronized (received) {
      return received.toString();
    }
  }

  /** A request to the pull's address finds nobody once the stream has let go. */
  private void assertNoConsumer() throws Exception {
    Future<Object> answer = TestHttp.onLoop(vertx, () -> vertx.eventBus().request(ADDRESS, new JsonObject(),
        new DeliveryOptions().setSendTimeout(500)).map(m -> (Object) m));
    ReplyException e = assertInstanceOf(ReplyException.class,
        assertThrows(Exception.class, () -> Async.await(answer)));
    assertEquals(ReplyFailure.NO_HANDLERS, e.failureType());
  }
}
