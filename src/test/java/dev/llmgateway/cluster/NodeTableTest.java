package dev.llmgateway.cluster;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.llmgateway.bus.ClusterBus;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.Test;

/** The other nodes as their announcements describe them, on a clock the test gives. */
class NodeTableTest {

  private static JsonObject announcement(String node, boolean leaving, String... models) {
    return new JsonObject().put("node", node).put("url", "http://10.0.0.6:8080")
        .put("models", new JsonArray(java.util.List.of((Object[]) models))).put("leaving", leaving);
  }

  private static JsonArray nodes(NodeTable table) {
    return table.directory().getJsonArray("nodes");
  }

  @Test
  void keepsWhatEachOtherNodeAnnouncesAndSaysWhenThatChanged() {
    NodeTable table = new NodeTable("10.0.0.5:5701");
    assertTrue(table.heard(announcement("10.0.0.6:5701", false, "b", "a"), 0));
    assertFalse(table.heard(announcement("10.0.0.6:5701", false, "a", "b"), 900), "same models, other order");
    assertTrue(table.heard(announcement("10.0.0.6:5701", false, "a"), 1800));
    assertEquals("10.0.0.5:5701", table.directory().getString("node"));
    assertEquals(new JsonArray().add(new JsonObject().put("node", "10.0.0.6:5701").put("url", "http://10.0.0.6:8080")
        .put("models", new JsonArray().add("a"))), nodes(table));
  }

  @Test
  void ignoresItsOwnAnnouncementsAndOnesWithoutANameOrUrl() {
    NodeTable table = new NodeTable("10.0.0.5:5701");
    assertFalse(table.heard(announcement("10.0.0.5:5701", false, "a"), 0));
    assertFalse(table.heard(new JsonObject().put("node", "x").put("models", new JsonArray()), 0));
    assertTrue(nodes(table).isEmpty());
  }

  @Test
  void forgetsANodeThatLeavesAtOnceAndOneThatFallsSilentAfterTheExpiry() {
    NodeTable table = new NodeTable("self");
    table.heard(announcement("gone", false, "a"), 0);
    table.heard(announcement("killed", false, "b"), 0);
    assertTrue(table.heard(announcement("gone", true), 100));
    assertEquals(1, nodes(table).size());
    assertFalse(table.expire(ClusterBus.NODE_EXPIRY_MS), "not yet silent for longer than the expiry");
    assertTrue(table.expire(ClusterBus.NODE_EXPIRY_MS + 1));
    assertTrue(nodes(table).isEmpty());
    assertFalse(table.heard(announcement("gone", true), 200), "a goodbye from a node already forgotten");
  }
}
