package dev.llmgateway.config;

/**
 * The {@code llama_cpp:} block: server settings that become {@code llama-server} flags. Every field is
 * nullable (absent = llama-server's own default). {@code embedding} holds the overrides used for the
 * embedding model and is null inside itself.
 */
public record LlamaCppSettings(
    Integer ctxSize,
    Integer predict,
    Double temp,
    Integer threads,
    String nGpuLayers,
    String flashAttn,
    String cacheTypeK,
    String cacheTypeV,
    Integer batchSize,
    Integer ubatchSize,
    Boolean contBatching,
    Boolean useMmap,
    Boolean functionCalling,
    Boolean jinja,
    Double repeatPenalty,
    Integer parallel,
    String pooling,
    LlamaCppSettings embedding) {

  public static final LlamaCppSettings EMPTY =
      new LlamaCppSettings(null, null, null, null, null, null, null, null, null, null, null, null,
          null, null, null, null, null, null);
}
