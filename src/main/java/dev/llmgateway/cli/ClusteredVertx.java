package dev.llmgateway.cli;

import com.hazelcast.config.Config;
import com.hazelcast.config.JoinConfig;
import com.hazelcast.config.NetworkConfig;
import dev.llmgateway.config.ClusterSettings;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.core.eventbus.EventBusOptions;
import io.vertx.spi.cluster.hazelcast.ConfigUtil;
import io.vertx.spi.cluster.hazelcast.HazelcastClusterManager;
import java.net.InetAddress;
import java.net.NetworkInterface;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A Vert.x on Hazelcast's cluster manager, joined to the members of {@code gateway.cluster} over
 * TCP/IP (multicast and auto-detection off), bound to {@code host} only: the cluster's own traffic
 * (Hazelcast and the event bus) stays on the addresses the members list names. Loaded only for
 * {@code serve --cluster}: a single node never loads a Hazelcast class.
 */
public final class ClusteredVertx {

  /** A member list that cannot work: said before anything starts. */
  static final class BadMembers extends RuntimeException {
    BadMembers(String message) {
      super(message, null, false, false);
    }
  }

  private static final Logger LOG = LoggerFactory.getLogger(ClusteredVertx.class);
  private static final int JOIN_SECONDS = 20;

  private ClusteredVertx() {
  }

  public static Future<Vertx> start(ClusterSettings cluster, String configFile) {
    String host = check(cluster, configFile);
    Config hz = ConfigUtil.loadConfig();
    hz.setClusterName("llm-gateway");
    hz.setProperty("hazelcast.logging.type", "slf4j");
    hz.setProperty("hazelcast.phone.home.enabled", "false");
    hz.setProperty("hazelcast.shutdownhook.enabled", "false"); // Vert.x leaves the cluster on close
    hz.setProperty("hazelcast.socket.bind.any", "false");
    // A member killed with -9 is noticed within seconds, not Hazelcast's default minute.
    hz.setProperty("hazelcast.heartbeat.interval.seconds", "1");
    hz.setProperty("hazelcast.max.no.heartbeat.seconds", "5");
    hz.setProperty("hazelcast.wait.seconds.before.join", "1");
    // A member address where something else listens (not a gateway) must not hold the start for
    // Hazelcast's default 5 minutes: after this the node starts alone (and says so).
    hz.setProperty("hazelcast.max.join.seconds", Integer.toString(JOIN_SECONDS));
    NetworkConfig network = hz.getNetworkConfig();
    network.setPort(cluster.port()).setPortAutoIncrement(false);
    network.getInterfaces().setEnabled(true).setInterfaces(List.of(host));
    JoinConfig join = network.getJoin();
    join.getMulticastConfig().setEnabled(false);
    join.getAutoDetectionConfig().setEnabled(false);
    join.getTcpIpConfig().setEnabled(true).setMembers(new ArrayList<>(cluster.members()));
    VertxOptions options = new VertxOptions().setPreferNativeTransport(true)
        .setEventBusOptions(new EventBusOptions().setHost(host).setClusterPublicHost(host));
    HazelcastClusterManager manager = new HazelcastClusterManager(hz);
    return Vertx.builder().with(options).withClusterManager(manager).buildClustered()
        .recover(err -> Future.failedFuture(String.valueOf(err.getMessage()).contains("failed to start")
            ? new BadMembers(configFile + ": gateway.cluster.members: could not join " + String.join(", ",
                cluster.members()) + " within " + JOIN_SECONDS + " s: something answers there that is not a "
                + "gateway of this cluster; check each member's host:port (the cluster ports, not the API's)")
            : err))
        .onSuccess(v -> {
          if (manager.getNodes().size() < 2 && cluster.members().size() > 1) {
            LOG.warn("no other member of gateway.cluster.members answered ({}): this gateway runs alone "
                + "until they start; check their addresses and that port {} is open between them",
                String.join(", ", cluster.members()), cluster.port());
          }
        });
  }

  /**
   * This node's cluster address; every member well formed and resolvable, else {@link BadMembers}
   * naming the key and what to do.
   */
  static String check(ClusterSettings cluster, String configFile) {
    String where = configFile + ": gateway.cluster.members";
    if (cluster.members().isEmpty()) {
      throw new BadMembers(where + " is empty: list every gateway's host:port (this one's too), "
          + "e.g. members: [\"10.0.0.5:5701\", \"10.0.0.6:5701\"], or pass --cluster-members");
    }
    String local = null;
    for (int i = 0; i < cluster.members().size(); i++) {
      String member = cluster.members().get(i).trim();
      String problem = ClusterSettings.problem(member);
      if (problem != null) {
        throw new BadMembers(where + "[" + i + "]: " + problem);
      }
      String host = member.substring(0, member.lastIndexOf(':')).replaceAll("^\\[|]$", "");
      try {
        InetAddress address = InetAddress.getByName(host);
        if (local == null && (address.isLoopbackAddress() || NetworkInterface.getByInetAddress(address) != null)) {
          local = address.getHostAddress();
        }
      } catch (UnknownHostException e) {
        throw new BadMembers(where + "[" + i + "]: cannot resolve host " + host
            + ": fix the name or use the member's IP address");
      } catch (java.net.SocketException e) {
        // not an address of this machine: fine
      }
    }
    if (cluster.host() != null) {
      try { // Hazelcast binds to interfaces by address, not by name
        local = InetAddress.getByName(cluster.host()).getHostAddress();
      } catch (UnknownHostException e) {
        throw new BadMembers(configFile + ": gateway.cluster.host: cannot resolve " + cluster.host()
            + ": give this node's address");
      }
    }
    if (local == null) {
      throw new BadMembers(configFile + ": gateway.cluster.host is not set and no member of "
          + "gateway.cluster.members is an address of this machine: set gateway.cluster.host (or "
          + "--cluster-host) to the address the other gateways reach this one on");
    }
    checkPortFree(local, cluster.port(), configFile);
    return local;
  }

  /** Said here in one line, instead of Hazelcast's stack traces when it cannot bind. */
  private static void checkPortFree(String host, int port, String configFile) {
    try (java.net.ServerSocket probe = new java.net.ServerSocket()) {
      probe.setReuseAddress(true);
      probe.bind(new java.net.InetSocketAddress(host, port));
    } catch (java.io.IOException e) {
      String reason = String.valueOf(e.getMessage());
      if (reason.contains("assign requested address")) {
        throw new BadMembers(configFile + ": gateway.cluster.host " + host + " is not an address of this "
            + "machine: give one of its own addresses (gateway.cluster.host or --cluster-host)");
      }
      throw new BadMembers(configFile + ": gateway.cluster.port " + port + " on " + host + " cannot be used ("
          + reason + "): stop what holds it, or give this node another port (gateway.cluster.port "
          + "or --cluster-port, and the same in every node's members list)");
    }
  }
}
