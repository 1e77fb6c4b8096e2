package dev.llmgateway.bench;

import dev.llmgateway.testing.Ports;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The memory scheduler under load (issue 13), against a gateway started as its own process:
 * <ol>
 *   <li>llama-server's own cold start and stop for one model (launch → /health 200; SIGTERM → exit);</li>
 *   <li>a cold swap through the gateway (two models loaded, a request for the third) against
 *       stop + start + one warm request: the scheduler's overhead;</li>
 *   <li>three models of which two fit, N clients in round robin for S seconds: failed requests,
 *       the most children alive at once (sampled every 50 ms) and the swaps the gateway counted.</li>
 * </ol>
 * Prints a Markdown report. Not a test: timings depend on the machine.
 */
public final class SwapBench {

  private static final HttpClient HTTP = HttpClient.newBuilder()
      .version(HttpClient.Version.HTTP_1_1).connectTimeout(Duration.ofSeconds(5)).build();

  public static void main(String[] args) throws Exception {
    BenchArgs a = new BenchArgs(args, new LinkedHashMap<>(Map.of(
        "jar", "target/llm-gateway.jar", "llama-server", "llama-server", "models", "",
        "seconds", "60", "clients", "8", "rounds", "5", "work", "")));
    Path work = a.string("work").isEmpty() ? Files.createTempDirectory("swap-bench")
        : Files.createDirectories(Path.of(a.string("work")));
    List<Path> models = new ArrayList<>();
    try (var files = Files.list(Path.of(a.string("models")))) {
      files.filter(f -> f.toString().endsWith(".gguf")).sorted().limit(3).forEach(models::add);
    }
    if (models.size() < 3) {
      throw new IllegalArgumentException("--models must be a folder with 3 .gguf files");
    }
    String server = a.string("llama-server");
    StringBuilder report = new StringBuilder("# Memory scheduling benchmark\n\n");

    // 1. llama-server on its own
    long[] starts = new long[a.integer("rounds")];
    long[] stops = new long[starts.length];
    for (int i = 0; i < starts.length; i++) {
      int port = Ports.free();
      long t0 = System.nanoTime();
      Process p = new ProcessBuilder(server, "--model", models.get(0).toString(), "--host", "127.0.0.1",
          "--port", Integer.toString(port), "--ctx-size", "256", "--threads", "1")
          .redirectErrorStream(true).redirectOutput(work.resolve("direct.log").toFile()).start();
      awaitHealth(port, p);
      starts[i] = System.nanoTime() - t0;
      long t1 = System.nanoTime();
      p.destroy();
      p.waitFor(30, TimeUnit.SECONDS);
      stops[i] = System.nanoTime() - t1;
    }
    double startMs = median(starts) / 1e6;
    double stopMs = median(stops) / 1e6;
    report.append(String.format(Locale.ROOT, "llama-server alone (median of %d): start → ready %.0f ms, "
        + "SIGTERM → exit %.0f ms%n%n", starts.length, startMs, stopMs));

    // 2 and 3 through the gateway
    int gatewayPort = Ports.free();
    StringBuilder entries = new StringBuilder();
    for (int i = 0; i < 3; i++) {
      entries.append("  - {id: m").append(i).append(", path: ").append(models.get(i)).append(", port: ")
          .append(Ports.free()).append(", memory: 1GiB, device: cpu}\n");
    }
    Path config = work.resolve("llm.yml");
    Files.writeString(config, "gateway:\n  port: " + gatewayPort + "\n  llama_server:\n    command: " + server
        + "\n  state_dir: " + work.resolve("state") + "\n  memory:\n    budget: {cpu: 2.5GiB}\n    reserve: 0\n"
        + "    swap_timeout_seconds: 120\nllama_cpp:\n  ctx_size: 256\n  threads: 1\nlocal_models:\n" + entries);
    Process gateway = new ProcessBuilder("java", "-jar", a.string("jar"), "serve", "--config", config.toString())
        .redirectErrorStream(true).redirectOutput(work.resolve("gateway.log").toFile()).start();
    String base = "http://127.0.0.1:" + gatewayPort;
    try {
      awaitUp(base + "/health", gateway);
      chat(base, "m0");
      long warm = timed(() -> chat(base, "m0"));
      long[] swaps = new long[starts.length];
      for (int i = 0; i < swaps.length; i++) {
        // m(i) and m(i+1) loaded, then m(i+2) needs a swap
        chat(base, "m" + i % 3);
        chat(base, "m" + (i + 1) % 3);
        String target = "m" + (i + 2) % 3;
        swaps[i] = timed(() -> chat(base, target));
      }
      double swapMs = median(swaps) / 1e6;
      double overhead = swapMs - stopMs - startMs - warm / 1e6;
      report.append(String.format(Locale.ROOT, "Cold swap through the gateway (median of %d): %.0f ms; "
          + "stop + start + warm request = %.0f + %.0f + %.0f ms; **overhead %.0f ms** (target ≤ 100 ms)%n%n",
          swaps.length, swapMs, stopMs, startMs, warm / 1e6, overhead));

      // 3. round robin under load
      int clients = a.integer("clients");
      long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(a.integer("seconds"));
      AtomicInteger ok = new AtomicInteger();
      Map<String, AtomicInteger> failures = new ConcurrentHashMap<>();
      AtomicLong maxAlive = new AtomicLong();
      Thread sampler = new Thread(() -> {
        while (System.nanoTime() < end) {
          long alive = gateway.toHandle().children().filter(ProcessHandle::isAlive).count();
          maxAlive.accumulateAndGet(alive, Math::max);
          try {
            Thread.sleep(50);
          } catch (InterruptedException e) {
            return;
          }
        }
      });
      sampler.start();
      List<Thread> threads = new ArrayList<>();
      for (int c = 0; c < clients; c++) {
        int first = c;
        Thread t = new Thread(() -> {
          for (int i = first; System.nanoTime() < end; i++) {
            try {
              chat(base, "m" + i % 3);
              ok.incrementAndGet();
            } catch (Exception e) {
              failures.computeIfAbsent(String.valueOf(e.getMessage()), k -> new AtomicInteger()).incrementAndGet();
            }
          }
        });
        t.start();
        threads.add(t);
      }
      for (Thread t : threads) {
        t.join();
      }
      sampler.join();
      String metrics = get(base + "/metrics");
      double swapCount = metrics.lines().filter(l -> l.startsWith("llm_gateway_swaps_total{"))
          .mapToDouble(l -> Double.parseDouble(l.substring(l.lastIndexOf(' ') + 1))).sum();
      int failed = failures.values().stream().mapToInt(AtomicInteger::get).sum();
      report.append(String.format(Locale.ROOT, "Round robin over 3 models (2 fit), %d clients, %d s: "
          + "%d requests served, **%d failed**, most llama-servers alive at once (sampled every 50 ms): "
          + "**%d** (limit 2), swaps counted by the gateway: %.0f%n", clients, a.integer("seconds"),
          ok.get(), failed, maxAlive.get(), swapCount));
      failures.forEach((why, n) -> report.append("- ").append(n).append(" × ").append(why).append('\n'));
    } finally {
      gateway.destroy();
      gateway.waitFor(30, TimeUnit.SECONDS);
    }
    System.out.println(report);
  }

  private interface Step {
    void run() throws Exception;
  }

  private static long timed(Step step) throws Exception {
    long t0 = System.nanoTime();
    step.run();
    return System.nanoTime() - t0;
  }

  private static void chat(String base, String model) throws IOException, InterruptedException {
    String body = "{\"model\":\"" + model + "\",\"max_tokens\":4,\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}";
    HttpResponse<String> r = HTTP.send(HttpRequest.newBuilder(URI.create(base + "/v1/chat/completions"))
        .timeout(Duration.ofSeconds(300)).header("Content-Type", "application/json")
        .POST(HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofString());
    if (r.statusCode() != 200) {
      throw new IOException("HTTP " + r.statusCode() + " " + r.body().substring(0, Math.min(200, r.body().length())));
    }
  }

  private static String get(String url) throws IOException, InterruptedException {
    return HTTP.send(HttpRequest.newBuilder(URI.create(url)).build(), HttpResponse.BodyHandlers.ofString()).body();
  }

  private static void awaitHealth(int port, Process p) throws Exception {
    awaitUp("http://127.0.0.1:" + port + "/health", p);
  }

  /** Polls every 5 ms until 200 (the gateway's own probe polls every 25 ms). */
  private static void awaitUp(String url, Process p) throws Exception {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
    while (System.nanoTime() < deadline) {
      if (!p.isAlive()) {
        throw new IOException(url + ": the process exited with " + p.exitValue());
      }
      try {
        if (HTTP.send(HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(2)).build(),
            HttpResponse.BodyHandlers.discarding()).statusCode() == 200) {
          return;
        }
      } catch (IOException notYet) {
        // not listening yet
      }
      Thread.sleep(5);
    }
    throw new IOException(url + " not up within 120 s");
  }

  private static double median(long[] values) {
    long[] sorted = values.clone();
    Arrays.sort(sorted);
    return sorted[sorted.length / 2];
  }

}
