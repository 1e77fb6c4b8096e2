package dev.llmgateway.routing;

import io.vertx.core.Future;
import io.vertx.core.MultiMap;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.RequestOptions;

/**
 * Backends that speak the client's API themselves (llama-server, Ollama's {@code /v1}, LiteLLM): the
 * body goes on byte for byte with only {@code model} rewritten, and the answer comes back as it is,
 * streamed. Cloud backends get their API key here.
 */
final class PassThrough implements BackendAdapter {

  private final HttpClient client;
  private final BackendKeys keys;

  PassThrough(HttpClient client, BackendKeys keys) {
    this.client = client;
    this.keys = keys;
  }

  @Override
  public UpstreamCall call(Attempt attempt) {
    UpstreamCall call = new UpstreamCall();
    call.settle(send(call, attempt, attempt.endpoint().path(),
        attempt.body().withModel(attempt.backend().upstreamModel())), attempt);
    return call;
  }

  /**
   * Sends {@code body} to {@code path} on the attempt's backend as part of {@code call} (which can
   * cancel it); the answer's head, its body not yet read. Translating adapters send through here too.
   */
  Future<UpstreamAnswer> send(UpstreamCall call, Attempt attempt, String path, Buffer body) {
    RequestOptions options = new RequestOptions()
        .setMethod(HttpMethod.POST)
        .setHost(attempt.backend().host())
        .setPort(attempt.backend().port())
        .setURI(path)
        .setConnectTimeout(attempt.connectTimeoutMs())
        // Idle, not total: a long generation is fine as long as bytes keep coming.
        .setIdleTimeout(attempt.idleTimeoutMs());
    MultiMap headers = HttpHeaders.headers();
    Headers.copyRequest(attempt.clientHeaders(), headers);
    headers.set(HttpHeaders.CONTENT_TYPE, "application/json");
    headers.set("X-Request-Id", attempt.requestId());
    String authorization = keys.authorization(attempt.backend());
    if (authorization != null) {
      headers.set(HttpHeaders.AUTHORIZATION, authorization);
    }
    options.setHeaders(headers);
    return call.send(client, options, body);
  }
}
