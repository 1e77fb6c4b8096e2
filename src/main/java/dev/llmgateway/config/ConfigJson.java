package dev.llmgateway.config;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Converts configs to and from the JSON bodies of {@code llm.config.changed}, and Vert.x Config's
 * JSON back into plain maps and lists for the binder.
 */
public final class ConfigJson {

  private ConfigJson() {
  }

  public static JsonObject toJson(GatewayConfig config) {
    return RecordJson.toJson(config);
  }

  public static GatewayConfig fromJson(JsonObject json) {
    return RecordJson.fromJson(json, GatewayConfig.class);
  }

  /** JsonObject/JsonArray (as Vert.x Config yields them, mixed with raw maps) to plain Java. */
  public static Object plain(Object value) {
    if (value instanceof JsonObject o) {
      return plain(o.getMap());
    }
    if (value instanceof JsonArray a) {
      return plain(a.getList());
    }
    if (value instanceof Map<?, ?> m) {
      Map<String, Object> out = new LinkedHashMap<>();
      m.forEach((k, v) -> out.put(String.valueOf(k), plain(v)));
      return out;
    }
    if (value instanceof List<?> l) {
      List<Object> out = new ArrayList<>(l.size());
      l.forEach(v -> out.add(plain(v)));
      return out;
    }
    return value;
  }
}
