package dev.llmgateway.model;

/**
 * Where a resolved model is served and how to address it: {@code upstreamModel} replaces the client's
 * {@code model}; {@code apiKey} (cloud only) is a secret and never printed; {@code maxConcurrent} is
 * how many requests it takes at once; {@code timeoutMs} the longest silence allowed from it;
 * {@code idleStopMs} and {@code startupTimeoutMs} matter for the servers the gateway runs.
 */
public record Backend(
    String ref,
    String id,
    Kind kind,
    String host,
    int port,
    String upstreamModel,
    String apiKeyName,
    String apiKey,
    int maxConcurrent,
    long timeoutMs,
    Serves serves,
    long idleStopMs,
    long startupTimeoutMs) {

  /** What a backend answers: a llama-server runs for embeddings, for reranking or for generation. */
  public enum Serves {
    ANYTHING, GENERATION, EMBEDDINGS, RERANK
  }

  /** What serves the model. */
  public enum Kind {
    LLAMA_CPP("llama.cpp"), OLLAMA("ollama"), CLOUD("litellm"), LLAMA_ROUTER("llama-router");

    private final String label;

    Kind(String label) {
      this.label = label;
    }

    public String label() {
      return label;
    }
  }

  public String authority() {
    return (host.contains(":") ? "[" + host + "]" : host) + ":" + port;
  }

  public String baseUrl() {
    return "http://" + authority();
  }

  /** What to do when this backend cannot be reached. */
  public String startHint() {
    return switch (kind) {
      case LLAMA_CPP -> "is llama-server running on that port?";
      case OLLAMA -> "is Ollama running? start it with `ollama serve`";
      case CLOUD -> "is the LiteLLM proxy running? start it with `litellm --port " + port + "`";
      case LLAMA_ROUTER -> "is llama-server (router mode, started with --models-dir) running on that port?";
    };
  }

  @Override
  public String toString() {
    return "Backend[" + ref + " -> " + kind.label() + " " + authority() + " model=" + upstreamModel + "]";
  }
}
