package dev.llmgateway.model;

import dev.llmgateway.bus.ConfigBus;
import dev.llmgateway.bus.ConfigSnapshot;
import dev.llmgateway.bus.OllamaBus;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Supplier;

/**
 * The catalog of the current config and of the Ollama server's models (discovery), kept by whoever
 * needs it on its own event loop: asks the config verticle and the Ollama verticle once, then swaps
 * in a new catalog whenever either publishes a change. Reading it costs nothing.
 */
public final class LiveCatalog implements Supplier<ModelCatalog> {

  private volatile ModelCatalog catalog;
  private volatile ConfigSnapshot snapshot;
  private volatile JsonArray ollamaModels = new JsonArray();

  private LiveCatalog() {
  }

  /** Call on the context that will read it. */
  public static Future<LiveCatalog> follow(Vertx vertx) {
    LiveCatalog live = new LiveCatalog();
    // Subscribed before asking, so no change falls between the answer and the subscription.
    vertx.eventBus().<JsonObject>consumer(OllamaBus.DISCOVERED, msg -> live.discovered(msg.body()));
    return vertx.eventBus().<JsonObject>request(ConfigBus.CURRENT, null).compose(reply -> {
      live.apply(reply.body());
      vertx.eventBus().<JsonObject>consumer(ConfigBus.CHANGED, msg -> live.apply(msg.body()));
      return vertx.eventBus().<JsonObject>request(OllamaBus.DISCOVERED_CURRENT, null)
          .map(current -> {
            live.discovered(current.body());
            return live;
          })
          // No Ollama verticle (a test that runs without one): no discovered models.
          .recover(err -> Future.succeededFuture(live));
    });
  }

  private void apply(JsonObject payload) {
    ConfigSnapshot s = ConfigSnapshot.fromJson(payload);
    catalog = new ModelCatalog(s.config(), names(ollamaModels));
    snapshot = s;
  }

  private void discovered(JsonObject payload) {
    JsonArray models = payload == null ? null : payload.getJsonArray("models");
    ollamaModels = models == null ? new JsonArray() : models;
    if (snapshot != null) {
      catalog = new ModelCatalog(snapshot.config(), names(ollamaModels));
    }
  }

  private static List<String> names(JsonArray models) {
    List<String> out = new ArrayList<>();
    for (Object m : models) {
      if (m instanceof JsonObject o && o.getValue("name") instanceof String name && !name.isBlank()) {
        out.add(name);
      }
    }
    return out;
  }

  @Override
  public ModelCatalog get() {
    return catalog;
  }

  public ConfigSnapshot snapshot() {
    return snapshot;
  }

  /** The Ollama server's models as {@code /api/tags} gave them (empty without discovery). */
  public JsonArray ollamaModels() {
    return ollamaModels;
  }
}
