package dev.llmgateway.process;

import java.util.List;
import java.util.Map;

/**
 * Everything needed to run and check one child process. Two specs with the same command, environment,
 * files and address describe the same process: a config edit that keeps them leaves it running.
 *
 * @param requiredFiles files that must exist before starting (the GGUF, mmproj, adapters)
 * @param files files to write before starting (a generated LiteLLM config)
 * @param local false when {@code host} is not this machine: then nothing is started, the server
 *     there is used as it is
 * @param bootStart started with the gateway (it has a role: main or embedding)
 */
public record ChildSpec(
    String id,
    String ref,
    Kind kind,
    List<String> command,
    Map<String, String> env,
    Map<String, String> files,
    List<String> requiredFiles,
    String host,
    int port,
    boolean local,
    boolean bootStart,
    long startupTimeoutMs,
    long ttlMs) {

  /** What the child is. */
  public enum Kind {
    LLAMA_SERVER("llama-server", "/health"),
    LITELLM("litellm", "/health/liveliness");

    private final String program;
    private final String healthPath;

    Kind(String program, String healthPath) {
      this.program = program;
      this.healthPath = healthPath;
    }

    public String program() {
      return program;
    }

    public String healthPath() {
      return healthPath;
    }
  }

  public ChildSpec {
    command = List.copyOf(command);
    env = Map.copyOf(env);
    files = Map.copyOf(files);
    requiredFiles = List.copyOf(requiredFiles);
  }

  public boolean sameProcess(ChildSpec other) {
    return other != null && command.equals(other.command) && env.equals(other.env)
        && files.equals(other.files) && host.equals(other.host) && port == other.port
        && local == other.local;
  }

  public String authority() {
    return (host.contains(":") ? "[" + host + "]" : host) + ":" + port;
  }

  /** The command line for display: the environment (where keys live) is never shown. */
  public String commandLine() {
    return String.join(" ", command);
  }
}
