package dev.llmgateway.bus;

/**
 * Event-bus addresses of the router. {@link #APIS} answers (any message) with which APIs each backend
 * was found to serve itself and which the gateway translates for it:
 * {@code {"backends": {"<ref>": {"<host:port>": {"/v1/messages": "native"|"translated"}}}}}.
 */
public final class RoutingBus {

  public static final String APIS = "llm.routing.apis";

  private RoutingBus() {
  }
}
