package dev.llmgateway.cluster;

import dev.llmgateway.bus.ClusterBus;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;

/**
 * The other nodes of the cluster as their announcements describe them: name, URL and loaded models,
 * each kept until the node says it leaves or has been silent for {@link ClusterBus#NODE_EXPIRY_MS}
 * (killed, or cut off). Pure: the caller gives the clock.
 */
final class NodeTable {

  private record Node(String name, String url, List<String> models, long seenAt) {
    JsonObject json() {
      return new JsonObject().put("node", name).put("url", url).put("models", new JsonArray(models));
    }

    boolean sameAs(Node other) {
      return other != null && url.equals(other.url) && models.equals(other.models);
    }
  }

  private final String self;
  private final Map<String, Node> nodes = new TreeMap<>();

  NodeTable(String self) {
    this.self = self;
  }

  /** Takes one announcement; true when what the table shows changed. */
  boolean heard(JsonObject announcement, long nowMs) {
    String name = announcement.getString("node");
    String url = announcement.getString("url");
    if (name == null || url == null || name.equals(self)) {
      return false;
    }
    if (announcement.getBoolean("leaving", false)) {
      return nodes.remove(name) != null;
    }
    List<String> models = new ArrayList<>();
    JsonArray listed = announcement.getJsonArray("models", new JsonArray());
    for (int i = 0; i < listed.size(); i++) {
      models.add(Objects.toString(listed.getValue(i)));
    }
    models.sort(null);
    Node next = new Node(name, url, List.copyOf(models), nowMs);
    Node before = nodes.put(name, next);
    return !next.sameAs(before);
  }

  /** Forgets the nodes silent for too long; true when any was. */
  boolean expire(long nowMs) {
    return nodes.values().removeIf(n -> nowMs - n.seenAt() > ClusterBus.NODE_EXPIRY_MS);
  }

  /** {@code {"node": self, "nodes": [...]}}, as {@link ClusterBus#DIRECTORY} carries it. */
  JsonObject directory() {
    JsonArray list = new JsonArray();
    nodes.values().forEach(n -> list.add(n.json()));
    return new JsonObject().put("node", self).put("nodes", list);
  }
}
