package dev.llmgateway.config;

import java.util.List;

/**
 * A validated {@code llm.yml}: immutable, with every default applied and every model ref normalised to
 * {@code local_models/<id>} or {@code cloud_models/<id>}. Paths are absolute.
 */
public record GatewayConfig(
    String file,
    String modelPath,
    List<LocalModel> localModels,
    List<CloudModel> cloudModels,
    LlamaCppSettings llamaCpp,
    MainMode mainMode,
    String mainLlm,
    String mainLlmLocal,
    String mainLlmCloud,
    String embeddingLlm,
    HybridRouter hybridRouter,
    GatewaySettings gateway) {

  public GatewayConfig {
    localModels = List.copyOf(localModels);
    cloudModels = List.copyOf(cloudModels);
  }

  public LocalModel local(String id) {
    return localModels.stream().filter(m -> m.id().equals(id)).findFirst().orElse(null);
  }

  public CloudModel cloud(String id) {
    return cloudModels.stream().filter(m -> m.id().equals(id)).findFirst().orElse(null);
  }

  /**
   * Whether a local entry is an embedding model: the embedding_llm, or an entry with the embedding
   * capability. The gateway starts those with {@code --embedding} (and only those).
   */
  public boolean embeddingModel(LocalModel m) {
    return m.ref().equals(embeddingLlm) || m.capabilities().stream()
        .anyMatch(c -> c.equalsIgnoreCase("embedding") || c.equalsIgnoreCase("embeddings"));
  }

  /** The ref that {@code main} means in the current mode (in mix mode: the default route's side). */
  public String mainRef() {
    if (mainMode == null) {
      return firstNonNull(mainLlm, mainLlmLocal, mainLlmCloud);
    }
    return switch (mainMode) {
      case LOCAL -> firstNonNull(mainLlmLocal, mainLlm);
      case CLOUD -> firstNonNull(mainLlmCloud, mainLlm);
      case MIX -> "cloud".equals(hybridRouter.defaultRoute())
          ? firstNonNull(mainLlmCloud, mainLlm, mainLlmLocal)
          : firstNonNull(mainLlmLocal, mainLlm, mainLlmCloud);
    };
  }

  private static String firstNonNull(String... values) {
    for (String v : values) {
      if (v != null) {
        return v;
      }
    }
    return null;
  }
}
