package dev.llmgateway.reliability;

import dev.llmgateway.cli.Main;
import java.io.PrintWriter;
import java.io.StringWriter;

/** Runs {@code ollama set-main} over and over, alternating two names, until it is killed. */
public final class SetMainLoop {

  private SetMainLoop() {
  }

  public static void main(String[] args) {
    String config = args[0];
    PrintWriter quiet = new PrintWriter(new StringWriter());
    for (int i = 0; ; i++) {
      String name = i % 2 == 0 ? "qwen2.5:7b" : "llama3.2:3b";
      Main.run(quiet, quiet, "ollama", "set-main", name, "--no-check", "--config", config);
    }
  }
}
