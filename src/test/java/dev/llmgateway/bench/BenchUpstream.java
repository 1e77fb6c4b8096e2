package dev.llmgateway.bench;

import io.vertx.core.DeploymentOptions;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.core.VerticleBase;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.net.NetServer;
import io.vertx.core.net.NetServerOptions;
import io.vertx.core.net.NetSocket;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * The upstream of {@code scripts/bench}: a llama-server look-alike made to be cheap, so that it is
 * never what limits a measurement. {@code GET /health} answers {@code 200 {"status":"ok"}};
 * {@code POST .../chat/completions} answers a small fixed chat completion, or with
 * {@code "stream": true} an SSE stream shaped like llama-server's (chunked, {@code X-Accel-Buffering:
 * no}; a role chunk with {@code content: null}, {@code max_tokens} content chunks, a
 * {@code finish_reason} chunk, then {@code data: [DONE]}), one event every {@code bench_interval_ms}
 * (default {@code --interval-ms}), each in its own socket write. Every event carries {@code "ts"}:
 * its send time in microseconds since the epoch ({@link BenchClock}), read back by
 * {@link StreamClient}.
 *
 * <p>HTTP/1.1 is spoken by hand on a raw socket ({@link UpstreamConnection}): responses are prebuilt
 * bytes and each event is one pre-framed chunk, which costs a fraction of a full HTTP server's work.
 *
 * <p>{@code java -cp ... dev.llmgateway.bench.BenchUpstream [--port 0] [--instances 1]} prints
 * {@code bench-upstream listening on http://127.0.0.1:PORT} when ready.
 */
public final class BenchUpstream extends VerticleBase {

  private static final Map<String, String> DEFAULTS = Map.of("host", "127.0.0.1", "port", "0",
      "instances", "1", "interval-ms", "20", "events", "20");
  private static final long MAX_TICK_MS = 5;

  private final String host;
  private final int port;
  private final long defaultIntervalMs;
  private final int defaultEvents;
  private final List<Stream> streams = new ArrayList<>();
  private long ticker = -1;
  private long tickMs;
  private NetServer server;

  BenchUpstream(String host, int port, long defaultIntervalMs, int defaultEvents) {
    this.host = host;
    this.port = port;
    this.defaultIntervalMs = defaultIntervalMs;
    this.defaultEvents = defaultEvents;
  }

  public static void main(String[] argv) {
    BenchArgs args = new BenchArgs(argv, DEFAULTS);
    int instances = Math.max(1, args.integer("instances"));
    Vertx vertx = Vertx.vertx(new VertxOptions().setEventLoopPoolSize(instances));
    int port = args.integer("port");
    List<BenchUpstream> started = new CopyOnWriteArrayList<>();
    vertx.deployVerticle(() -> {
      // Vert.x shares a random port between instances only when asked with a negative port.
      BenchUpstream u = new BenchUpstream(args.string("host"), port == 0 ? -1 : port,
          args.integer("interval-ms"), args.integer("events"));
      started.add(u);
      return u;
    }, new DeploymentOptions().setInstances(instances)).onComplete(ar -> {
      if (ar.failed()) {
        System.err.println("bench-upstream: " + ar.cause());
        System.exit(1);
      }
      System.out.println("bench-upstream listening on http://" + args.string("host") + ":"
          + started.get(0).actualPort());
      System.out.flush();
    });
  }

  /** The port this instance listens on. */
  int actualPort() {
    return server.actualPort();
  }

  @Override
  public Future<?> start() {
    return vertx.createNetServer(new NetServerOptions().setTcpNoDelay(true).setAcceptBacklog(4096))
        .connectHandler(socket -> new UpstreamConnection(socket, this))
        .listen(port, host)
        .onSuccess(s -> server = s);
  }

  /** A streaming request was read (its connection sent the headers and role chunk already). */
  void startStream(NetSocket socket, String body, UpstreamConnection connection) {
    int events = (int) JsonPeek.number(body, "max_tokens", defaultEvents);
    long interval = Math.max(1, JsonPeek.number(body, "bench_interval_ms", defaultIntervalMs));
    streams.add(new Stream(socket, connection, events, interval * 1_000_000L, System.nanoTime()));
    // Events are written on a tick: 1 ms for intervals up to 20 ms, coarser (at most 5 ms, a
    // twentieth of the interval) for slower streams, whose ticks would cost more than their events.
    long tick = Math.max(1, Math.min(MAX_TICK_MS, interval / 20));
    if (ticker < 0 || tick < tickMs) {
      if (ticker >= 0) {
        vertx.cancelTimer(ticker);
      }
      tickMs = tick;
      ticker = vertx.setPeriodic(tick, t -> tick());
    }
  }

  /**
   * Writes every event that is due. One timer per event loop for all streams: a timer per stream
   * woke the loop once per event, which made this upstream cost more CPU than the proxies it feeds.
   * An event is late by at most one tick; its {@code ts} is the time it is written.
   */
  private void tick() {
    long now = System.nanoTime();
    for (int i = streams.size() - 1; i >= 0; i--) {
      Stream s = streams.get(i);
      if (s.connection.closed()) {
        streams.remove(i); // the client (or the proxy) went away
      } else if (now >= s.nextAt) {
        s.nextAt += s.intervalNanos;
        if (s.sent++ < s.events) {
          s.socket.write(UpstreamConnection.chunk(UpstreamConnection.TOKEN, false));
        } else {
          s.socket.write(UpstreamConnection.chunk(UpstreamConnection.FINISH, true));
          streams.remove(i);
          s.connection.streamEnded();
        }
      }
    }
    if (streams.isEmpty()) {
      vertx.cancelTimer(ticker);
      ticker = -1;
    }
  }

  /** One SSE answer in progress. */
  private static final class Stream {
    final NetSocket socket;
    final UpstreamConnection connection;
    final int events;
    final long intervalNanos;
    long nextAt;
    int sent;

    Stream(NetSocket socket, UpstreamConnection connection, int events, long intervalNanos, long startedAt) {
      this.socket = socket;
      this.connection = connection;
      this.events = events;
      this.intervalNanos = intervalNanos;
      this.nextAt = startedAt + intervalNanos;
    }
  }

  static byte[] bytes(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }

  static Buffer buffer(byte[]... parts) {
    int n = 0;
    for (byte[] p : parts) {
      n += p.length;
    }
    Buffer b = Buffer.buffer(n);
    for (byte[] p : parts) {
      b.appendBytes(p);
    }
    return b;
  }
}
