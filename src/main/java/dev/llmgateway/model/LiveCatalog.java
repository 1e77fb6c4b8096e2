package dev.llmgateway.model;

import dev.llmgateway.bus.ConfigBus;
import dev.llmgateway.bus.ConfigSnapshot;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import java.util.function.Supplier;

/**
 * The catalog of the current config, kept by whoever needs it on its own event loop: asks the config
 * verticle for the config once, then swaps in each one it publishes. Reading it costs nothing.
 */
public final class LiveCatalog implements Supplier<ModelCatalog> {

  private volatile ModelCatalog catalog;
  private volatile ConfigSnapshot snapshot;

  private LiveCatalog() {
  }

  /** Call on the context that will read it. */
  public static Future<LiveCatalog> follow(Vertx vertx) {
    LiveCatalog live = new LiveCatalog();
    return vertx.eventBus().<JsonObject>request(ConfigBus.CURRENT, null).map(reply -> {
      live.apply(reply.body());
      vertx.eventBus().<JsonObject>consumer(ConfigBus.CHANGED, msg -> live.apply(msg.body()));
      return live;
    });
  }

  private void apply(JsonObject payload) {
    ConfigSnapshot s = ConfigSnapshot.fromJson(payload);
    catalog = new ModelCatalog(s.config());
    snapshot = s;
  }

  @Override
  public ModelCatalog get() {
    return catalog;
  }

  public ConfigSnapshot snapshot() {
    return snapshot;
  }
}
