package dev.llmgateway.cli;

import dev.llmgateway.config.OllamaNames;
import dev.llmgateway.ollama.OllamaCall;
import dev.llmgateway.ollama.PullProgress;
import io.vertx.core.json.JsonObject;
import java.io.PrintWriter;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.Callable;
import java.util.concurrent.LinkedBlockingQueue;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code ollama pull <name>}: downloads a model into Ollama, showing its progress. */
@Command(name = "pull", mixinStandardHelpOptions = true,
    description = "Pull a model into Ollama with a progress bar (plain lines when not on a terminal).")
final class OllamaPullCommand implements Callable<Integer> {

  @Parameters(paramLabel = "NAME", description = "the Ollama model, e.g. qwen2.5:0.5b")
  private String name;

  @Mixin
  private ConfigOption config;

  @Mixin
  private OllamaOptions ollama;

  @Spec
  private CommandSpec spec;

  @Override
  public Integer call() throws InterruptedException {
    PrintWriter out = spec.commandLine().getOut();
    PrintWriter err = spec.commandLine().getErr();
    String problem = OllamaNames.problem(name);
    if (problem != null) {
      err.println(problem);
      return Main.USAGE;
    }
    String url = ollama.resolve(config.path(), err);
    if (url == null) {
      return Main.USAGE;
    }
    try (OllamaSession session = new OllamaSession()) {
      // Lines arrive on an event loop; this thread does the printing, until the end marker.
      BlockingQueue<JsonObject> lines = new LinkedBlockingQueue<>();
      JsonObject end = new JsonObject();
      OllamaCall<Void> call = session.client(url).pull(name, lines::add);
      call.result().onComplete(ar -> lines.add(end));
      PullProgress progress = new PullProgress();
      try (PullDisplay display = PullDisplay.create(name, out)) {
        for (JsonObject line = lines.take(); line != end; line = lines.take()) {
          progress.update(line);
          display.show(progress.toJson());
        }
      }
      if (call.result().failed()) {
        return OllamaSession.report(call.result().cause(), err);
      }
      out.println(name + " is ready in Ollama at " + url + ". Make it the main model: "
          + "llm-gateway ollama set-main " + name);
      out.flush();
      return Main.OK;
    }
  }
}
