package dev.llmgateway.process;

import io.vertx.core.Future;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.RequestOptions;

/**
 * One small JSON request to a server on this machine's side (llama-server's slots, Ollama's
 * {@code /api/ps}, a llama router's {@code /models}): the answer's body, or a failure naming the
 * status and body when it is not 200.
 */
final class JsonCall {

  private JsonCall() {
  }

  static Future<String> send(HttpClient client, String host, int port, HttpMethod method, String uri,
      String body, long timeoutMs) {
    RequestOptions options = new RequestOptions().setMethod(method).setHost(host).setPort(port).setURI(uri)
        .setTimeout(timeoutMs);
    return client.request(options).compose(req -> {
      if (body != null) {
        req.putHeader("Content-Type", "application/json");
      }
      return (body == null ? req.send() : req.send(body)).compose(resp -> resp.body().compose(b ->
          resp.statusCode() == 200 ? Future.succeededFuture(b.toString())
              : Future.failedFuture(host + ":" + port + uri + " answered " + resp.statusCode() + " " + b)));
    });
  }
}
