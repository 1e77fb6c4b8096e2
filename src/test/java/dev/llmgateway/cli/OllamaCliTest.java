package dev.llmgateway.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.llmgateway.testing.Async;
import dev.llmgateway.testing.FakeOllama;
import dev.llmgateway.testing.GatewayHarness;
import dev.llmgateway.testing.LineDiff;
import dev.llmgateway.testing.TestHttp;
import io.vertx.core.Vertx;
import io.vertx.junit5.VertxExtension;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/** {@code ollama list | pull | set-main} against a fake Ollama, and a running gateway following set-main. */
@ExtendWith(VertxExtension.class)
class OllamaCliTest {

  @TempDir
  Path dir;

  private FakeOllama ollama;
  private String url;

  private record Run(int code, String out, String err) {
  }

  @BeforeEach
  void start(Vertx vertx) throws Exception {
    ollama = new FakeOllama(vertx, "qwen2.5:7b");
    Async.await(ollama.start());
    url = "http://127.0.0.1:" + ollama.port();
  }

  private static Run run(String... args) {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    int code = Main.run(new PrintWriter(out, true), new PrintWriter(err, true), args);
    return new Run(code, out.toString(), err.toString());
  }

  private Path fixtureCopy() throws Exception {
    Path file = dir.resolve("llm.yml");
    Files.copy(Path.of("src/test/resources/configs/homeclaw-style.yml"), file);
    return file;
  }

  @Test
  void listsOllamasModelsAsATableWithoutNeedingAConfig() {
    Run r = run("ollama", "list", "--ollama-url", url, "--config", dir.resolve("none.yml").toString());
    assertEquals(0, r.code(), r.err());
    String[] lines = r.out().split("\n");
    assertTrue(lines[0].matches("NAME +SIZE +MODIFIED"), r.out());
    assertTrue(lines[1].matches("qwen2\\.5:7b +4\\.7 GB +\\d+ (day|week|month|year)s? ago"), r.out());
  }

  @Test
  void pullsWithPlainProgressLinesWhenNotOnATerminal() {
    Run r = run("ollama", "pull", "qwen2.5:0.5b", "--ollama-url", url);
    assertEquals(0, r.code(), r.err());
    List<String> lines = r.out().lines().toList();
    assertEquals("pulling manifest", lines.get(0), r.out());
    assertTrue(lines.stream().anyMatch(l -> l.matches("pulling [0-9a-f]{12} +40%  159 MB of 398 MB")), r.out());
    assertTrue(lines.contains("verifying sha256 digest"), r.out());
    assertTrue(lines.get(lines.size() - 1).startsWith("qwen2.5:0.5b is ready in Ollama at " + url
        + ". Make it the main model: llm-gateway ollama set-main qwen2.5:0.5b"), r.out());
    assertTrue(ollama.models().contains("qwen2.5:0.5b"));
  }

  @Test
  void saysWhenOllamaHasNoSuchModelAndExits1() {
    Run r = run("ollama", "pull", "no-such-model:1b", "--ollama-url", url);
    assertEquals(1, r.code());
    assertTrue(r.err().contains("pull model manifest: file does not exist"), r.err());
    assertTrue(r.err().contains("https://ollama.com/library"), r.err());
  }

  @Test
  void saysWhereOllamaIsNotReachableAndHowToStartItAndExits1() throws Exception {
    int closed;
    try (ServerSocket s = new ServerSocket(0)) {
      closed = s.getLocalPort();
    }
    String expected = "Ollama is not reachable at http://127.0.0.1:" + closed + " — start it with `ollama serve`";
    Path file = fixtureCopy();
    for (String[] args : new String[][] {
        {"ollama", "list", "--ollama-url", "127.0.0.1:" + closed},
        {"ollama", "pull", "qwen2.5:0.5b", "--ollama-url", "http://127.0.0.1:" + closed},
        {"ollama", "set-main", "qwen2.5:0.5b", "--ollama-url", ":" + closed, "-c", file.toString()}}) {
      Run r = run(args);
      assertEquals(1, r.code(), String.join(" ", args));
      assertEquals(expected, r.err().trim(), String.join(" ", args));
    }
  }

  @Test
  void setMainOfAModelOllamaDoesNotHaveOffersThePullCommand() throws Exception {
    Path file = fixtureCopy();
    String before = Files.readString(file);
    Run r = run("ollama", "set-main", "qwen2.5:0.5b", "--ollama-url", url, "-c", file.toString());
    assertEquals(1, r.code());
    assertTrue(r.err().contains("Ollama at " + url + " does not have qwen2.5:0.5b"), r.err());
    assertTrue(r.err().contains("llm-gateway ollama pull qwen2.5:0.5b"), r.err());
    assertTrue(r.err().contains("--no-check"), r.err());
    assertEquals(before, Files.readString(file));

    Run anyway = run("ollama", "set-main", "qwen2.5:0.5b", "--no-check", "--ollama-url", url, "-c", file.toString());
    assertEquals(0, anyway.code(), anyway.err());
    assertTrue(Files.readString(file).contains("  - id: Ollama-qwen2.5-0.5b\n"));
  }

  @Test
  void setMainChangesOnlyTheIntendedLinesAndIsIdempotent() throws Exception {
    ollama.addModel("qwen2.5:0.5b");
    Path file = fixtureCopy();
    String before = Files.readString(file);
    Run first = run("ollama", "set-main", "qwen2.5:0.5b", "--ollama-url", url, "-c", file.toString());
    assertEquals(0, first.code(), first.err());
    assertTrue(first.out().contains(file + ": added local_models/Ollama-qwen2.5-0.5b (Ollama model "
        + "qwen2.5:0.5b at 127.0.0.1:" + ollama.port() + ")"), first.out());
    assertTrue(first.out().contains("main_llm_local: local_models/Ollama-qwen2.5-0.5b (was "
        + "local_models/gemma-4-E4B-it-Q5_K_M)"), first.out());
    String after = Files.readString(file);
    LineDiff diff = LineDiff.of(before, after);
    assertEquals(List.of("main_llm_local: local_models/gemma-4-E4B-it-Q5_K_M\n"), diff.removed(), diff.toString());
    assertEquals(8, diff.added().size(), diff.toString());
    assertTrue(diff.added().contains("    port: " + ollama.port() + "\n"), diff.toString());
    assertTrue(diff.added().contains("  # added by `ollama set-main`\n"), diff.toString());
    assertEquals(before, Files.readString(dir.resolve("llm.yml.bak")));

    Run second = run("ollama", "set-main", "qwen2.5:0.5b", "--ollama-url", url, "-c", file.toString());
    assertEquals(0, second.code(), second.err());
    assertTrue(second.out().contains("is already the main model (main_llm_mode: mix)"), second.out());
    assertEquals(after, Files.readString(file));

    Run config = run("config", "check", "-c", file.toString());
    assertEquals(0, config.code(), config.err());
  }

  @Test
  void setMainRefusesNamesThatWouldBreakTheFile() throws Exception {
    Path file = fixtureCopy();
    Run r = run("ollama", "set-main", "qwen\nmain_llm_mode: cloud", "--no-check", "-c", file.toString());
    assertEquals(2, r.code());
    assertTrue(r.err().contains("line break"), r.err());
    assertEquals(2, run("ollama", "set-main", "x:1b", "--mode", "cloud", "-c", file.toString()).code());
    assertEquals(2, run("ollama").code());
  }

  @Test
  void aRunningGatewaySwitchesItsMainModelAfterSetMain(Vertx vertx, @TempDir Path gatewayDir) throws Exception {
    ollama.addModel("qwen2.5:0.5b");
    GatewayHarness gateway = GatewayHarness.start(vertx, gatewayDir, """
        local_models:
          - id: Ollama-qwen2.5-7b
            type: ollama
            path: qwen2.5:7b
            port: %d
        main_llm_local: local_models/Ollama-qwen2.5-7b
        """.formatted(ollama.port()), Map.of());
    TestHttp http = new TestHttp(vertx, gateway.port());
    assertEquals("qwen2.5:7b", mainModel(http));

    Run r = run("ollama", "set-main", "qwen2.5:0.5b", "-c", gateway.configFile().toString());
    assertEquals(0, r.code(), r.err());
    Async.until(() -> "qwen2.5:0.5b".equals(Async.quietly(() -> mainModel(http))));
    assertFalse(http.get("/admin/config").json().getString("status").equals("error"));
  }

  /** The Ollama model that answers a request for "main". */
  private String mainModel(TestHttp http) throws Exception {
    TestHttp.Answer answer = http.postJson("/v1/chat/completions", TestHttp.chat("main", false));
    assertEquals(200, answer.status(), answer.body());
    return ollama.lastRequest().json().getString("model");
  }
}
