package dev.llmgateway.bench;

import io.vertx.core.DeploymentOptions;
import io.vertx.core.Future;
import io.vertx.core.MultiMap;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.core.VerticleBase;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpClientResponse;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.core.http.PoolOptions;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * The {@code vertx} target of {@code scripts/bench}: the barest reverse proxy Vert.x 5 makes, so that
 * each row of the table shows what the platform alone costs next to the gateway. No config, no
 * routing, no metrics, no logging beyond Vert.x's own errors: the floor any Vert.x proxy stands on.
 *
 * <p>{@code java -cp ... dev.llmgateway.bench.BareProxy LISTEN_PORT UPSTREAM_PORT} (both on 127.0.0.1)
 * prints {@code bare-proxy listening on http://127.0.0.1:PORT (epoll)} (or NIO) when ready.
 */
public final class BareProxy extends VerticleBase {

  /** RFC 9110 §7.6.1: they describe one connection, never cross a proxy. */
  private static final Set<String> HOP_BY_HOP = Set.of("connection", "keep-alive",
      "proxy-authenticate", "proxy-authorization", "proxy-connection", "te", "trailer",
      "transfer-encoding", "upgrade");
  /** Recomputed on the way to the upstream: the client's authority and framing are not its. */
  private static final Set<String> NOT_FORWARDED = Set.of("host", "content-length");

  private final int port;
  private final int upstreamPort;
  private HttpClient client;

  private BareProxy(int port, int upstreamPort) {
    this.port = port;
    this.upstreamPort = upstreamPort;
  }

  public static void main(String[] args) {
    int port = Integer.parseInt(args[0]);
    int upstreamPort = Integer.parseInt(args[1]);
    // Native epoll like the gateway (ServeCommand); default event loops (2 × cores), as there.
    Vertx vertx = Vertx.vertx(new VertxOptions().setPreferNativeTransport(true));
    // One instance per core, each with its own server (Vert.x shares the port) and client pool, so
    // that a request and its upstream exchange stay on one event loop.
    vertx.deployVerticle(() -> new BareProxy(port, upstreamPort),
            new DeploymentOptions().setInstances(Runtime.getRuntime().availableProcessors()))
        .onSuccess(id -> System.out.println("bare-proxy listening on http://127.0.0.1:" + port
            + (vertx.isNativeTransportEnabled() ? " (epoll)" : " (NIO)")))
        .onFailure(err -> {
          System.err.println("bare-proxy: " + err);
          System.exit(1);
        });
  }

  @Override
  public Future<?> start() {
    client = vertx.createHttpClient(new HttpClientOptions().setKeepAlive(true).setTcpNoDelay(true)
            .setDefaultHost("127.0.0.1").setDefaultPort(upstreamPort),
        new PoolOptions().setHttp1MaxSize(1024)); // as the gateway's: 400+ streams at once never queue
    return vertx.createHttpServer(new HttpServerOptions().setTcpNoDelay(true))
        .requestHandler(this::handle)
        .listen(port, "127.0.0.1");
  }

  private void handle(HttpServerRequest req) {
    HttpServerResponse res = req.response();
    if (req.method() == HttpMethod.GET && "/health".equals(req.path())) {
      res.end(); // the bench's readiness probe: answered here, never by the upstream
      return;
    }
    req.body().compose(body -> client.request(req.method(), req.uri()).compose(up -> {
      copy(req.headers(), up.headers(), NOT_FORWARDED);
      return up.send(body); // sets Content-Length from the body read whole
    })).onComplete(ar -> {
      if (ar.failed()) {
        res.setStatusCode(502).end();
        return;
      }
      HttpClientResponse up = ar.result();
      res.setStatusCode(up.statusCode());
      copy(up.headers(), res.headers(), Set.of());
      res.setChunked(up.headers().get(HttpHeaders.CONTENT_LENGTH) == null); // an SSE stream
      // pipe: the upstream is paused while the client cannot take more (backpressure). A failure
      // midway resets the client's stream instead of ending it as if it were complete.
      up.pipe().endOnFailure(false).to(res).onFailure(err -> res.reset());
    });
  }

  private static void copy(MultiMap from, MultiMap to, Set<String> alsoDropped) {
    for (Map.Entry<String, String> h : from) {
      String lower = h.getKey().toLowerCase(Locale.ROOT);
      if (!HOP_BY_HOP.contains(lower) && !alsoDropped.contains(lower)) {
        to.add(h.getKey(), h.getValue());
      }
    }
  }
}
