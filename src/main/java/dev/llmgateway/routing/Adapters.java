package dev.llmgateway.routing;

import dev.llmgateway.api.Endpoint;
import dev.llmgateway.model.Backend;
import io.vertx.core.http.HttpClient;

/** Which adapter asks a backend for an endpoint: Ollama's embeddings are its own API, the rest pass through. */
final class Adapters {

  private final BackendAdapter passThrough;
  private final BackendAdapter ollamaEmbed;

  Adapters(HttpClient client, BackendKeys keys) {
    this.passThrough = new PassThrough(client, keys);
    this.ollamaEmbed = new OllamaEmbed(client);
  }

  BackendAdapter of(Backend backend, Endpoint endpoint) {
    return endpoint == Endpoint.EMBEDDINGS && backend.kind() == Backend.Kind.OLLAMA ? ollamaEmbed : passThrough;
  }
}
