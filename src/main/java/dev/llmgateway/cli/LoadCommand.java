package dev.llmgateway.cli;

import java.io.PrintWriter;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code load <model>} and {@code unload <model>} on a running gateway; they return once it is done. */
final class LoadCommand {

  private LoadCommand() {
  }

  static int run(CommandSpec spec, GatewayUrl gateway, String model, String action) {
    PrintWriter out = spec.commandLine().getOut();
    PrintWriter err = spec.commandLine().getErr();
    try {
      String path = "/admin/models/" + URLEncoder.encode(model, StandardCharsets.UTF_8).replace("+", "%20")
          + "/" + action;
      String state = gateway.call("POST", path, Duration.ofMinutes(30)).getString("state");
      out.println(model + ": " + state);
      out.flush();
      return Main.OK;
    } catch (GatewayUrl.Failure f) {
      err.println(f.getMessage());
      err.flush();
      return f.exitCode;
    }
  }

  @Command(name = "load", mixinStandardHelpOptions = true,
      description = "Load a llama.cpp model on a running gateway (making room as a request would).")
  static final class Load implements Callable<Integer> {
    @Mixin
    private GatewayUrl gateway;
    @Parameters(paramLabel = "MODEL", description = "id, alias or ref of the model")
    private String model;
    @Spec
    private CommandSpec spec;

    @Override
    public Integer call() {
      return run(spec, gateway, model, "load");
    }
  }

  @Command(name = "unload", mixinStandardHelpOptions = true,
      description = "Unload a llama.cpp model on a running gateway once its requests in flight end.")
  static final class Unload implements Callable<Integer> {
    @Mixin
    private GatewayUrl gateway;
    @Parameters(paramLabel = "MODEL", description = "id, alias or ref of the model")
    private String model;
    @Spec
    private CommandSpec spec;

    @Override
    public Integer call() {
      return run(spec, gateway, model, "unload");
    }
  }
}
