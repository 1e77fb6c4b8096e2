package dev.llmgateway.bus;

import dev.llmgateway.config.ConfigJson;
import dev.llmgateway.config.GatewayConfig;
import io.vertx.core.json.JsonObject;
import java.time.Instant;

/**
 * A valid config as the config verticle publishes it on {@link ConfigBus#CHANGED} and answers on
 * {@link ConfigBus#CURRENT}: {@code {"version", "loaded_at", "config"}}.
 */
public record ConfigSnapshot(long version, Instant loadedAt, GatewayConfig config) {

  public JsonObject toJson() {
    return new JsonObject().put("version", version).put("loaded_at", loadedAt.toString())
        .put("config", ConfigJson.toJson(config));
  }

  public static ConfigSnapshot fromJson(JsonObject json) {
    return new ConfigSnapshot(json.getLong("version"), Instant.parse(json.getString("loaded_at")),
        ConfigJson.fromJson(json.getJsonObject("config")));
  }
}
