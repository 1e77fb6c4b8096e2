package dev.llmgateway.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.llmgateway.testing.Async;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClientAgent;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.net.NetSocket;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The bench upstream speaks enough HTTP for real clients, and spaces and stamps its events. */
class BenchUpstreamTest {

  private Vertx vertx;
  private int port;

  @BeforeEach
  void start() throws Exception {
    vertx = Vertx.vertx();
    BenchUpstream upstream = new BenchUpstream("127.0.0.1", 0, 20, 20);
    Async.await(vertx.deployVerticle(upstream));
    port = upstream.actualPort();
  }

  @AfterEach
  void stop() throws Exception {
    Async.await(vertx.close());
  }

  @Test
  void answersHealthAndChatOverKeptAliveConnections() throws Exception {
    HttpClientAgent client = vertx.createHttpClient();
    for (int i = 0; i < 3; i++) {
      // each body is read inside the request's callback, on the event loop (see TestHttp.onLoop)
      Buffer health = Async.await(client.request(HttpMethod.GET, port, "127.0.0.1", "/health")
          .compose(r -> r.send().compose(resp -> resp.body())));
      assertEquals("{\"status\":\"ok\"}", health.toString());
      Buffer chat = Async.await(client.request(HttpMethod.POST, port, "127.0.0.1", "/v1/chat/completions")
          .compose(r -> r.send("{\"model\":\"main\",\"messages\":[]}").compose(resp -> resp.body())));
      assertEquals("chat.completion", chat.toJsonObject().getString("object"));
    }
  }

  @Test
  void streamsStampedEventsOnTheirSchedule() throws Exception {
    String body = "{\"model\":\"main\",\"stream\":true,\"max_tokens\":3,\"bench_interval_ms\":15}";
    List<String> events = new ArrayList<>();
    Promise<Void> ended = Promise.promise();
    SseResponseReader reader = new SseResponseReader(new SseResponseReader.Listener() {
      @Override
      public void headers(int status) {
        assertEquals(200, status);
      }

      @Override
      public void event(byte[] buf, int start, int end) {
        events.add(new String(buf, start, end - start, StandardCharsets.UTF_8));
      }

      @Override
      public void end(boolean keepAlive) {
        events.add("end");
        ended.tryComplete();
      }
    });
    NetSocket socket = Async.await(vertx.createNetClient().connect(port, "127.0.0.1"));
    socket.handler(b -> reader.feed(b.getBytes(), 0, b.length()));
    socket.write("POST /v1/chat/completions HTTP/1.1\r\nHost: x\r\nContent-Length: " + body.length()
        + "\r\n\r\n" + body);
    Async.await("the end of the stream", ended.future());
    assertEquals(7, events.size(), "role, 3 tokens, finish, [DONE], end: " + events);
    assertTrue(events.get(0).contains("\"role\":\"assistant\",\"content\":null"));
    assertTrue(events.get(4).contains("\"finish_reason\":\"length\""));
    assertEquals("data: [DONE]", events.get(5));
    Pattern ts = Pattern.compile("\"ts\":(\\d+)");
    long first = 0;
    for (int i = 0; i < 5; i++) {
      Matcher m = ts.matcher(events.get(i));
      assertTrue(m.find(), events.get(i));
      long t = Long.parseLong(m.group(1));
      first = i == 0 ? t : first;
      // on a fixed schedule: event i is due i intervals after the first (late by a tick at most)
      assertTrue(t - first >= i * 15_000L - 1_000, "event " + i + " sent " + (t - first) + " µs after the first");
    }
  }
}
