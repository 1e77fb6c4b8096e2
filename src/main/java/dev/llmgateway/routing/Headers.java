package dev.llmgateway.routing;

import io.vertx.core.MultiMap;
import java.util.HashSet;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/** Which headers cross the proxy. Hop-by-hop headers (RFC 9110 §7.6.1) never do. */
final class Headers {

  private static final Set<String> HOP_BY_HOP = Set.of("connection", "keep-alive",
      "proxy-authenticate", "proxy-authorization", "proxy-connection", "te", "trailer",
      "transfer-encoding", "upgrade");

  /**
   * Client headers the backend must not see: the client's own credentials and cookies (the gateway
   * adds a backend's key itself), framing that the gateway recomputes, and compression (a gzipped
   * event stream could not be passed on chunk by chunk).
   */
  private static final Set<String> NOT_FORWARDED = Set.of("host", "content-length", "content-type",
      "authorization", "cookie", "accept-encoding", "expect", "x-api-key", "api-key");

  /**
   * What another gateway of the cluster must not get of a request passed to it: only the framing. It
   * checks the client's key itself, and adds the backend's.
   */
  private static final Set<String> NOT_PASSED_TO_NODE = Set.of("host", "content-length", "expect");

  private enum Direction { TO_BACKEND, TO_CLIENT, TO_NODE }

  private Headers() {
  }

  static void copyRequest(MultiMap from, MultiMap to) {
    copy(from, to, Direction.TO_BACKEND);
  }

  static void copyResponse(MultiMap from, MultiMap to) {
    copy(from, to, Direction.TO_CLIENT);
  }

  /** A client's request as another gateway of the cluster gets it: credentials included. */
  static void copyToNode(MultiMap from, MultiMap to) {
    copy(from, to, Direction.TO_NODE);
  }

  private static void copy(MultiMap from, MultiMap to, Direction direction) {
    Set<String> listed = connectionListed(from);
    for (Map.Entry<String, String> h : from) {
      String name = h.getKey();
      // Header names are mostly lower case already (HTTP/2, curl, SDKs): skip the copy then.
      String lower = isLowerCase(name) ? name : name.toLowerCase(Locale.ROOT);
      if (!HOP_BY_HOP.contains(lower) && !dropped(lower, direction)
          && (listed.isEmpty() || !listed.contains(lower))) {
        to.add(name, h.getValue());
      }
    }
  }

  private static boolean dropped(String lowerName, Direction direction) {
    return switch (direction) {
      case TO_BACKEND -> NOT_FORWARDED.contains(lowerName);
      case TO_CLIENT -> isCors(lowerName);
      case TO_NODE -> NOT_PASSED_TO_NODE.contains(lowerName);
    };
  }

  /** The gateway decides cross-origin access ({@link Cors}), never a backend. */
  private static boolean isCors(String lowerName) {
    return lowerName.startsWith("access-control-");
  }

  private static boolean isLowerCase(String s) {
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      if (c >= 'A' && c <= 'Z') {
        return false;
      }
    }
    return true;
  }

  /** Headers named in {@code Connection: a, b} are hop-by-hop too (rarely any: no set then). */
  private static Set<String> connectionListed(MultiMap headers) {
    String connection = headers.get("connection");
    if (connection == null || connection.equalsIgnoreCase("keep-alive") || connection.equalsIgnoreCase("close")) {
      return Set.of();
    }
    Set<String> out = new HashSet<>();
    for (String value : headers.getAll("connection")) {
      for (String token : value.split(",")) {
        out.add(token.trim().toLowerCase(Locale.ROOT));
      }
    }
    return out;
  }
}
