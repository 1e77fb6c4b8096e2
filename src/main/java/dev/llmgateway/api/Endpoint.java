package dev.llmgateway.api;

/**
 * The model endpoints the gateway serves ({@code POST}, a JSON body naming a model): the path a
 * client calls, which is also the path asked of a backend that serves it natively, and the error
 * envelope of its API. A new API in front adds its endpoints here, and adapters for the backends that
 * do not serve them.
 */
public enum Endpoint {
  CHAT("/v1/chat/completions", ErrorEnvelope.OPENAI),
  COMPLETIONS("/v1/completions", ErrorEnvelope.OPENAI),
  EMBEDDINGS("/v1/embeddings", ErrorEnvelope.OPENAI),
  // Anthropic's Messages API, OpenAI's Responses API, llama.cpp's rerank (both of its spellings).
  MESSAGES("/v1/messages", AnthropicEnvelope.INSTANCE),
  COUNT_TOKENS("/v1/messages/count_tokens", AnthropicEnvelope.INSTANCE),
  RESPONSES("/v1/responses", ErrorEnvelope.OPENAI),
  RERANK("/v1/rerank", ErrorEnvelope.OPENAI),
  RERANKING("/v1/reranking", ErrorEnvelope.OPENAI),
  // Ollama's own API (ollama-js, ollama-python, Open WebUI's Ollama connection).
  OLLAMA_CHAT("/api/chat", ErrorEnvelope.OLLAMA),
  OLLAMA_GENERATE("/api/generate", ErrorEnvelope.OLLAMA),
  OLLAMA_EMBED("/api/embed", ErrorEnvelope.OLLAMA),
  OLLAMA_EMBEDDINGS("/api/embeddings", ErrorEnvelope.OLLAMA);

  private final String path;
  private final ErrorEnvelope envelope;

  Endpoint(String path, ErrorEnvelope envelope) {
    this.path = path;
    this.envelope = envelope;
  }

  public String path() {
    return path;
  }

  /** Whether it asks for embeddings (and so needs a model that makes them). */
  public boolean embeds() {
    return this == EMBEDDINGS || this == OLLAMA_EMBED || this == OLLAMA_EMBEDDINGS;
  }

  /** {@code /v1/rerank} or {@code /v1/reranking}: only llama.cpp servers started with --reranking answer. */
  public boolean rerank() {
    return this == RERANK || this == RERANKING;
  }

  /** How errors are wrapped for clients of this endpoint's API. */
  public ErrorEnvelope envelope() {
    return envelope;
  }
}
