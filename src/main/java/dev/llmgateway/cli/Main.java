package dev.llmgateway.cli;

import java.io.PrintWriter;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/**
 * {@code java -jar llm-gateway.jar <command>}. Exit codes: 0 success, 1 runtime failure, 2 usage or
 * config error.
 */
@Command(name = "llm-gateway", mixinStandardHelpOptions = true,
    versionProvider = Main.Version.class,
    description = "One OpenAI-compatible API in front of llama.cpp, Ollama and LiteLLM.",
    subcommands = {ServeCommand.class, ModelsCommand.class, ConfigCommand.class, OllamaCommand.class,
        PsCommand.class, LoadCommand.Load.class, LoadCommand.Unload.class,
        TrainCommand.class,
        CommandLine.HelpCommand.class})
public final class Main implements Runnable {

  public static final int OK = 0;
  public static final int FAILURE = 1;
  public static final int USAGE = 2;

  @Spec
  private CommandSpec spec;

  @Override
  public void run() {
    throw new CommandLine.ParameterException(spec.commandLine(), "a command is required");
  }

  public static void main(String[] args) {
    // Backends are addressed by IP or a local name: the JDK's resolver does, without loading
    // Netty's DNS client at startup.
    System.setProperty("vertx.disableDnsResolver", "true");
    // Netty 4.2 registers JFR events for its buffer allocator on first use: ~90 ms of JFR set-up
    // (generated classes) on the way to the first answer, and a check per allocation, for events
    // nobody records. -Dio.netty.jfr.enabled=true brings them back for a profiling session.
    if (System.getProperty("io.netty.jfr.enabled") == null) {
      System.setProperty("io.netty.jfr.enabled", "false");
    }
    System.exit(run(args));
  }

  /** Runs a command line and returns its exit code (never exits). */
  public static int run(String... args) {
    return run(new PrintWriter(System.out, true), new PrintWriter(System.err, true), args);
  }

  /** Runs a command line with the given outputs and returns its exit code (never exits). */
  public static int run(PrintWriter out, PrintWriter err, String... args) {
    CommandLine cli = new CommandLine(new Main()).setOut(out).setErr(err);
    cli.setExecutionExceptionHandler((ex, cmd, parseResult) -> {
      cmd.getErr().println("error: " + (ex.getMessage() == null ? ex.getClass().getSimpleName() : ex.getMessage()));
      return FAILURE;
    });
    return cli.execute(args);
  }

  /** The version from the jar manifest (or "dev" when run from classes). */
  static final class Version implements CommandLine.IVersionProvider {
    @Override
    public String[] getVersion() {
      String v = Main.class.getPackage().getImplementationVersion();
      return new String[] {"llm-gateway " + (v == null ? "dev" : v)};
    }
  }
}
