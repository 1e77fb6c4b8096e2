package dev.llmgateway.llamacpp;

import static org.junit.jupiter.api.Assertions.fail;

import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Assumptions;

/**
 * Where the real {@code llama-server} and the SPM vocabulary for {@link TinyModel} are: the
 * system property or environment variable {@code LLAMA_SERVER} (a path, or a name on PATH) and
 * {@code LLAMA_VOCAB}, which {@code scripts/test} and {@code .ci/run} set from
 * {@code scripts/llama-server}. Without them the tests are skipped, saying how to get a server;
 * with {@code CI} set they fail instead, as the browser tests do.
 */
public record RealLlamaServer(Path binary, Path vocab) {

  public static final String HOW = "run scripts/llama-server (it builds one from the npm registry's "
      + "node-llama-cpp source, ~13 min on 2 cores, cached in ~/.cache/llm-gateway) and then "
      + "LLAMA_SERVER=$(scripts/llama-server) LLAMA_VOCAB=$(scripts/llama-server --print-vocab) mvn test "
      + "-Dgroups=llama-server; scripts/test does that by itself once a server is cached";

  /** The server and vocabulary, or null (for a {@code @BeforeAll}; each test then calls {@link #require()}). */
  public static RealLlamaServer find() {
    return locate(false);
  }

  /** The server and vocabulary, or the calling test skipped (failed in CI) with a note saying why. */
  public static RealLlamaServer require() {
    return locate(true);
  }

  private static RealLlamaServer locate(boolean required) {
    String server = setting("LLAMA_SERVER");
    String vocab = setting("LLAMA_VOCAB");
    String problem = null;
    Path binary = server == null ? null : resolve(server);
    if (server == null) {
      problem = "LLAMA_SERVER is not set";
    } else if (binary == null) {
      problem = "LLAMA_SERVER=" + server + " is not an executable";
    } else if (vocab == null) {
      problem = "LLAMA_VOCAB (the ggml-vocab-llama-spm.gguf that scripts/llama-server --print-vocab names) is not set";
    } else if (!Files.isRegularFile(Path.of(vocab))) {
      problem = "LLAMA_VOCAB=" + vocab + " does not exist";
    }
    if (problem == null) {
      return new RealLlamaServer(binary, Path.of(vocab));
    }
    if (!required) {
      return null;
    }
    String reason = "the llama-server tests need a real llama-server, and " + problem + ": " + HOW;
    String ci = System.getenv("CI");
    if (ci != null && !ci.isBlank() && !ci.equalsIgnoreCase("false")) {
      fail("CI is set, so the llama-server tests must run, but " + reason);
    }
    System.out.println("SKIPPED: " + reason);
    Assumptions.abort(reason);
    throw new AssertionError("unreachable");
  }

  private static String setting(String name) {
    String v = System.getProperty(name);
    if (v == null || v.isBlank()) {
      v = System.getenv(name);
    }
    return v == null || v.isBlank() ? null : v.trim();
  }

  private static Path resolve(String command) {
    if (command.contains(File.separator)) {
      Path p = Path.of(command);
      return Files.isExecutable(p) && !Files.isDirectory(p) ? p.toAbsolutePath() : null;
    }
    String path = System.getenv("PATH");
    for (String dir : path == null ? new String[0] : path.split(File.pathSeparator)) {
      Path candidate = Path.of(dir.isEmpty() ? "." : dir, command);
      if (Files.isExecutable(candidate) && !Files.isDirectory(candidate)) {
        return candidate.toAbsolutePath();
      }
    }
    return null;
  }
}
