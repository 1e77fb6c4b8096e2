package dev.llmgateway.cli;

import dev.llmgateway.config.MainMode;
import dev.llmgateway.config.MainSelectionFile;
import dev.llmgateway.ollama.MainSwitch;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code ollama set-main <name>}: makes a model the main one by editing llm.yml in place. */
@Command(name = "set-main", mixinStandardHelpOptions = true,
    description = {"Make an Ollama model (or any configured model) the main one: adds its entry to "
        + "llm.yml if needed and sets main_llm_local and main_llm_mode, changing nothing else in the "
        + "file. A running gateway picks the change up within a few seconds."})
final class OllamaSetMainCommand implements Callable<Integer> {

  @Parameters(paramLabel = "NAME", description = "the Ollama model (qwen2.5:7b) or a configured model's id")
  private String name;

  @Option(names = "--mode", paramLabel = "local|mix",
      description = "main_llm_mode to set (default: local, or mix if the file says mix)")
  private String mode;

  @Option(names = "--no-check", description = "do not ask Ollama whether it has the model")
  private boolean noCheck;

  @Mixin
  private ConfigOption config;

  @Mixin
  private OllamaOptions ollama;

  @Spec
  private CommandSpec spec;

  @Override
  public Integer call() {
    PrintWriter out = spec.commandLine().getOut();
    PrintWriter err = spec.commandLine().getErr();
    MainMode chosen = mode == null ? null : MainMode.fromYaml(mode);
    if (mode != null && chosen != MainMode.LOCAL && chosen != MainMode.MIX) {
      throw new CommandLine.ParameterException(spec.commandLine(), "--mode must be local or mix (got " + mode + ")");
    }
    Path file = config.path();
    try (OllamaSession session = new OllamaSession()) {
      MainSelectionFile.Result result = new MainSwitch(session.vertx(), file, ollama.overrides(), session::client,
          MainSwitch.inProcess(session.vertx(), file, ollama.overrides())).run(new MainSwitch.Request(name, chosen, !noCheck, MainSwitch.Origin.CLI)).await();
      if (!result.changed()) {
        out.println(result.ref() + " is already the main model (main_llm_mode: " + result.mode().yamlName()
            + "); " + file + " is unchanged");
      } else {
        result.changes().forEach(c -> out.println(file + ": " + c));
        out.println("saved " + file + " (the previous version is " + result.backup().getFileName()
            + " next to it); a running gateway switches within a few seconds");
      }
      out.flush();
      return Main.OK;
    } catch (Throwable failure) {
      return OllamaSession.report(failure, err);
    }
  }
}
