package dev.llmgateway.api;

import io.vertx.core.Vertx;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpConnection;
import io.vertx.core.http.PoolOptions;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * HTTP clients and connections whose low-level errors are expected, not alarming: a client that
 * aborts, a backend that dies mid-answer, a health probe that meets a crashing child. Each request
 * reports its own failure; without a handler Vert.x would also log every reset at ERROR.
 */
public final class Connections {

  private static final Logger LOG = LoggerFactory.getLogger(Connections.class);

  private Connections() {
  }

  public static HttpClient client(Vertx vertx, HttpClientOptions options, PoolOptions pool) {
    return vertx.httpClientBuilder().with(options).with(pool).withConnectHandler(Connections::quiet).build();
  }

  public static void quiet(HttpConnection connection) {
    connection.exceptionHandler(err -> LOG.debug("connection {}: {}", connection.remoteAddress(), err.toString()));
  }
}
