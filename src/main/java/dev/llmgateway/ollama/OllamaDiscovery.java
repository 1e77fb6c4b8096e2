package dev.llmgateway.ollama;

import dev.llmgateway.bus.OllamaBus;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code gateway.ollama_discovery}: keeps the list of the Ollama server's models ({@code /api/tags},
 * asked every few seconds and at once after a pull or a delete) and publishes it on
 * {@link OllamaBus#DISCOVERED} whenever it changes, so every router can use those models by name.
 * While Ollama cannot be reached the last list stays (a restart of Ollama does not make its models
 * flicker away). Owned by {@link OllamaVerticle}, used from its thread only.
 */
final class OllamaDiscovery {

  private static final Logger LOG = LoggerFactory.getLogger(OllamaDiscovery.class);
  static final long POLL_MS = 2_000;
  static final long ANSWER_TIMEOUT_MS = 10_000;

  private final Vertx vertx;
  private final Supplier<OllamaClient> client;
  private final BooleanSupplier enabled;
  private JsonObject current = new JsonObject().put("url", null).put("models", new JsonArray());
  private long timer = -1;
  private boolean asking;
  private boolean again;
  private boolean stopped;
  private boolean unreachableLogged;

  /** {@code client} and {@code enabled} are asked anew each time: they follow the config. */
  OllamaDiscovery(Vertx vertx, Supplier<OllamaClient> client, BooleanSupplier enabled) {
    this.vertx = vertx;
    this.client = client;
    this.enabled = enabled;
  }

  void start() {
    refresh();
  }

  void stop() {
    stopped = true;
    vertx.cancelTimer(timer);
  }

  /** The latest list, as published. */
  JsonObject current() {
    return current;
  }

  /** Asks Ollama now (after a pull or a delete, or a config change), then keeps polling. */
  void refresh() {
    if (stopped) {
      return;
    }
    if (asking) {
      again = true; // a change happened while we asked: ask once more afterwards
      return;
    }
    vertx.cancelTimer(timer);
    if (!enabled.getAsBoolean()) {
      publish(null, new JsonArray());
      schedule();
      return;
    }
    OllamaClient ollama = client.get();
    asking = true;
    ollama.models().onComplete(ar -> {
      asking = false;
      if (ar.succeeded()) {
        unreachableLogged = false;
        JsonArray models = new JsonArray();
        ar.result().forEach(m -> models.add(m.raw()));
        publish(ollama.url(), models);
      } else if (!unreachableLogged) {
        unreachableLogged = true;
        LOG.info("Ollama discovery: {} (keeping the last list of {} models; asking again every {} s)",
            ar.cause().getMessage(), current.getJsonArray("models").size(), POLL_MS / 1000);
      }
      if (again) {
        again = false;
        refresh();
      } else {
        schedule();
      }
    });
  }

  private void schedule() {
    if (!stopped) {
      timer = vertx.setTimer(POLL_MS, id -> refresh());
    }
  }

  private void publish(String url, JsonArray models) {
    JsonObject next = new JsonObject().put("url", url).put("models", models);
    if (next.equals(current)) {
      return;
    }
    if (url != null) {
      LOG.info("Ollama at {} has {} models{}", url, models.size(),
          models.isEmpty() ? "" : ": " + String.join(", ", models.stream()
              .map(m -> ((JsonObject) m).getString("name", "?")).limit(20).toList()));
    }
    current = next;
    vertx.eventBus().publish(OllamaBus.DISCOVERED, next);
  }
}
