package dev.llmgateway.cli;

import dev.llmgateway.ollama.OllamaModel;
import java.io.PrintWriter;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/** {@code ollama list}: the models Ollama has, as a table. */
@Command(name = "list", mixinStandardHelpOptions = true,
    description = "List the models Ollama has: name, size, when modified.")
final class OllamaListCommand implements Callable<Integer> {

  @Mixin
  private ConfigOption config;

  @Mixin
  private OllamaOptions ollama;

  @Spec
  private CommandSpec spec;

  @Override
  public Integer call() {
    PrintWriter out = spec.commandLine().getOut();
    PrintWriter err = spec.commandLine().getErr();
    String url = ollama.resolve(config.path(), err);
    if (url == null) {
      return Main.USAGE;
    }
    try (OllamaSession session = new OllamaSession()) {
      List<OllamaModel> models = session.client(url).models().await();
      if (models.isEmpty()) {
        out.println("Ollama at " + url + " has no models yet; pull one: llm-gateway ollama pull qwen2.5:0.5b");
        out.flush();
        return Main.OK;
      }
      TextTable table = new TextTable("NAME", "SIZE", "MODIFIED");
      Instant now = Instant.now();
      models.forEach(m -> table.row(m.name(), HumanUnits.bytes(m.size()), HumanUnits.ago(m.modifiedAt(), now)));
      table.print(out);
      return Main.OK;
    } catch (Throwable failure) {
      return OllamaSession.report(failure, err);
    }
  }
}
