package dev.llmgateway.cluster;

import dev.llmgateway.bus.ClusterBus;
import dev.llmgateway.bus.MemoryBus;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.List;

/**
 * This node's part in the cluster's directory of who runs what: it announces, cluster-wide, the
 * llama.cpp models loaded here (from the memory scheduler's published states) and the URL other
 * nodes reach this one's API on, and keeps the other nodes' announcements ({@link NodeTable}) for
 * the routers and {@code /admin/models} of this node. Deployed only on a clustered Vert.x. Every
 * message is small and once a second per node, so no request ever waits on the network to learn
 * where a model runs.
 */
public final class ClusterVerticle extends VerticleBase {

  private final String self;
  private final String url;
  private final NodeTable table;
  private List<String> loaded = List.of();
  private long timer = -1;

  /**
   * @param self this node's name (its cluster address, host:port)
   * @param url where the other nodes send the requests they pass to this one
   */
  public ClusterVerticle(String self, String url) {
    this.self = self;
    this.url = url;
    this.table = new NodeTable(self);
  }

  @Override
  public Future<?> start() {
    var bus = vertx.eventBus();
    bus.<JsonObject>localConsumer(MemoryBus.STATES, msg -> loaded(msg.body()));
    bus.<JsonObject>localConsumer(ClusterBus.DIRECTORY_NOW, msg -> msg.reply(table.directory()));
    Future<?> heard = bus.<JsonObject>consumer(ClusterBus.NODES, msg -> {
      if (table.heard(msg.body(), System.currentTimeMillis())) {
        changed();
      }
    }).completion();
    timer = vertx.setPeriodic(ClusterBus.ANNOUNCE_MS, id -> {
      announce(false);
      if (table.expire(System.currentTimeMillis())) {
        changed();
      }
    });
    Future<Void> states = bus.<JsonObject>request(MemoryBus.STATES_NOW, null)
        .onSuccess(reply -> loaded(reply.body())).<Void>mapEmpty()
        .recover(err -> Future.succeededFuture()); // no process verticle: nothing runs here
    return Future.all(heard, states).onSuccess(v -> {
      announce(false);
      changed(); // the routers learn this node's name
    });
  }

  /** Says goodbye, so the others stop sending requests here at once instead of after the expiry. */
  @Override
  public Future<?> stop() {
    vertx.cancelTimer(timer);
    announce(true);
    return Future.succeededFuture();
  }

  private void loaded(JsonObject states) {
    List<String> now = new ArrayList<>();
    JsonArray models = states.getJsonArray("models", new JsonArray());
    for (int i = 0; i < models.size(); i++) {
      JsonObject m = models.getJsonObject(i);
      if ("loaded".equals(m.getString("state"))) {
        now.add(m.getString("id"));
      }
    }
    now.sort(null);
    if (!now.equals(loaded)) {
      loaded = List.copyOf(now);
      announce(false); // at once: a model just loaded here is found by the others within a round trip
    }
  }

  private void announce(boolean leaving) {
    vertx.eventBus().publish(ClusterBus.NODES, new JsonObject().put("node", self).put("url", url)
        .put("models", new JsonArray(loaded)).put("leaving", leaving));
  }

  private void changed() {
    vertx.eventBus().publish(ClusterBus.DIRECTORY, table.directory());
  }
}
