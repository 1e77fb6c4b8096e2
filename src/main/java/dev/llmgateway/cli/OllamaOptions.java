package dev.llmgateway.cli;

import dev.llmgateway.config.ConfigBinder;
import dev.llmgateway.config.OllamaUrl;
import dev.llmgateway.config.Overrides;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import picocli.CommandLine.Option;

/** {@code --ollama-url}, shared by the {@code ollama} commands, and how the address is found. */
final class OllamaOptions {

  @Option(names = "--ollama-url", paramLabel = "URL", description = "the Ollama server (default: "
      + "$OLLAMA_HOST, else gateway.ollama_url or the first ollama entry of the config, else "
      + OllamaUrl.DEFAULT_URL + ")")
  private String url;

  /** Flag and environment, as the config reader takes them. */
  Overrides overrides() {
    return Overrides.of(null, null, null, url, null, System.getenv());
  }

  /**
   * The Ollama address: flag, then {@code OLLAMA_HOST}, then the config file (which need not exist
   * for listing and pulling), then the default. Null after printing why it cannot be found.
   */
  String resolve(Path config, PrintWriter err) {
    if (!Files.exists(config)) {
      Overrides.Setting given = overrides().ollamaUrl();
      if (given == null) {
        return OllamaUrl.DEFAULT_URL;
      }
      String normalized = OllamaUrl.normalize(given.value());
      if (normalized == null) {
        err.println(given.source() + ": \"" + given.value() + "\" is not an Ollama address like "
            + OllamaUrl.DEFAULT_URL);
      }
      return normalized;
    }
    ConfigBinder.Bound bound = CliConfig.readOrReport(config, overrides(), err);
    return bound == null ? null : bound.config().gateway().ollamaUrl();
  }
}
