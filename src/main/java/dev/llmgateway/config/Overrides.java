package dev.llmgateway.config;

import java.util.Map;

/**
 * Gateway settings given on the command line or in the environment; they win over {@code llm.yml}
 * (flag over env over file). Each value remembers where it came from so a bad one can be named.
 */
public record Overrides(
    Setting host,
    Setting port,
    Setting adminToken,
    Setting llamaServerCommand,
    Setting ollamaUrl,
    Setting modelPath,
    Setting apiKeys) {

  /** A value and the flag or environment variable it came from. */
  public record Setting(String value, String source) {
    @Override
    public String toString() {
      return source;
    }
  }

  public static final Overrides NONE = new Overrides(null, null, null, null, null, null, null);

  /** Flags first, then the environment variables of DESIGN.md. Null flags mean "not given". */
  public static Overrides of(String hostFlag, Integer portFlag, String llamaServerFlag,
      String ollamaUrlFlag, String modelPathFlag, Map<String, String> env) {
    return new Overrides(
        pick(hostFlag, "--host", env, "LLM_GATEWAY_HOST"),
        pick(portFlag == null ? null : portFlag.toString(), "--port", env, "LLM_GATEWAY_PORT"),
        pick(null, null, env, "LLM_GATEWAY_ADMIN_TOKEN"),
        pick(llamaServerFlag, "--llama-server", env, "LLAMA_SERVER"),
        pick(ollamaUrlFlag, "--ollama-url", env, "OLLAMA_HOST"),
        pick(modelPathFlag, "--model-path", Map.of(), null),
        pick(null, null, env, "LLM_GATEWAY_API_KEYS"));
  }

  private static Setting pick(String flag, String flagName, Map<String, String> env, String envName) {
    if (flag != null && !flag.isBlank()) {
      return new Setting(flag.trim(), flagName);
    }
    String fromEnv = envName == null ? null : env.get(envName);
    if (fromEnv != null && !fromEnv.isBlank()) {
      return new Setting(fromEnv.trim(), envName);
    }
    return null;
  }

  @Override
  public String toString() {
    return "Overrides[host=" + host + ", port=" + port + ", adminToken="
        + (adminToken == null ? "none" : "***") + ", apiKeys=" + (apiKeys == null ? "none" : "***") + "]";
  }
}
