package dev.llmgateway.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CliTest {

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
  void theTrainingRunOfTheClassArchiveServesEveryKindOfRequestAndExits0() {
    // scripts/llm-gateway and the Dockerfile run it under -XX:ArchiveClassesAtExit: it must finish
    // on its own, with nothing but the jar.
    Run r = run("train", "--rounds", "1");
    assertEquals(0, r.code(), r.err());
  }

  @Test
  void checksTheShippedExampleConfig() {
    Run r = run("config", "check", "--config", "conf/llm.yml");
    assertEquals(0, r.code(), r.err());
    assertTrue(r.out().contains("conf/llm.yml is valid"), r.out());
  }

  @Test
  void checksALongRealWorldStyleConfigWithoutPrintingItsKey() {
    Run r = run("config", "check", "--config", "src/test/resources/configs/homeclaw-style.yml");
    assertEquals(0, r.code(), r.err());
    assertFalse((r.out() + r.err()).contains("sk-inline-secret"));
  }

  @Test
  void namesTheFileLineAndKeyOfEachProblemAndExits2() throws Exception {
    Path file = dir.resolve("llm.yml");
    Files.writeString(file, """
        local_models:
          - id: a
            path: a.gguf
            port: 0
          - id: a
            path: b.gguf
            port: 5001
        main_llm_local: local_models/zzz
        """);
    Run r = run("config", "check", "-c", file.toString());
    assertEquals(2, r.code());
    assertTrue(r.err().contains(file + ":4: local_models[0] (a).port: must be between 1 and 65535 (got 0)"), r.err());
    assertTrue(r.err().contains(file + ":5: local_models[1].id: duplicate id \"a\""), r.err());
    assertTrue(r.err().contains(file + ":8: main_llm_local: points at \"local_models/zzz\""), r.err());
    assertFalse(r.err().contains("Exception"), r.err());
  }

  @Test
  void saysWhenTheFileIsMissing() {
    Run r = run("config", "check", "-c", dir.resolve("nope.yml").toString());
    assertEquals(2, r.code());
    assertTrue(r.err().contains("nope.yml: file not found"), r.err());
  }

  @Test
  void printsTheCatalogWithBackendsAndRoles() {
    Run r = run("models", "-c", "src/test/resources/configs/homeclaw-style.yml");
    assertEquals(0, r.code(), r.err());
    String[] lines = r.out().split("\n");
    assertTrue(lines[0].startsWith("ID") && lines[0].contains("BACKEND") && lines[0].contains("ROLES"));
    assertEquals(15, lines.length, r.out());
    assertTrue(r.out().lines().anyMatch(l -> l.startsWith("Ollama-qwen2 ") && l.contains("http://127.0.0.1:11434")
        && l.contains("qwen2.5:7b")), r.out());
    assertTrue(r.out().lines().anyMatch(l -> l.startsWith("Qwen3-Embedding-0.6B ") && l.endsWith("embedding")));
    assertTrue(r.out().lines().anyMatch(l -> l.startsWith("DeepSeek-Chat ") && l.contains("litellm")
        && l.endsWith("main")), r.out());
    assertFalse(r.out().contains("sk-inline-secret"));
  }

  @Test
  void answersUsageErrorsWithExitCode2() {
    assertEquals(2, run().code());
    assertEquals(2, run("frobnicate").code());
    assertEquals(2, run("serve", "--port", "not-a-number").code());
    assertEquals(2, run("config").code());
  }

  @Test
  void refusesToServeAnInvalidConfigWithExitCode2() throws Exception {
    Path file = dir.resolve("llm.yml");
    Files.writeString(file, "local_models: [{id: a, path: a.gguf}]\n");
    Run r = run("serve", "-c", file.toString(), "--port", "0");
    assertEquals(2, r.code());
    assertTrue(r.err().contains("port: is required for llama_cpp entries"), r.err());
    assertTrue(r.err().contains("did not start"), r.err());
  }
}
