package dev.llmgateway.cli;

import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/** {@code ollama list | pull | set-main}: Ollama's models, without editing YAML by hand. */
@Command(name = "ollama", mixinStandardHelpOptions = true,
    description = "List, pull and select Ollama models (talks to Ollama directly; edits llm.yml).",
    subcommands = {OllamaListCommand.class, OllamaPullCommand.class, OllamaSetMainCommand.class})
final class OllamaCommand implements Runnable {

  @Spec
  private CommandSpec spec;

  @Override
  public void run() {
    throw new CommandLine.ParameterException(spec.commandLine(),
        "a subcommand is required (list, pull, set-main)");
  }
}
