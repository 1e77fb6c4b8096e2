package dev.llmgateway.cli;

import dev.llmgateway.config.ByteSize;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.io.PrintWriter;
import java.time.Duration;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/** {@code ps}: what a running gateway has loaded, per device, with its memory (GET /admin/memory). */
@Command(name = "ps", mixinStandardHelpOptions = true,
    description = "Show the models a running gateway has loaded and the memory of each device.")
final class PsCommand implements Callable<Integer> {

  @Mixin
  private GatewayUrl gateway;

  @Spec
  private CommandSpec spec;

  @Override
  public Integer call() {
    PrintWriter out = spec.commandLine().getOut();
    PrintWriter err = spec.commandLine().getErr();
    JsonObject memory;
    try {
      memory = gateway.call("GET", "/admin/memory", Duration.ofSeconds(15));
    } catch (GatewayUrl.Failure f) {
      err.println(f.getMessage());
      err.flush();
      return f.exitCode;
    }
    TextTable table = new TextTable("DEVICE", "MODEL", "STATE", "MEMORY", "LAST USED");
    JsonArray devices = memory.getJsonArray("devices", new JsonArray());
    long now = System.currentTimeMillis();
    for (int i = 0; i < devices.size(); i++) {
      JsonObject d = devices.getJsonObject(i);
      JsonArray models = d.getJsonArray("models", new JsonArray());
      for (int j = 0; j < models.size(); j++) {
        JsonObject m = models.getJsonObject(j);
        String last = m.getString("last_used");
        table.row(d.getString("name"), m.getString("id"), m.getString("state"),
            ByteSize.format(m.getLong("bytes", 0L)),
            last == null ? "-" : (now - java.time.Instant.parse(last).toEpochMilli()) / 1000 + " s ago");
      }
    }
    table.print(out);
    for (int i = 0; i < devices.size(); i++) {
      JsonObject d = devices.getJsonObject(i);
      Long budget = d.getLong("budget_bytes");
      out.println(d.getString("name") + ": " + ByteSize.format(d.getLong("used_bytes", 0L)) + " used of "
          + (budget == null ? "no budget" : ByteSize.format(budget)));
    }
    out.flush();
    return Main.OK;
  }
}
