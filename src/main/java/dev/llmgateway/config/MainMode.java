package dev.llmgateway.config;

/** {@code main_llm_mode}: which side answers requests for {@code main}. */
public enum MainMode {
  LOCAL, CLOUD, MIX;

  public String yamlName() {
    return name().toLowerCase();
  }

  public static MainMode fromYaml(String value) {
    for (MainMode m : values()) {
      if (m.yamlName().equals(value)) {
        return m;
      }
    }
    return null;
  }
}
