package dev.llmgateway.config;

/**
 * The memory-scheduling keys of a {@code local_models} entry. {@code memoryBytes} null: estimated
 * from the GGUF; {@code device} null: chosen from {@code n_gpu_layers}; {@code keepCacheOnSwap} null:
 * the {@code llama_cpp:} default.
 */
public record ModelScheduling(Long memoryBytes, String device, boolean pin, int priority,
    Boolean keepCacheOnSwap) {

  public static final ModelScheduling DEFAULTS = new ModelScheduling(null, null, false, 0, null);
}
