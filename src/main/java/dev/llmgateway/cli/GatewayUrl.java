package dev.llmgateway.cli;

import io.vertx.core.json.DecodeException;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import picocli.CommandLine.Option;

/**
 * {@code --url} of a running gateway, and a small blocking client for its admin endpoints (the
 * commands that talk to a gateway rather than read llm.yml). The admin token comes from
 * {@code LLM_GATEWAY_ADMIN_TOKEN}, as the gateway's own.
 */
final class GatewayUrl {

  static final String DEFAULT = "http://127.0.0.1:8080";

  @Option(names = "--url", paramLabel = "URL", description = "the running gateway (default: " + DEFAULT + ")")
  private String url;

  /** A failure with the message to print and the exit code. */
  static final class Failure extends Exception {
    final int exitCode;

    Failure(String message, int exitCode) {
      super(message, null, false, false);
      this.exitCode = exitCode;
    }
  }

  String base() {
    String u = url == null ? DEFAULT : url;
    return u.endsWith("/") ? u.substring(0, u.length() - 1) : u;
  }

  /** The JSON answer of {@code method path}; errors carry the gateway's message. */
  JsonObject call(String method, String path, Duration timeout) throws Failure {
    HttpRequest.Builder req = HttpRequest.newBuilder(URI.create(base() + path)).timeout(timeout)
        .method(method, HttpRequest.BodyPublishers.noBody());
    String token = System.getenv("LLM_GATEWAY_ADMIN_TOKEN");
    if (token != null && !token.isBlank()) {
      req.header("Authorization", "Bearer " + token);
    }
    HttpResponse<String> resp;
    try {
      resp = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build()
          .send(req.build(), HttpResponse.BodyHandlers.ofString());
    } catch (IOException e) {
      throw new Failure("no gateway answers at " + base() + " (" + e.getClass().getSimpleName()
          + (e.getMessage() == null ? "" : ": " + e.getMessage()) + "); start one with `llm-gateway serve` "
          + "or pass --url", Main.FAILURE);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new Failure("interrupted", Main.FAILURE);
    } catch (IllegalArgumentException e) {
      throw new Failure("--url " + base() + " is not an http URL", Main.USAGE);
    }
    JsonObject body;
    try {
      body = new JsonObject(resp.body());
    } catch (DecodeException | ClassCastException e) {
      throw new Failure(base() + path + " answered " + resp.statusCode() + " without JSON: is that a gateway?",
          Main.FAILURE);
    }
    if (resp.statusCode() >= 400) {
      JsonObject error = body.getJsonObject("error");
      String message = error == null ? body.encode() : error.getString("message");
      throw new Failure("error: " + message, resp.statusCode() == 400 || resp.statusCode() == 404
          ? Main.USAGE : Main.FAILURE);
    }
    return body;
  }
}
