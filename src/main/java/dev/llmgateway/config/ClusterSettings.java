package dev.llmgateway.config;

import java.util.List;

/**
 * {@code gateway.cluster}: join the other gateways listed in {@code members} ({@code host:port} of
 * their cluster ports; TCP/IP, no multicast). {@code host} is this node's address for the cluster's
 * own traffic (default: the first member that is an address of this machine, else 127.0.0.1);
 * {@code port} the cluster port it listens on (default 5701).
 */
public record ClusterSettings(boolean enabled, List<String> members, String host, int port) {

  public static final int DEFAULT_PORT = 5701;
  public static final ClusterSettings OFF = new ClusterSettings(false, List.of(), null, DEFAULT_PORT);

  public ClusterSettings {
    members = List.copyOf(members);
  }

  public ClusterSettings enabledWith(List<String> flagMembers, String flagHost, Integer flagPort) {
    return new ClusterSettings(true, flagMembers == null || flagMembers.isEmpty() ? members : flagMembers,
        flagHost == null ? host : flagHost, flagPort == null ? port : flagPort);
  }

  /**
   * Why a {@code host:port} member is malformed, or null when it is fine. Names are resolved only
   * when the node joins (a clear error then too).
   */
  public static String problem(String member) {
    String m = member == null ? "" : member.trim();
    int colon = m.lastIndexOf(':');
    if (colon <= 0 || colon == m.length() - 1) {
      return "\"" + m + "\" must be host:port, e.g. 10.0.0.5:5701";
    }
    String host = m.substring(0, colon).replaceAll("^\\[|]$", "");
    if (host.isBlank() || host.contains(" ") || host.contains("/")) {
      return "\"" + m + "\" has no valid host before the port";
    }
    try {
      int port = Integer.parseInt(m.substring(colon + 1));
      if (port < 1 || port > 65535) {
        return "\"" + m + "\": the port must be between 1 and 65535";
      }
    } catch (NumberFormatException e) {
      return "\"" + m + "\": the port must be a number, e.g. 10.0.0.5:5701";
    }
    return null;
  }
}
