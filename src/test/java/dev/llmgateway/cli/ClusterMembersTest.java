package dev.llmgateway.cli;

import dev.llmgateway.testing.Ports;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.llmgateway.config.ClusterSettings;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.util.List;
import org.junit.jupiter.api.Test;

/** A cluster member list that cannot work stops the start with a message naming the key and the fix. */
class ClusterMembersTest {

  private static String refused(List<String> members, String host) {
    return assertThrows(ClusteredVertx.BadMembers.class, () -> ClusteredVertx.check(
        new ClusterSettings(true, members, host, 5701), "llm.yml")).getMessage();
  }

  @Test
  void namesAMalformedMember() {
    String message = refused(List.of("127.0.0.1:5701", "10.0.0.6"), null);
    assertTrue(message.startsWith("llm.yml: gateway.cluster.members[1]: \"10.0.0.6\" must be host:port"),
        message);
    assertTrue(refused(List.of("127.0.0.1:99999"), null).contains("between 1 and 65535"));
    assertTrue(refused(List.of("127.0.0.1:http"), null).contains("must be a number"));
  }

  @Test
  void namesAMemberWhoseHostDoesNotResolve() {
    String message = refused(List.of("127.0.0.1:5701", "no-such-gateway.invalid:5701"), null);
    assertTrue(message.contains("gateway.cluster.members[1]: cannot resolve host no-such-gateway.invalid"),
        message);
  }

  @Test
  void asksForThisNodesAddressWhenNoMemberIsOnThisMachine() {
    assertTrue(refused(List.of("192.0.2.10:5701", "192.0.2.11:5701"), null)
        .contains("set gateway.cluster.host"));
    assertTrue(refused(List.of(), null).contains("is empty"));
  }

  @Test
  void bindsToTheMemberThatIsThisMachine() throws Exception {
    int port = Ports.free();
    assertEquals("127.0.0.1", ClusteredVertx.check(new ClusterSettings(true,
        List.of("192.0.2.10:5701", "127.0.0.1:" + port), null, port), "llm.yml"));
    assertEquals("127.0.0.1", ClusteredVertx.check(new ClusterSettings(true,
        List.of("192.0.2.10:5701"), "127.0.0.1", port), "llm.yml"), "gateway.cluster.host, when given");
  }

  @Test
  void saysWhenTheClusterPortIsTakenOrTheHostIsNotThisMachine() throws Exception {
    try (ServerSocket taken = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      int port = taken.getLocalPort();
      String message = assertThrows(ClusteredVertx.BadMembers.class, () -> ClusteredVertx.check(
          new ClusterSettings(true, List.of("127.0.0.1:" + port), null, port), "llm.yml")).getMessage();
      assertTrue(message.startsWith("llm.yml: gateway.cluster.port " + port + " on 127.0.0.1 cannot be used"),
          message);
      assertTrue(message.contains("--cluster-port"), message);
    }
    assertTrue(refused(List.of("192.0.2.10:5701"), "192.0.2.99")
        .contains("gateway.cluster.host 192.0.2.99 is not an address of this machine"));
  }

}
