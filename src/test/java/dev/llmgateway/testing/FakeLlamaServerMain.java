package dev.llmgateway.testing;

import io.vertx.core.Vertx;
import java.io.IOException;
import java.io.StringReader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;

/**
 * A fake {@code llama-server} run as a real child process. It takes the real flags (current
 * spellings) and exits at once on an unknown one or a flag without its value, as the real server
 * does; it needs its {@code --model} file, answers 503 "Loading model" while "loading", then serves
 * {@link FakeLlamaServer}'s API. How it behaves is read from the model file, a properties file:
 * {@code load_ms} (default 200), {@code exit_after_ms} (crash that long after start, -1 = never),
 * {@code exit_code}, {@code slow_exit_ms} (linger after SIGTERM), {@code chunk_delay_ms} (between
 * streamed chunks), {@code spawn_log} (a file that gets one line per start: pid and arguments).
 */
public final class FakeLlamaServerMain {

  private static final Set<String> WITH_VALUE = Set.of("-m", "--model", "--host", "--port", "-c",
      "--ctx-size", "-n", "--predict", "-t", "--threads", "-ngl", "--n-gpu-layers", "--gpu-layers",
      "--temp", "--repeat-penalty", "-mm", "--mmproj", "--lora", "-fa", "--flash-attn", "-ctk",
      "--cache-type-k", "-ctv", "--cache-type-v", "-b", "--batch-size", "-ub", "--ubatch-size", "-np",
      "--parallel", "-a", "--alias", "--api-key", "--pooling", "-lm", "--load-mode",
      "--slot-save-path");
  /** No {@code --no-mmap}: current builds refuse it ({@code --load-mode none} replaces it). */
  private static final Set<String> SWITCHES = Set.of("--jinja", "--no-jinja", "-cb", "--cont-batching",
      "-nocb", "--no-cont-batching", "--embedding", "--embeddings");

  private FakeLlamaServerMain() {
  }

  public static void main(String[] args) throws Exception {
    Map<String, String> flags = new HashMap<>();
    for (int i = 0; i < args.length; i++) {
      String a = args[i];
      if (SWITCHES.contains(a)) {
        flags.put(a, "true");
      } else if (WITH_VALUE.contains(a)) {
        if (i + 1 >= args.length) {
          refuse(a, "expected value for argument");
        }
        flags.put(a, args[++i]);
      } else {
        die("error: invalid argument: " + a);
      }
    }
    String fa = flags.getOrDefault("--flash-attn", flags.get("-fa"));
    if (fa != null && !List.of("on", "off", "auto").contains(fa)) {
      refuse(flags.containsKey("-fa") ? "-fa" : "--flash-attn", "error: unknown value for --flash-attn: '" + fa + "'");
    }
    String loadMode = flags.getOrDefault("--load-mode", flags.get("-lm"));
    if (loadMode != null && !List.of("auto", "none", "mmap", "mlock", "mmap+mlock", "dio").contains(loadMode)) {
      refuse(flags.containsKey("-lm") ? "-lm" : "--load-mode", "invalid value");
    }
    String model = flags.getOrDefault("--model", flags.get("-m"));
    if (model == null || !Files.isRegularFile(Path.of(model))) {
      die("gguf_init_from_file: failed to open GGUF file '" + model + "'");
    }
    Properties behaviour = new Properties();
    behaviour.load(new StringReader(Files.readString(Path.of(model))));
    long loadMs = Long.parseLong(behaviour.getProperty("load_ms", "200"));
    long exitAfterMs = Long.parseLong(behaviour.getProperty("exit_after_ms", "-1"));
    int exitCode = Integer.parseInt(behaviour.getProperty("exit_code", "1"));
    long slowExitMs = Long.parseLong(behaviour.getProperty("slow_exit_ms", "0"));
    long chunkDelayMs = Long.parseLong(behaviour.getProperty("chunk_delay_ms", "5"));
    String spawnLog = behaviour.getProperty("spawn_log");
    if (spawnLog != null) {
      Files.writeString(Path.of(spawnLog), ProcessHandle.current().pid() + " " + String.join(" ", args) + "\n",
          StandardOpenOption.CREATE, StandardOpenOption.APPEND);
    }
    String host = flags.getOrDefault("--host", "127.0.0.1");
    int port = Integer.parseInt(flags.getOrDefault("--port", "8080"));
    String alias = flags.getOrDefault("--alias", flags.getOrDefault("-a", Path.of(model).getFileName().toString()));
    System.out.println("build: 10470 (34af94c) with fake for x86_64-linux-gnu");
    System.out.println("main: loading model '" + model + "'");

    Vertx vertx = Vertx.vertx();
    if (slowExitMs > 0) { // a server slow to exit: lingers after SIGTERM (the JVM exits when its hooks end)
      Runtime.getRuntime().addShutdownHook(new Thread(() -> Async.await("the slow exit", vertx.timer(slowExitMs),
          Duration.ofMillis(slowExitMs).plusSeconds(10))));
    }
    FakeLlamaServer server = new FakeLlamaServer(vertx, alias);
    server.chunkDelayMs(chunkDelayMs);
    int parallel = Integer.parseInt(flags.getOrDefault("--parallel", flags.getOrDefault("-np", "-1")));
    server.slots(parallel > 0 ? parallel : 4); // -1 = auto: 4 slots, as llama-server
    server.loading(loadMs > 0).embeddings(flags.containsKey("--embedding") || flags.containsKey("--embeddings"));
    server.onRequest(r -> System.out.println("srv  log_server_r: request: " + r.method() + " " + r.path()));
    server.start(host, port).onComplete(ar -> {
      if (ar.failed()) {
        die("couldn't bind HTTP server socket, hostname: " + host + ", port: " + port);
      }
      System.out.println("main: server is listening on http://" + host + ":" + port + " - starting the main loop");
      vertx.setTimer(Math.max(1, loadMs), t -> {
        server.loading(false);
        System.out.println("srv  update_slots: all slots are idle");
      });
      if (exitAfterMs >= 0) {
        vertx.setTimer(Math.max(1, exitAfterMs), t -> {
          System.out.println("fake: exiting with code " + exitCode + " as told");
          Runtime.getRuntime().halt(exitCode);
        });
      }
    });
  }

  /** A flag with a bad value: as the real server, the reason, then that flag's usage (which ends its output). */
  private static void refuse(String flag, String why) {
    die("error while handling argument \"" + flag + "\": " + why + "\n\nusage:\n" + flag
        + " ...                               (the flag's help)\n\n\nto show complete usage, run with -h");
  }

  private static void die(String message) {
    System.err.println(message);
    System.err.flush();
    Runtime.getRuntime().halt(1);
  }

  /** Installs an executable {@code llama-server} wrapper that runs this fake; returns its path. */
  public static Path install(Path dir) throws IOException {
    return installWrapper(dir, "llama-server", FakeLlamaServerMain.class);
  }

  /** An executable script named {@code name} that runs {@code main} in a fresh JVM. */
  static Path installWrapper(Path dir, String name, Class<?> main) throws IOException {
    String classpath = System.getProperty("surefire.test.class.path", System.getProperty("java.class.path"));
    String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    Path script = dir.resolve(name);
    Files.createDirectories(dir);
    Files.writeString(script, "#!/bin/sh\n"
        + "exec '" + java + "' -XX:+UseSerialGC -XX:TieredStopAtLevel=1 -Xshare:auto -cp '" + classpath
        + "' " + main.getName() + " \"$@\"\n");
    script.toFile().setExecutable(true);
    return script;
  }
}
