package dev.llmgateway.config;

import java.util.List;

/**
 * One {@code local_models} entry. For {@link ModelType#LLAMA_CPP} {@code path} is a GGUF file under
 * {@code model_path}; for {@link ModelType#OLLAMA} it is the Ollama model name ({@code qwen2.5:7b}).
 * {@code ttlSeconds} and {@code startupTimeoutSeconds} are per-entry overrides (null: the gateway's).
 * {@code endpoints} (empty unless the entry lists {@code endpoints:}) are servers the gateway spreads
 * the entry's requests over; {@code host}/{@code port} are then the first one's. A llama.cpp entry
 * with endpoints names servers running elsewhere: the gateway starts none. {@code scheduling} holds
 * its memory keys (never null).
 */
public record LocalModel(
    String id,
    String alias,
    ModelType type,
    String path,
    String host,
    int port,
    List<String> capabilities,
    String description,
    boolean available,
    String mmproj,
    List<String> lora,
    String loraBase,
    List<String> supportedMedia,
    Integer ttlSeconds,
    Integer startupTimeoutSeconds,
    Integer maxConcurrent,
    Integer requestTimeoutSeconds,
    List<PoolEndpoint> endpoints,
    ModelScheduling scheduling) {

  public static final String REF_PREFIX = "local_models/";

  public LocalModel {
    capabilities = List.copyOf(capabilities);
    endpoints = List.copyOf(endpoints);
    lora = List.copyOf(lora);
    supportedMedia = List.copyOf(supportedMedia);
  }

  public String ref() {
    return REF_PREFIX + id;
  }

  public boolean ollama() {
    return type == ModelType.OLLAMA;
  }

  /** A llama-server in router mode (many models behind one address). */
  public boolean llamaRouter() {
    return type == ModelType.LLAMA_ROUTER;
  }

  /** A model the gateway runs llama-server for. */
  public boolean llamaCpp() {
    return type == ModelType.LLAMA_CPP;
  }

  /** A llama.cpp reranker: {@code capabilities: [rerank]}, started with {@code --reranking}. */
  public boolean reranker() {
    return llamaCpp() && capabilities.stream().anyMatch(c -> c.equalsIgnoreCase("rerank")
        || c.equalsIgnoreCase("reranking"));
  }
}
