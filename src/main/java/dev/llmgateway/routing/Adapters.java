package dev.llmgateway.routing;

import dev.llmgateway.api.Endpoint;
import dev.llmgateway.api.ErrorEnvelope;
import dev.llmgateway.model.Backend;
import io.vertx.core.http.HttpClient;

/**
 * Which adapter asks a backend for an endpoint: Ollama's embeddings are its own API, Ollama's API in
 * front is translated for the backends that do not speak it, Anthropic's Messages API is passed
 * through where served and translated where not, the rest pass through.
 */
final class Adapters {

  private final BackendAdapter passThrough;
  private final BackendAdapter ollamaEmbed;
  private final BackendAdapter ollamaApiChat;
  private final BackendAdapter ollamaApiEmbed;
  private final BackendAdapter anthropic;
  private final BackendAdapter llamaResponses;

  Adapters(HttpClient client, BackendKeys keys, NativeApis apis) {
    PassThrough plain = new PassThrough(client, keys);
    this.passThrough = plain;
    this.ollamaEmbed = new OllamaEmbed(client);
    this.ollamaApiChat = new OllamaApiChat(client, keys);
    this.ollamaApiEmbed = new OllamaApiEmbed(client, keys);
    this.anthropic = new AnthropicMessages(plain, apis);
    this.llamaResponses = new LlamaResponses(plain);
  }

  BackendAdapter of(Backend backend, Endpoint endpoint) {
    if (endpoint.envelope() == ErrorEnvelope.OLLAMA) {
      return ollamaApi(backend, endpoint);
    }
    if (endpoint == Endpoint.MESSAGES || endpoint == Endpoint.COUNT_TOKENS) {
      return anthropic; // passed through where served, translated where not
    }
    if (endpoint == Endpoint.RESPONSES && (backend.kind() == Backend.Kind.LLAMA_CPP
        || backend.kind() == Backend.Kind.LLAMA_ROUTER)) {
      return llamaResponses; // llama-server's events lack fields strict clients require
    }
    return endpoint == Endpoint.EMBEDDINGS && backend.kind() == Backend.Kind.OLLAMA ? ollamaEmbed : passThrough;
  }

  /** Ollama's API: Ollama answers it itself; the others are asked in OpenAI's terms. */
  private BackendAdapter ollamaApi(Backend backend, Endpoint endpoint) {
    if (backend.kind() == Backend.Kind.OLLAMA) {
      return passThrough;
    }
    return endpoint.embeds() ? ollamaApiEmbed : ollamaApiChat;
  }
}
