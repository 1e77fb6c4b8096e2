package dev.llmgateway.process;

import io.vertx.core.Context;
import java.io.BufferedReader;
import java.io.File;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.function.Consumer;
import java.util.stream.Stream;

/**
 * One running OS process: started from an argument list (never through a shell) with only the
 * environment its spec gives; one daemon thread reads its output and hands each line to the owning
 * event loop. Starting and waiting are blocking: call {@link #start} on a worker.
 */
final class ChildProcess {

  private final Process process;

  private ChildProcess(Process process) {
    this.process = process;
  }

  /** Starts the child; lines of its output go to {@code onLine} on {@code context}. Blocking. */
  static ChildProcess start(ChildSpec spec, Context context, Consumer<String> onLine) throws LaunchException {
    for (String file : spec.requiredFiles()) {
      if (!Files.isRegularFile(Path.of(file))) {
        throw new LaunchException("model file " + file + " not found; download it there or fix the "
            + "entry's path (or model_path)");
      }
    }
    String executable = spec.command().get(0);
    if (resolve(executable) == null) {
      throw new LaunchException(notFound(spec.kind(), executable));
    }
    try {
      for (Map.Entry<String, String> f : spec.files().entrySet()) {
        Path path = Path.of(f.getKey());
        Files.createDirectories(path.getParent());
        Files.writeString(path, f.getValue());
      }
      ProcessBuilder builder = new ProcessBuilder(spec.command()).redirectErrorStream(true);
      builder.environment().clear();
      builder.environment().putAll(spec.env());
      Process process = builder.start();
      process.getOutputStream().close();
      Thread reader = new Thread(() -> pump(process, context, onLine),
          spec.kind().program() + "-" + spec.id() + "-output");
      reader.setDaemon(true);
      reader.start();
      return new ChildProcess(process);
    } catch (IOException e) {
      throw new LaunchException("cannot start " + executable + ": " + e.getMessage());
    }
  }

  private static void pump(Process process, Context context, Consumer<String> onLine) {
    try (BufferedReader in = new BufferedReader(
        new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
      String line;
      while ((line = in.readLine()) != null) {
        String l = line;
        context.runOnContext(v -> onLine.accept(l));
      }
    } catch (IOException e) {
      // the process is gone; its exit is reported by onExit
    }
  }

  long pid() {
    return process.pid();
  }

  ProcessHandle handle() {
    return process.toHandle();
  }

  /** Completes (on a JDK thread) with the exit code. */
  java.util.concurrent.CompletableFuture<Integer> onExit() {
    return process.onExit().thenApply(Process::exitValue);
  }

  /** SIGTERM to the child and everything it started. */
  void terminate() {
    signal(process.toHandle(), false);
  }

  /** SIGKILL to the child and everything it started. */
  void kill() {
    signal(process.toHandle(), true);
  }

  static void signal(ProcessHandle handle, boolean force) {
    Stream.concat(handle.descendants(), Stream.of(handle)).forEach(h -> {
      if (force) {
        h.destroyForcibly();
      } else {
        h.destroy();
      }
    });
  }

  /** The executable as the OS would find it, or null. */
  static Path resolve(String executable) {
    if (executable.contains(File.separator)) {
      Path p = Path.of(executable);
      return Files.isExecutable(p) ? p : null;
    }
    String path = System.getenv("PATH");
    if (path == null) {
      return null;
    }
    for (String dir : path.split(File.pathSeparator)) {
      Path candidate = Path.of(dir.isEmpty() ? "." : dir, executable);
      if (Files.isExecutable(candidate) && !Files.isDirectory(candidate)) {
        return candidate;
      }
    }
    return null;
  }

  private static String notFound(ChildSpec.Kind kind, String executable) {
    if (kind == ChildSpec.Kind.LITELLM) {
      return executable + " was not found: install LiteLLM (pip install 'litellm[proxy]') or fix "
          + "gateway.litellm.command";
    }
    return executable + " was not found" + (executable.contains(File.separator) ? "" : " on PATH")
        + ": install llama.cpp (https://github.com/ggml-org/llama.cpp) or point "
        + "gateway.llama_server.command, --llama-server or LLAMA_SERVER at llama-server";
  }
}
