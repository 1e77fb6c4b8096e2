package dev.llmgateway.config;

/**
 * How many requests each model takes at once, and how the rest wait. {@code maxConcurrentLocal} is
 * the top-level {@code llm_max_concurrent_local} (null: one per llama.cpp server, or its
 * {@code llama_cpp.parallel} slots; 4 per Ollama model), {@code maxConcurrentCloud} is
 * {@code llm_max_concurrent_cloud}; an entry's {@code max_concurrent} wins over both. Requests beyond
 * the limit wait in a FIFO queue of at most {@code queueMaxLength} for at most {@code queueTimeoutMs}.
 * The default queue holds as many as Ollama itself queues ({@code OLLAMA_MAX_QUEUE}, 512): with
 * defaults the gateway never refuses a request the backend would have taken; a 429 for a full queue
 * only comes from a {@code queue_max_length} set lower.
 */
public record ConcurrencySettings(
    Integer maxConcurrentLocal,
    int maxConcurrentCloud,
    int queueMaxLength,
    long queueTimeoutMs) {

  public static final int DEFAULT_CLOUD = 4;
  public static final int DEFAULT_OLLAMA = 4;
  public static final int DEFAULT_QUEUE_LENGTH = 512;
  public static final long DEFAULT_QUEUE_TIMEOUT_MS = 300_000;
}
