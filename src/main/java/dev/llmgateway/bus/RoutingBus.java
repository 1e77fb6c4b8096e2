package dev.llmgateway.bus;

/**
 * Event-bus addresses of the router. {@link #APIS} answers (any message) with which APIs each backend
 * was found to serve itself and which the gateway translates for it:
 * {@code {"backends": {"<ref>": {"<host:port>": {"/v1/messages": "native"|"translated"}}}}}.
 */
public final class RoutingBus {

  public static final String APIS = "llm.routing.apis";

  /**
   * Answers (any message) with the state of every pooled entry's servers:
   * {@code {"pools": {"<ref>": {"<host:port>": {"state": "up"|"down", "weight", "in_flight", "requests",
   * "message"}}}}}.
   */
  public static final String POOLS = "llm.routing.pools";

  private RoutingBus() {
  }
}
