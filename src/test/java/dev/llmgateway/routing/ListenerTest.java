package dev.llmgateway.routing;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.llmgateway.testing.Async;
import dev.llmgateway.testing.FakeOllama;
import dev.llmgateway.testing.GatewayHarness;
import dev.llmgateway.testing.TestHttp;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.PoolOptions;
import io.vertx.core.net.NetClient;
import io.vertx.core.net.NetSocket;
import io.vertx.core.net.PemTrustOptions;
import io.vertx.junit5.VertxExtension;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * The listener off loopback: HTTPS from {@code gateway.tls} (PEM files), and a client that trickles
 * its request head is closed after {@code gateway.header_timeout_seconds} while keep-alive clients and
 * long streamed answers are left alone.
 */
@ExtendWith(VertxExtension.class)
class ListenerTest {

  private static final Path TLS = Path.of("src/test/resources/tls").toAbsolutePath();

  @Test
  void servesHttpsWithThePemCertificateAndKey(Vertx vertx, @TempDir Path dir) throws Exception {
    GatewayHarness gateway = GatewayHarness.start(vertx, dir, """
        gateway:
          tls:
            cert: %s
            key: %s
        cloud_models:
          - id: gpt
            path: openai/gpt-4o
        """.formatted(TLS.resolve("cert.pem"), TLS.resolve("key.pem")), Map.of());
    HttpClient https = vertx.createHttpClient(new HttpClientOptions().setSsl(true)
        .setTrustOptions(new PemTrustOptions().addCertPath(TLS.resolve("cert.pem").toString()))
        .setDefaultHost("127.0.0.1").setDefaultPort(gateway.port()));
    String body = Async.await("GET /health over TLS", TestHttp.onLoop(vertx, () -> https
        .request(HttpMethod.GET, "/health").compose(req -> req.send()
            .compose(resp -> resp.body().map(b -> resp.statusCode() + " " + b)))));
    assertEquals("200 {\"status\":\"ok\"}", body);
  }

  @Test
  void closesATricklingClientWhileAKeepAliveClientAndALongStreamGoOn(Vertx vertx, @TempDir Path dir)
      throws Exception {
    FakeOllama ollama = new FakeOllama(vertx, "qwen2.5:7b");
    Async.await(ollama.start());
    ollama.chunkDelayMs(700); // three words: a stream well past the header timeout
    GatewayHarness gateway = GatewayHarness.start(vertx, dir, """
        gateway:
          header_timeout_seconds: 1
        local_models:
          - id: chat
            type: ollama
            path: qwen2.5:7b
            port: %d
        main_llm_local: local_models/chat
        """.formatted(ollama.port()), Map.of());

    // The slowloris client: a request line, then one header byte per second, never the blank line.
    String head = "GET /health HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Slow: " + "a".repeat(60) + "\r\n\r\n";
    NetClient tcp = vertx.createNetClient();
    AtomicInteger sent = new AtomicInteger();
    StringBuilder received = new StringBuilder();
    Promise<Void> closed = Promise.promise();
    NetSocket slow = Async.await(TestHttp.onLoop(vertx, () -> tcp.connect(gateway.port(), "127.0.0.1")
        .onSuccess(socket -> {
          socket.handler(b -> received.append(b));
          socket.closeHandler(v -> closed.tryComplete());
          int requestLine = head.indexOf("\r\n") + 2;
          socket.write(head.substring(0, requestLine));
          sent.set(requestLine);
          vertx.setPeriodic(1000, id -> {
            if (closed.future().isComplete() || sent.get() >= head.length()) {
              vertx.cancelTimer(id);
            } else {
              socket.write(Buffer.buffer(head.substring(sent.get(), sent.get() + 1)));
              sent.incrementAndGet();
            }
          });
        })));

    // Meanwhile a keep-alive client asks three times on one connection, pausing between requests.
    AtomicInteger connections = new AtomicInteger();
    HttpClient keepAlive = vertx.httpClientBuilder().with(new HttpClientOptions().setKeepAlive(true)
            .setDefaultHost("127.0.0.1").setDefaultPort(gateway.port()))
        .with(new PoolOptions().setHttp1MaxSize(1))
        .withConnectHandler(c -> connections.incrementAndGet()).build();
    for (int i = 0; i < 3; i++) {
      int status = Async.await(TestHttp.onLoop(vertx, () -> keepAlive.request(HttpMethod.GET, "/health")
          .compose(req -> req.send().compose(resp -> resp.body().map(b -> resp.statusCode())))));
      assertEquals(200, status);
      Async.await(TestHttp.onLoop(vertx, () -> vertx.timer(300)));
    }
    // And a streamed answer that takes longer than the header timeout arrives whole.
    TestHttp http = new TestHttp(vertx, gateway.port());
    TestHttp.Stream stream = http.openStream("/v1/chat/completions", TestHttp.chat("chat", true));
    String rest = stream.rest();
    assertTrue(rest.contains("[DONE]"), rest);

    Async.await("the trickling client's connection closed", closed.future());
    assertTrue(sent.get() < head.length(), "closed before its head was complete");
    assertEquals("", received.toString(), "it got no answer");
    assertEquals(1, connections.get(), "the keep-alive client kept its one connection");
    assertTrue(slow != null);
  }
}
