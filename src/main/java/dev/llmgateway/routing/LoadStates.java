package dev.llmgateway.routing;

import dev.llmgateway.bus.MemoryBus;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.HashMap;
import java.util.Map;

/**
 * This router instance's copy of the load state of every llama.cpp model (from
 * {@code llm.memory.states}): what {@code /v1/models} shows as {@code status} and {@code meta}.
 */
final class LoadStates {

  private final Vertx vertx;
  private Map<String, JsonObject> models = Map.of();

  LoadStates(Vertx vertx) {
    this.vertx = vertx;
  }

  /** Follows the published states; a gateway without the process verticle simply has none. */
  Future<Void> start() {
    vertx.eventBus().<JsonObject>localConsumer(MemoryBus.STATES, msg -> take(msg.body()));
    return vertx.eventBus().<JsonObject>request(MemoryBus.STATES_NOW, null)
        .onSuccess(reply -> take(reply.body()))
        .<Void>mapEmpty()
        .recover(err -> Future.succeededFuture());
  }

  private void take(JsonObject body) {
    Map<String, JsonObject> next = new HashMap<>();
    JsonArray all = body.getJsonArray("models", new JsonArray());
    for (int i = 0; i < all.size(); i++) {
      JsonObject m = all.getJsonObject(i);
      next.put(m.getString("id"), m);
    }
    models = next;
  }

  /** The models a llama_router entry reports (ids {@code <router>/<model>}), in its order. */
  java.util.List<String> ofRouter(String router) {
    return models.values().stream().filter(m -> router.equals(m.getString("router")))
        .map(m -> m.getString("id")).sorted().toList();
  }

  /** How many requests the model's server takes at once, as it said; 1 until it has. */
  int slots(String id) {
    JsonObject m = models.get(id);
    Integer slots = m == null ? null : m.getInteger("slots");
    return slots == null || slots < 1 ? 1 : slots;
  }

  /** {@code {"id","state","bytes","device","n_ctx"}} of a model, or null when it is not scheduled. */
  JsonObject of(String id) {
    return models.get(id);
  }
}
