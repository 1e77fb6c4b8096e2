package dev.llmgateway.cli;

import java.nio.file.Path;
import picocli.CommandLine.Option;

/** {@code --config}, shared by every command. */
final class ConfigOption {

  static final String DEFAULT = "conf/llm.yml";

  @Option(names = {"-c", "--config"}, paramLabel = "FILE",
      description = "the llm.yml to use (default: $LLM_GATEWAY_CONFIG, else " + DEFAULT + ")")
  private Path config;

  Path path() {
    if (config != null) {
      return config;
    }
    String fromEnv = System.getenv("LLM_GATEWAY_CONFIG");
    return Path.of(fromEnv != null && !fromEnv.isBlank() ? fromEnv : DEFAULT);
  }
}
