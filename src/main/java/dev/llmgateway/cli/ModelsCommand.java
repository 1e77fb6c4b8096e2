package dev.llmgateway.cli;

import dev.llmgateway.config.ConfigBinder;
import dev.llmgateway.config.ConfigProblem;
import dev.llmgateway.model.Backend;
import dev.llmgateway.model.ModelCatalog;
import java.io.PrintWriter;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/** {@code models}: the resolved catalog as a table (never any key). */
@Command(name = "models", mixinStandardHelpOptions = true,
    description = "Show every configured model: type, backend URL, upstream model name, roles.")
final class ModelsCommand implements Callable<Integer> {

  @Mixin
  private ConfigOption config;

  @Spec
  private CommandSpec spec;

  @Override
  public Integer call() {
    PrintWriter out = spec.commandLine().getOut();
    PrintWriter err = spec.commandLine().getErr();
    ConfigBinder.Bound bound = CliConfig.readOrReport(config.path(), err);
    if (bound == null) {
      return Main.USAGE;
    }
    for (ConfigProblem w : bound.warnings()) {
      err.println(w.format(config.path().toString()));
    }
    ModelCatalog catalog = new ModelCatalog(bound.config());
    TextTable table = new TextTable("ID", "TYPE", "BACKEND", "MODEL", "ROLES");
    for (Backend b : catalog.all()) {
      table.row(b.id(), b.kind().label(), b.baseUrl(), b.upstreamModel(),
          String.join(",", catalog.rolesOf(b.ref())));
    }
    table.print(out);
    err.flush();
    return Main.OK;
  }
}
