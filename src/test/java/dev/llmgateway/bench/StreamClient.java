package dev.llmgateway.bench;

import io.vertx.core.DeploymentOptions;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.core.VerticleBase;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.net.NetClient;
import io.vertx.core.net.NetClientOptions;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The streaming load client of {@code scripts/bench}: keeps {@code --streams} connections each
 * running streaming chat requests back to back against {@code --url} (the bench upstream, or a proxy
 * in front of it; a comma-separated list runs each in turn, {@code --rounds} times round-robin, and
 * reports each under its {@code --labels} entry), and reports
 * <ul>
 *   <li>chunk delay: client read time − upstream send time ({@code "ts"} of each event), p50/p99/max;
 *   <li>streams completed and failed (with why);
 *   <li>coalesced reads: socket reads that delivered two or more events the upstream had sent at
 *       least half an interval apart;
 *   <li>time to first byte: request written → first event read, p50/p99;
 *   <li>with {@code --pids} (one per URL; 0 = none): the CPU time that process and its children
 *       (nginx's workers) used during each run, from {@code /proc}; the median over the rounds.
 * </ul>
 * With {@code --once true} a run is one round of exactly {@code --streams} streams, one per
 * connection, all measured (no warm-up window, no deadline): the shape of "400 clients each open a
 * stream", used for the cold round right after the proxy started.
 * Connections start spread over {@code --ramp-ms}; events and reads count from {@code --warmup-s}
 * after the ramp, for {@code --duration-s} (per URL and round); no stream starts after that. When
 * every connection of a run has received its first event, it prints {@code OPEN <label>: ...} (the
 * bench samples memory then). The last lines are {@code RESULT label=... key=value ...}, one per URL.
 */
public final class StreamClient {

  private static final Map<String, String> DEFAULTS = Map.ofEntries(
      Map.entry("url", "http://127.0.0.1:8080/v1/chat/completions"), Map.entry("labels", ""),
      Map.entry("rounds", "1"), Map.entry("model", "main"), Map.entry("streams", "50"),
      Map.entry("events", "20"), Map.entry("interval-ms", "20"), Map.entry("duration-s", "4"),
      Map.entry("warmup-s", "1"), Map.entry("ramp-ms", "-1"), Map.entry("threads", "2"),
      Map.entry("idle-timeout-s", "10"), Map.entry("once", "false"), Map.entry("pids", ""));

  private StreamClient() {
  }

  public static void main(String[] argv) {
    BenchArgs args = new BenchArgs(argv, DEFAULTS);
    String[] urls = args.string("url").split(",");
    String[] labels = args.string("labels").isEmpty() ? urls : args.string("labels").split(",");
    if (labels.length != urls.length) {
      throw new IllegalArgumentException("--labels needs one label per --url");
    }
    int threads = Math.max(1, Math.min(args.integer("threads"), args.integer("streams")));
    Vertx vertx = Vertx.vertx(new VertxOptions().setEventLoopPoolSize(threads));
    String[] pids = args.string("pids").isEmpty() ? new String[0] : args.string("pids").split(",");
    Map<String, StreamStats> totals = new LinkedHashMap<>();
    Map<String, List<Long>> cpu = new LinkedHashMap<>();
    try {
      // Round-robin over the targets: whatever else loads the machine meanwhile is shared fairly.
      for (int round = 1; round <= args.integer("rounds"); round++) {
        for (int u = 0; u < urls.length; u++) {
          long pid = u < pids.length ? Long.parseLong(pids[u]) : 0;
          long cpuBefore = ProcCpu.millis(pid);
          StreamStats s = runOnce(vertx, URI.create(urls[u]), labels[u], args, threads);
          long cpuMs = pid > 0 ? ProcCpu.millis(pid) - cpuBefore : -1;
          System.out.println("round " + round + " " + summary(labels[u], s, args) + "; proxy CPU "
              + cpuMs + " ms");
          totals.computeIfAbsent(labels[u], k -> new StreamStats()).add(s);
          cpu.computeIfAbsent(labels[u], k -> new ArrayList<>()).add(cpuMs);
        }
      }
    } finally {
      vertx.close();
    }
    totals.forEach((label, s) -> {
      System.out.println(summary(label, s, args));
      List<Long> cpus = new ArrayList<>(cpu.get(label));
      cpus.sort(null);
      System.out.printf("RESULT label=%s streams=%d completed=%d failed=%d events=%d reads=%d coalesced=%d "
              + "p50_us=%d p99_us=%d max_us=%d ttfb_p50_us=%d ttfb_p99_us=%d cpu_ms=%d%n", label,
          args.integer("streams"), s.completed, s.failedTotal(), s.events, s.reads, s.coalescedReads,
          s.quantile(0.50), s.quantile(0.99), s.quantile(1.0), s.ttfbQuantile(0.50),
          s.ttfbQuantile(0.99), cpus.get((cpus.size() - 1) / 2));
    });
  }

  /** One run of {@code --streams} connections against one URL; returns what they saw. */
  private static StreamStats runOnce(Vertx vertx, URI url, String label, BenchArgs args, int threads) {
    int streams = args.integer("streams");
    int events = args.integer("events");
    long intervalMs = args.integer("interval-ms");
    long rampMs = args.integer("ramp-ms") >= 0 ? args.integer("ramp-ms")
        : Math.max(intervalMs, Math.min(1000, streams));
    boolean once = Boolean.parseBoolean(args.string("once"));
    long t0 = BenchClock.nowMicros();
    long measureFrom = once ? t0 : t0 + rampMs * 1000 + (long) (args.number("warmup-s") * 1e6);
    long deadline = once ? t0 + rampMs * 1000 + (events + 2) * intervalMs * 1000 + 30_000_000L
        : measureFrom + (long) (args.number("duration-s") * 1e6);
    StreamPlan plan = new StreamPlan(url.getHost(), url.getPort() < 0 ? 80 : url.getPort(),
        request(url, args.string("model"), events, intervalMs), intervalMs * 1000, measureFrom,
        deadline, (long) (args.number("idle-timeout-s") * 1e6), streams, new AtomicInteger(),
        () -> System.out.printf("OPEN %s: %d streams open after %d ms%n", label, streams,
            (BenchClock.nowMicros() - t0) / 1000), once);
    // Connections still streaming this long after the deadline are cut and counted as failed.
    long hardStopMs = (deadline - t0) / 1000 + (events + 2) * intervalMs + 5000;
    List<Worker> workers = new CopyOnWriteArrayList<>();
    AtomicInteger next = new AtomicInteger();
    String deployment = vertx.deployVerticle(() -> {
      int index = next.getAndIncrement();
      int from = streams * index / threads;
      int to = streams * (index + 1) / threads;
      Worker w = new Worker(plan, from, to - from, streams, rampMs, hardStopMs);
      workers.add(w);
      return w;
    }, new DeploymentOptions().setInstances(threads)).await();
    List<Future<StreamStats>> done = new ArrayList<>();
    workers.forEach(w -> done.add(w.done()));
    Future.all(done).await();
    vertx.undeploy(deployment).await();
    StreamStats total = new StreamStats();
    done.forEach(f -> total.add(f.result()));
    return total;
  }

  private static Buffer request(URI url, String model, int events, long intervalMs) {
    byte[] body = ("{\"model\":\"" + model + "\",\"stream\":true,\"max_tokens\":" + events
        + ",\"bench_interval_ms\":" + intervalMs
        + ",\"messages\":[{\"role\":\"user\",\"content\":\"Count slowly.\"}]}").getBytes(StandardCharsets.UTF_8);
    String head = "POST " + url.getRawPath() + " HTTP/1.1\r\nHost: " + url.getAuthority()
        + "\r\nContent-Type: application/json\r\nAccept: text/event-stream\r\nContent-Length: "
        + body.length + "\r\n\r\n";
    return Buffer.buffer(head).appendBytes(body);
  }

  private static String summary(String label, StreamStats s, BenchArgs args) {
    return String.format("%s: %s streams x %s events every %s ms: %d completed, %d failed %s; %d events, "
            + "delay p50 %.2f ms, p99 %.2f ms, max %.2f ms; %d reads, %d coalesced; first byte p50 "
            + "%.2f ms, p99 %.2f ms", label,
        args.string("streams"), args.string("events"), args.string("interval-ms"), s.completed,
        s.failedTotal(), s.failed, s.events, s.quantile(0.50) / 1000.0, s.quantile(0.99) / 1000.0,
        s.quantile(1.0) / 1000.0, s.reads, s.coalescedReads, s.ttfbQuantile(0.50) / 1000.0,
        s.ttfbQuantile(0.99) / 1000.0);
  }

  /** A share of the connections, on one event loop. */
  private static final class Worker extends VerticleBase {

    private final StreamPlan plan;
    private final int first;
    private final int count;
    private final int streams;
    private final long rampMs;
    private final long hardStopMs;
    private final StreamStats stats = new StreamStats();
    private final Promise<StreamStats> done = Promise.promise();
    private final List<StreamConnection> connections = new ArrayList<>();
    private int running;

    Worker(StreamPlan plan, int first, int count, int streams, long rampMs, long hardStopMs) {
      this.plan = plan;
      this.first = first;
      this.count = count;
      this.streams = streams;
      this.rampMs = rampMs;
      this.hardStopMs = hardStopMs;
    }

    Future<StreamStats> done() {
      return done.future();
    }

    @Override
    public Future<?> start() {
      NetClient client = vertx.createNetClient(new NetClientOptions().setTcpNoDelay(true)
          .setConnectTimeout(5000));
      running = count;
      if (count == 0) {
        done.complete(stats);
      }
      for (int i = 0; i < count; i++) {
        StreamConnection c = new StreamConnection(vertx, client, plan, stats, this::connectionFinished);
        connections.add(c);
        c.start(rampMs * (first + i) / streams);
      }
      long idleCheck = vertx.setPeriodic(250, t -> {
        long now = BenchClock.nowMicros();
        connections.forEach(c -> c.checkIdle(now));
      });
      vertx.setTimer(hardStopMs, t -> connections.forEach(c -> c.stop("cut at hard stop")));
      done.future().onComplete(ar -> vertx.cancelTimer(idleCheck));
      return Future.succeededFuture();
    }

    private void connectionFinished() {
      if (--running == 0) {
        done.tryComplete(stats);
      }
    }
  }
}
