package dev.llmgateway.config;

/**
 * One server of an entry's {@code endpoints:} pool. {@code weight} (default 1) is the share of the
 * requests it takes relative to the others.
 */
public record PoolEndpoint(String host, int port, int weight) {

  public String authority() {
    return (host.contains(":") ? "[" + host + "]" : host) + ":" + port;
  }
}
