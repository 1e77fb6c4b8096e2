package dev.llmgateway.testing;

import io.vertx.core.Vertx;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A fake {@code litellm} proxy run as a child process: {@code --config FILE --host H --port P}. Like
 * LiteLLM it refuses to start when a key its config reads from the environment
 * ({@code os.environ/NAME}) is not there.
 */
public final class FakeLiteLlmMain {

  private FakeLiteLlmMain() {
  }

  public static void main(String[] args) throws Exception {
    String config = null;
    String host = "0.0.0.0";
    int port = 4000;
    for (int i = 0; i + 1 < args.length; i += 2) {
      switch (args[i]) {
        case "--config" -> config = args[i + 1];
        case "--host" -> host = args[i + 1];
        case "--port" -> port = Integer.parseInt(args[i + 1]);
        default -> {
          System.err.println("Error: No such option: " + args[i]);
          System.exit(2);
        }
      }
    }
    String yaml = Files.readString(Path.of(config));
    Matcher env = Pattern.compile("os\\.environ/([A-Za-z0-9_]+)").matcher(yaml);
    while (env.find()) {
      if (System.getenv(env.group(1)) == null) {
        System.err.println("Exception: " + env.group(1) + " is not set in the environment");
        System.exit(1);
      }
    }
    System.out.println("INFO:     Started server process");
    Vertx vertx = Vertx.vertx();
    String h = host;
    int p = port;
    new FakeLiteLlm(vertx, null).start(host, port).onSuccess(s ->
        System.out.println("INFO:     Uvicorn running on http://" + h + ":" + p + " (Press CTRL+C to quit)"));
  }

  /** Installs an executable {@code litellm} wrapper that runs this fake; returns its path. */
  public static Path install(Path dir) throws IOException {
    return FakeLlamaServerMain.installWrapper(dir, "litellm", FakeLiteLlmMain.class);
  }
}
