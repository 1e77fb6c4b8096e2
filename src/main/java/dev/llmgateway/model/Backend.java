package dev.llmgateway.model;

import java.util.List;

/**
 * Where a resolved model is served and how to address it: {@code upstreamModel} replaces the client's
 * {@code model}; {@code apiKey} (cloud only) is a secret and never printed; {@code maxConcurrent} is
 * how many requests it takes at once; {@code timeoutMs} the longest silence allowed from it;
 * {@code idleStopMs} and {@code startupTimeoutMs} matter for the servers the gateway runs;
 * {@code endpoints} is empty unless the entry is a pool.
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
    long startupTimeoutMs,
    List<Target> endpoints) {

  public Backend {
    endpoints = List.copyOf(endpoints);
  }

  /** {@code maxConcurrent} of a llama.cpp entry with no limit configured: as many as its server has slots. */
  public static final int SERVER_SLOTS = 0;

  /** One server of a pool ({@code endpoints:}), with its share of the requests. */
  public record Target(String host, int port, int weight) {
    public String authority() {
      return (host.contains(":") ? "[" + host + "]" : host) + ":" + port;
    }
  }

  /** Spread over several servers: the router picks one per request ({@code host}/{@code port} are the first's). */
  public boolean pooled() {
    return !endpoints.isEmpty();
  }

  /** This backend as served by one server of its pool: where one attempt goes. */
  public Backend at(Target target) {
    return new Backend(ref, id, kind, target.host(), target.port(), upstreamModel, apiKeyName, apiKey,
        maxConcurrent, timeoutMs, serves, idleStopMs, startupTimeoutMs, endpoints);
  }

  /**
   * A llama.cpp model this gateway has no entry for but another gateway of its cluster runs, reached
   * through that gateway's API at {@code host:port} (which resolves {@code id} itself).
   */
  public static Backend onAnotherNode(String id, String host, int port, long timeoutMs) {
    return new Backend(dev.llmgateway.config.LocalModel.REF_PREFIX + id, id, Kind.LLAMA_CPP, host, port, id, null, null, 1, timeoutMs,
        Serves.ANYTHING, 0, 0, List.of());
  }

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
