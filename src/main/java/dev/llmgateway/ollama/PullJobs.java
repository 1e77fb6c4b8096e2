package dev.llmgateway.ollama;

import dev.llmgateway.bus.OllamaBus;
import dev.llmgateway.metrics.GatewayMetrics;
import dev.llmgateway.config.OllamaNames;
import io.vertx.core.Vertx;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The pulls the gateway runs, owned by {@link OllamaVerticle} and used from its thread only. A pull of
 * a model that is already being pulled joins it; a finished pull is kept for a while so late readers
 * still see how it ended. Every change is published on {@code llm.ollama.pull.<id>}.
 */
final class PullJobs {

  private static final int MAX_FINISHED = 50;
  private static final SecureRandom RANDOM = new SecureRandom();

  /** A pull that was started or joined. */
  record Started(PullJob job, boolean joined) {
  }

  private final Vertx vertx;
  private final long retentionMs;
  private final GatewayMetrics metrics;
  private final Map<String, PullJob> jobs = new LinkedHashMap<>();

  PullJobs(Vertx vertx, long retentionMs, GatewayMetrics metrics) {
    this.vertx = vertx;
    this.retentionMs = retentionMs;
    this.metrics = metrics;
  }

  Started startOrJoin(String model, OllamaClient client) {
    Optional<PullJob> running = jobs.values().stream()
        .filter(j -> j.running() && OllamaNames.same(j.model(), model)).findFirst();
    if (running.isPresent()) {
      running.get().joined();
      return new Started(running.get(), true);
    }
    PullJob job = new PullJob(newId(), model);
    jobs.put(job.id(), job);
    long[] counted = {0};
    job.call(client.pull(model, line -> {
      job.progress(line);
      long now = job.completedBytes();
      if (now > counted[0]) { // the bytes Ollama reports as newly downloaded
        metrics.pullBytes(model, now - counted[0]);
        counted[0] = now;
      }
      publish(job);
    }));
    job.call().result().onComplete(ar -> {
      if (ar.succeeded()) {
        job.succeed();
      } else {
        job.fail(client.classify(ar.cause()));
      }
      publish(job);
      vertx.setTimer(retentionMs, t -> jobs.remove(job.id()));
      trimFinished();
    });
    return new Started(job, false);
  }

  Optional<PullJob> get(String id) {
    return Optional.ofNullable(jobs.get(id));
  }

  /** Running pulls first, then finished ones, newest first. */
  List<PullJob> all() {
    List<PullJob> out = new ArrayList<>(jobs.values());
    Collections.reverse(out);
    out.sort((a, b) -> Boolean.compare(b.running(), a.running()));
    return out;
  }

  /** Drops a pull nobody could have seen (it failed before Ollama answered). */
  void forget(String id) {
    jobs.remove(id);
  }

  void cancelAll(String why) {
    List.copyOf(jobs.values()).stream().filter(PullJob::running).forEach(j -> j.call().cancel(why));
  }

  private void publish(PullJob job) {
    vertx.eventBus().publish(OllamaBus.pull(job.id()), job.toJson());
  }

  private void trimFinished() {
    List<PullJob> finished = jobs.values().stream().filter(j -> !j.running()).toList();
    for (int i = 0; i < finished.size() - MAX_FINISHED; i++) {
      jobs.remove(finished.get(i).id());
    }
  }

  private static String newId() {
    byte[] bytes = new byte[6];
    RANDOM.nextBytes(bytes);
    return HexFormat.of().formatHex(bytes);
  }
}
