package dev.llmgateway.cli;

import dev.llmgateway.config.GatewaySettings;
import dev.llmgateway.ollama.OllamaClient;
import dev.llmgateway.ollama.OllamaException;
import dev.llmgateway.api.ApiError;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpClient;
import java.io.PrintWriter;
import java.util.concurrent.TimeUnit;

/** A Vert.x instance and HTTP client for one {@code ollama} command, closed when it ends. */
final class OllamaSession implements AutoCloseable {

  private final Vertx vertx = Vertx.vertx();
  private final HttpClient http = vertx.createHttpClient();

  Vertx vertx() {
    return vertx;
  }

  OllamaClient client(String url) {
    return new OllamaClient(http, url, GatewaySettings.DEFAULT_CONNECT_TIMEOUT_MS,
        GatewaySettings.DEFAULT_REQUEST_TIMEOUT_MS);
  }

  @Override
  public void close() {
    try {
      vertx.close().await(10, TimeUnit.SECONDS);
    } catch (Exception e) {
      // exiting anyway
    }
  }

  /** Prints a failure (it says what to do) and returns the exit code: 2 for usage/config, else 1. */
  static int report(Throwable failure, PrintWriter err) {
    if (failure instanceof OllamaException e) {
      err.println(e.getMessage());
      err.flush();
      return Main.FAILURE;
    }
    if (failure instanceof ApiError e) {
      err.println(e.getMessage());
      err.flush();
      return e.status() == 400 || e.status() == 409 ? Main.USAGE : Main.FAILURE;
    }
    err.println("error: " + (failure.getMessage() == null ? failure.toString() : failure.getMessage()));
    err.flush();
    return Main.FAILURE;
  }
}
