package dev.llmgateway.process;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.function.Consumer;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The models an Ollama server on this machine has loaded ({@code GET /api/ps}), polled so they count
 * against the same budgets as the gateway's own: {@code size_vram} on gpu0 (when the machine has
 * one), the rest of {@code size} on cpu. Unloads one with {@code POST /api/generate {"model",
 * "keep_alive": 0}}; Ollama finishes the requests it is serving before it lets the model go.
 */
final class OllamaWatch {

  private static final Logger LOG = LoggerFactory.getLogger(OllamaWatch.class);
  static final long POLL_MS = 2000;

  private final Vertx vertx;
  private final HttpClient client;
  private final String host;
  private final int port;
  private final Supplier<Boolean> hasGpu;
  private final Consumer<List<MemoryScheduler.Foreign>> onChange;
  private List<MemoryScheduler.Foreign> last = List.of();
  private long timer = -1;
  private boolean warned;

  OllamaWatch(Vertx vertx, HttpClient client, String host, int port, Supplier<Boolean> hasGpu,
      Consumer<List<MemoryScheduler.Foreign>> onChange) {
    this.vertx = vertx;
    this.client = client;
    this.host = host;
    this.port = port;
    this.hasGpu = hasGpu;
    this.onChange = onChange;
  }

  void start(long periodMs) {
    poll();
    timer = vertx.setPeriodic(periodMs, t -> poll());
  }

  void stop() {
    if (timer >= 0) {
      vertx.cancelTimer(timer);
    }
  }

  private void poll() {
    JsonCall.send(client, host, port, HttpMethod.GET, "/api/ps", null, 3000)
        .map(body -> parse(new JsonObject(body)))
        .otherwise(err -> {
          if (!warned) {
            warned = true;
            LOG.debug("Ollama on {}:{} does not answer /api/ps ({}): its models are not counted", host, port,
                err.getMessage());
          }
          return List.of();
        })
        .onSuccess(now -> {
          if (!Objects.equals(now, last)) {
            last = now;
            onChange.accept(now);
          }
        });
  }

  List<MemoryScheduler.Foreign> parse(JsonObject ps) {
    List<MemoryScheduler.Foreign> out = new ArrayList<>();
    JsonArray models = ps.getJsonArray("models", new JsonArray());
    boolean gpu = hasGpu.get();
    for (int i = 0; i < models.size(); i++) {
      JsonObject m = models.getJsonObject(i);
      String name = m.getString("name", m.getString("model"));
      long size = m.getLong("size", 0L);
      long vram = m.getLong("size_vram", 0L);
      if (gpu && vram > 0) {
        out.add(new MemoryScheduler.Foreign(name, "gpu0", vram, true));
      }
      long ram = gpu ? size - vram : size;
      if (ram > 0) {
        out.add(new MemoryScheduler.Foreign(name, "cpu", ram, true));
      }
    }
    return out;
  }

  /** Asks Ollama to unload a model now (after the requests it is serving). */
  Future<Void> unload(MemoryScheduler.Foreign model) {
    String body = new JsonObject().put("model", model.name()).put("keep_alive", 0).encode();
    return JsonCall.send(client, host, port, HttpMethod.POST, "/api/generate", body, 60_000)
        .<Void>mapEmpty()
        .onFailure(err -> LOG.warn("could not unload the Ollama model {}: {}", model.name(), err.getMessage()))
        .onComplete(ar -> poll());
  }
}
