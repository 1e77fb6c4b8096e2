package dev.llmgateway.config;

/** How a {@code local_models} entry is served. */
public enum ModelType {
  /** The gateway runs {@code llama-server} for the entry's GGUF file. */
  LLAMA_CPP("llama_cpp"),
  /** An Ollama daemon serves it; no process is started. */
  OLLAMA("ollama"),
  /**
   * A llama-server in router mode (no {@code -m}) at {@code host:port} serves many models, reached as
   * {@code <id>/<model>}; nothing is started, and it counts as one consumer of its device's budget.
   */
  LLAMA_ROUTER("llama_router");

  private final String yamlName;

  ModelType(String yamlName) {
    this.yamlName = yamlName;
  }

  /** The spelling used in {@code llm.yml}. */
  public String yamlName() {
    return yamlName;
  }

  public static ModelType fromYaml(String value) {
    for (ModelType t : values()) {
      if (t.yamlName.equals(value)) {
        return t;
      }
    }
    return null;
  }
}
