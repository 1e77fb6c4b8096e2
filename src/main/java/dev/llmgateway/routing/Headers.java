package dev.llmgateway.routing;

import io.vertx.core.MultiMap;
import java.util.HashSet;
import java.util.Locale;
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

  private Headers() {
  }

  static void copyRequest(MultiMap from, MultiMap to) {
    Set<String> skip = connectionListed(from);
    from.forEach((name, value) -> {
      String lower = name.toLowerCase(Locale.ROOT);
      if (!HOP_BY_HOP.contains(lower) && !NOT_FORWARDED.contains(lower) && !skip.contains(lower)) {
        to.add(name, value);
      }
    });
  }

  static void copyResponse(MultiMap from, MultiMap to) {
    Set<String> skip = connectionListed(from);
    from.forEach((name, value) -> {
      String lower = name.toLowerCase(Locale.ROOT);
      if (!HOP_BY_HOP.contains(lower) && !skip.contains(lower)) {
        to.add(name, value);
      }
    });
  }

  /** Headers named in {@code Connection: a, b} are hop-by-hop too. */
  private static Set<String> connectionListed(MultiMap headers) {
    Set<String> out = new HashSet<>();
    for (String value : headers.getAll("connection")) {
      for (String token : value.split(",")) {
        out.add(token.trim().toLowerCase(Locale.ROOT));
      }
    }
    return out;
  }
}
