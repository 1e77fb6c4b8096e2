package dev.llmgateway.cli;

import dev.llmgateway.config.ConfigBinder;
import dev.llmgateway.config.ConfigProblem;
import dev.llmgateway.config.GatewayConfig;
import dev.llmgateway.config.LocalModel;
import dev.llmgateway.config.YamlLines;
import dev.llmgateway.process.ChildSpecs;
import dev.llmgateway.process.DeviceProbe;
import dev.llmgateway.process.MemoryChecks;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/** {@code config check}. */
@Command(name = "config", mixinStandardHelpOptions = true, description = "Work with llm.yml.",
    subcommands = {ConfigCommand.Check.class})
final class ConfigCommand implements Runnable {

  @Spec
  private CommandSpec spec;

  @Override
  public void run() {
    throw new CommandLine.ParameterException(spec.commandLine(), "a subcommand is required (check)");
  }

  /** Validates the file; errors name the file, line and key. Exit 2 when invalid. */
  @Command(name = "check", mixinStandardHelpOptions = true,
      description = "Validate llm.yml; problems name the file, line and key.")
  static final class Check implements Callable<Integer> {

    @Mixin
    private ConfigOption config;

    @Spec
    private CommandSpec spec;

    @Override
    public Integer call() {
      PrintWriter out = spec.commandLine().getOut();
      PrintWriter err = spec.commandLine().getErr();
      String file = config.path().toString();
      ConfigBinder.Bound bound = CliConfig.readOrReport(config.path(), err);
      if (bound == null) {
        err.println(file + " is not valid");
        err.flush();
        return Main.USAGE;
      }
      for (ConfigProblem w : bound.warnings()) {
        out.println(w.format(file));
      }
      missingFiles(bound.config()).forEach(line -> out.println(file + ": warning: " + line));
      MemoryChecks.Result memory = MemoryChecks.check(bound.config(),
          DeviceProbe.detect(System.getenv(), Path.of("/proc/meminfo")));
      placed(config.path(), memory.warnings()).forEach(p -> out.println(p.format(file)));
      memory.estimates().forEach(line -> out.println(file + ": memory: " + line));
      out.println(summary(file, bound.config()));
      out.flush();
      return Main.OK;
    }

    /** Catalogs list models not downloaded yet: fine, but worth saying before a start fails. */
    private static List<String> missingFiles(GatewayConfig c) {
      List<String> lines = new ArrayList<>();
      for (LocalModel m : c.localModels()) {
        if (m.llamaCpp()) {
          ChildSpecs.requiredFiles(m, Path.of(c.modelPath())).stream()
              .filter(f -> !Files.isRegularFile(Path.of(f)))
              .forEach(f -> lines.add(m.ref() + ": file " + f + " is not there yet; the model fails "
                  + "to start until it is"));
        }
      }
      return lines;
    }

    /** Problems found after binding, with their lines. */
    private static List<ConfigProblem> placed(Path path, List<ConfigProblem> found) {
      try {
        return YamlLines.of(Files.readString(path)).place(found);
      } catch (java.io.IOException e) {
        return found;
      }
    }

    private static String summary(String file, GatewayConfig c) {
      long ollama = c.localModels().stream().filter(LocalModel::ollama).count();
      return file + " is valid: " + c.localModels().size() + " local models (" + ollama + " Ollama), "
          + c.cloudModels().size() + " cloud models; main"
          + (c.mainMode() == null ? "" : " (" + c.mainMode().yamlName() + ")") + " = "
          + (c.mainRef() == null ? "none" : c.mainRef()) + ", embedding = "
          + (c.embeddingLlm() == null ? "none" : c.embeddingLlm());
    }
  }
}
