package dev.llmgateway.routing;

import dev.llmgateway.bus.ClusterBus;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.net.URI;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * This router instance's copy of the cluster's directory ({@code llm.cluster.directory}): which other
 * node has which llama.cpp model loaded, and where to reach it. Outside a cluster it stays empty and
 * {@link #self()} is null. Looked up on every request, so it is a local map, kept current by messages.
 */
final class NodeDirectory {

  /** Another gateway of the cluster, where its API listens. */
  record Node(String name, String host, int port, boolean tls) {
  }

  private final Vertx vertx;
  private String self;
  private Map<String, List<Node>> byModel = Map.of();
  /** Spreads requests over the nodes that have the same model loaded. */
  private int turn;
  /** Nodes that could not be reached just now, until when (nanoTime) to leave them alone. */
  private final Map<String, Long> avoidedUntil = new HashMap<>();

  NodeDirectory(Vertx vertx) {
    this.vertx = vertx;
  }

  Future<Void> start() {
    vertx.eventBus().<JsonObject>localConsumer(ClusterBus.DIRECTORY, msg -> take(msg.body()));
    return vertx.eventBus().<JsonObject>request(ClusterBus.DIRECTORY_NOW, null)
        .onSuccess(reply -> take(reply.body()))
        .<Void>mapEmpty()
        .recover(err -> Future.succeededFuture()); // not clustered, or its verticle starts after us
  }

  /** This node's name in the cluster, or null outside one. */
  String self() {
    return self;
  }

  /** Another node that has {@code modelId} loaded now, or null. */
  Node running(String modelId) {
    List<Node> nodes = byModel.get(modelId);
    if (nodes == null || nodes.isEmpty()) {
      return null;
    }
    for (int i = 0; i < nodes.size(); i++) {
      Node node = nodes.get(Math.floorMod(turn++, nodes.size()));
      Long until = avoidedUntil.get(node.name());
      if (until == null || System.nanoTime() - until > 0) {
        return node;
      }
    }
    return null;
  }

  /** Every llama.cpp model loaded on another node, with the first node that has it (by name, sorted). */
  java.util.SortedMap<String, String> remoteModels() {
    java.util.SortedMap<String, String> out = new java.util.TreeMap<>();
    byModel.forEach((model, nodes) -> out.put(model, nodes.get(0).name()));
    return out;
  }

  /**
   * A node that did not take a connection: left alone until the cluster has noticed it is gone
   * (it stops being announced) or it answers again.
   */
  void avoid(Node node) {
    avoidedUntil.put(node.name(), System.nanoTime() + java.util.concurrent.TimeUnit.MILLISECONDS.toNanos(
        ClusterBus.NODE_EXPIRY_MS + ClusterBus.ANNOUNCE_MS));
  }

  private void take(JsonObject directory) {
    Map<String, List<Node>> next = new HashMap<>();
    JsonArray nodes = directory.getJsonArray("nodes", new JsonArray());
    for (int i = 0; i < nodes.size(); i++) {
      JsonObject n = nodes.getJsonObject(i);
      Node node = node(n.getString("node"), n.getString("url"));
      if (node == null) {
        continue;
      }
      JsonArray models = n.getJsonArray("models", new JsonArray());
      for (int j = 0; j < models.size(); j++) {
        next.computeIfAbsent(models.getString(j), k -> new ArrayList<>()).add(node);
      }
    }
    self = directory.getString("node");
    byModel = next;
    avoidedUntil.values().removeIf(until -> System.nanoTime() - until > 0);
  }

  private static Node node(String name, String url) {
    try {
      URI uri = URI.create(url);
      boolean tls = "https".equals(uri.getScheme());
      String host = uri.getHost().replaceAll("^\\[|]$", "");
      return new Node(name, host, uri.getPort() > 0 ? uri.getPort() : tls ? 443 : 80, tls);
    } catch (RuntimeException e) {
      return null; // an announcement we cannot use: as if that node ran nothing
    }
  }
}
