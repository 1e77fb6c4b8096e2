package dev.llmgateway.process;

/**
 * What the scheduler knows of one llama.cpp model: the device it counts against, what it costs there
 * ({@code memory:} or the GGUF estimate; 0 when neither is known), how it is evicted.
 *
 * @param estimated true when {@code bytes} comes from the GGUF header rather than {@code memory:}
 * @param note why the cost is unknown, or null
 * @param evictLast it has a role (main, embedding): evicted after the others of its priority
 */
public record ModelPlan(String id, String device, long bytes, boolean estimated, long nCtx,
    int priority, boolean pin, boolean evictLast, boolean keepCache, String note) {
}
