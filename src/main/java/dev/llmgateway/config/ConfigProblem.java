package dev.llmgateway.config;

/**
 * One thing wrong (or worth a warning) in a config file: the key path ({@code local_models[2].port}),
 * what is wrong and what to do, and the 1-based line when known (0 when not).
 */
public record ConfigProblem(boolean warning, String key, String message, int line) {

  public static ConfigProblem error(String key, String message) {
    return new ConfigProblem(false, key, message, 0);
  }

  public static ConfigProblem warning(String key, String message) {
    return new ConfigProblem(true, key, message, 0);
  }

  public ConfigProblem atLine(int newLine) {
    return new ConfigProblem(warning, key, message, newLine);
  }

  /** {@code conf/llm.yml:12: local_models[1].port: must be ...} (one line, no secrets). */
  public String format(String file) {
    StringBuilder sb = new StringBuilder(file);
    if (line > 0) {
      sb.append(':').append(line);
    }
    sb.append(": ");
    if (warning) {
      sb.append("warning: ");
    }
    if (key != null && !key.isEmpty()) {
      sb.append(key).append(": ");
    }
    return sb.append(message).toString();
  }
}
