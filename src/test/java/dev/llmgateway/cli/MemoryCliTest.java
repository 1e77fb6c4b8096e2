package dev.llmgateway.cli;

import dev.llmgateway.testing.Ports;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.llmgateway.testing.FakeLlamaServerMain;
import dev.llmgateway.testing.GatewayHarness;
import io.vertx.core.Vertx;
import io.vertx.junit5.VertxExtension;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

@ExtendWith(VertxExtension.class)
class MemoryCliTest {

  @TempDir
  Path dir;

  private record Run(int code, String out, String err) {
  }

  private static Run run(String... args) {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    int code = Main.run(new PrintWriter(out, true), new PrintWriter(err, true), args);
    return new Run(code, out.toString(), err.toString());
  }


  @Test
  void configCheckWarnsAboutAModelLargerThanItsBudget() throws Exception {
    Path file = dir.resolve("llm.yml");
    Files.writeString(file, """
        gateway:
          memory:
            budget: {cpu: 8GiB}
        local_models:
          - id: small
            path: s.gguf
            port: 5001
            memory: 2GiB
            device: cpu
          - id: big
            path: b.gguf
            port: 5002
            memory: 30GiB
            device: cpu
        main_llm_local: local_models/small
        """);
    Run r = run("config", "check", "--config", file.toString());
    assertEquals(0, r.code(), r.err());
    assertTrue(r.out().contains(file + ":13: warning: local_models[1] (big).memory: needs 30.0 GiB but cpu "
        + "has a budget of 8.0 GiB with 1.0 GiB reserved"), r.out());
  }

  @Test
  void configCheckRejectsBadMemoryKeysNamingLineAndKey() throws Exception {
    Path file = dir.resolve("llm.yml");
    Files.writeString(file, """
        local_models:
          - {id: a, path: a.gguf, port: 5001, memory: "lots", priority: -1}
        """);
    Run r = run("config", "check", "--config", file.toString());
    assertEquals(2, r.code());
    assertTrue(r.err().contains(file + ":2: local_models[0] (a).memory: must be a size"), r.err());
    assertTrue(r.err().contains(file + ":2: local_models[0] (a).priority: must be 0 or more"), r.err());
  }

  @Test
  void psLoadAndUnloadTalkToARunningGateway(Vertx vertx) throws Exception {
    Path llamaServer = FakeLlamaServerMain.install(dir.resolve("bin"));
    Files.createDirectories(dir.resolve("models"));
    Files.writeString(dir.resolve("models/a.gguf"), "load_ms=20\n");
    GatewayHarness gw = GatewayHarness.start(vertx, dir, """
        model_path: models
        gateway:
          llama_server:
            command: %s
          state_dir: state
          memory:
            budget: {cpu: 9GiB}
        local_models:
          - {id: a, path: a.gguf, port: %d, memory: 4GiB, device: cpu}
        """.formatted(llamaServer, Ports.free()), Map.of());
    String url = "http://127.0.0.1:" + gw.port();
    Run load = run("load", "a", "--url", url);
    assertEquals(0, load.code(), load.err());
    assertEquals("a: loaded\n", load.out());
    Run ps = run("ps", "--url", url);
    assertEquals(0, ps.code(), ps.err());
    assertTrue(ps.out().matches("(?s)DEVICE +MODEL +STATE +MEMORY +LAST USED\\ncpu +a +loaded +4\\.0 GiB +\\d+ s ago\\n"
        + "cpu: 4\\.0 GiB used of 9\\.0 GiB\\n"), ps.out());
    Run unload = run("unload", "a", "--url", url);
    assertEquals(0, unload.code(), unload.err());
    assertEquals("a: unloaded\n", unload.out());
    Run missing = run("load", "nope", "--url", url);
    assertEquals(2, missing.code());
    assertTrue(missing.err().contains("`nope` does not exist"), missing.err());
    Run nobody = run("ps", "--url", "http://127.0.0.1:" + Ports.free());
    assertEquals(1, nobody.code());
    assertTrue(nobody.err().contains("no gateway answers at"), nobody.err());
  }
}
