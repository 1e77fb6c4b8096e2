package dev.llmgateway.cli;

import dev.llmgateway.config.ConfigBinder;
import dev.llmgateway.config.ConfigException;
import dev.llmgateway.config.ConfigReader;
import dev.llmgateway.config.Overrides;
import java.io.PrintWriter;
import java.nio.file.Path;

/** Reads the config for a command: the file, with the environment's overrides applied. */
final class CliConfig {

  private CliConfig() {
  }

  /** The bound config, or null after printing every problem to {@code err}. */
  static ConfigBinder.Bound readOrReport(Path file, PrintWriter err) {
    return readOrReport(file, Overrides.of(null, null, null, null, null, System.getenv()), err);
  }

  /** The same with given overrides (e.g. {@code --ollama-url}). */
  static ConfigBinder.Bound readOrReport(Path file, Overrides overrides, PrintWriter err) {
    try {
      return ConfigReader.read(file, overrides);
    } catch (ConfigException e) {
      err.println(e.describeAll());
      err.flush();
      return null;
    }
  }
}
