package dev.llmgateway.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.llmgateway.config.MainSelectionEdit.Entry;
import dev.llmgateway.config.MainSelectionEdit.OllamaModel;
import dev.llmgateway.config.MainSelectionEdit.Outcome;
import dev.llmgateway.testing.LineDiff;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The llm.yml write-back: only the intended lines change, every other byte stays. */
class MainSelectionEditTest {

  private static final String COMMENT = "added by `ollama set-main`";
  private static final Path FIXTURE = Path.of("src/test/resources/configs/homeclaw-style.yml");

  private static Outcome select(String text, String ollamaName) {
    return MainSelectionEdit.apply(text, new OllamaModel(ollamaName, "127.0.0.1", 11434), null, COMMENT);
  }

  /** The edited text loads, and main resolves to the ref the edit reported. */
  private static GatewayConfig load(String text) throws ConfigException {
    return ConfigFileWriter.bind(text, Path.of("/tmp/llm.yml"), Overrides.NONE).config();
  }

  @Test
  void addsAnEntryAfterTheLastOneAndChangesOnlyTheMainLineOfALongCommentedFile() throws Exception {
    String before = Files.readString(FIXTURE);
    Outcome out = select(before, "qwen2.5:0.5b");

    LineDiff diff = LineDiff.of(before, out.text());
    assertEquals(List.of("main_llm_local: local_models/gemma-4-E4B-it-Q5_K_M\n"), diff.removed(), diff.toString());
    // (Sorted: which of the neighbouring blank lines counts as the added one is a tie for a diff.)
    assertEquals(sorted(List.of(
        "\n",
        "  # added by `ollama set-main`\n",
        "  - id: Ollama-qwen2.5-0.5b\n",
        "    type: ollama\n",
        "    path: \"qwen2.5:0.5b\"\n",
        "    host: 127.0.0.1\n",
        "    port: 11434\n",
        "main_llm_local: local_models/Ollama-qwen2.5-0.5b\n")), sorted(diff.added()), diff.toString());
    // The entry goes right after the last entry's last line, before the blank lines and the
    // next section's comment; main_llm_mode stays mix.
    String expected = before
        .replace("    path: llama3.2:3b\n    capabilities: [Chat]\n",
            "    path: llama3.2:3b\n    capabilities: [Chat]\n\n  # added by `ollama set-main`\n"
            + "  - id: Ollama-qwen2.5-0.5b\n    type: ollama\n    path: \"qwen2.5:0.5b\"\n"
            + "    host: 127.0.0.1\n    port: 11434\n")
        .replace("main_llm_local: local_models/gemma-4-E4B-it-Q5_K_M\n",
            "main_llm_local: local_models/Ollama-qwen2.5-0.5b\n");
    assertEquals(expected, out.text());
    assertEquals(MainMode.MIX, out.mode());
    assertTrue(out.entryAdded());

    GatewayConfig config = load(out.text());
    assertEquals("local_models/Ollama-qwen2.5-0.5b", config.mainLlmLocal());
    assertEquals("qwen2.5:0.5b", config.local("Ollama-qwen2.5-0.5b").path());
    assertTrue(config.local("Ollama-qwen2.5-0.5b").ollama());
    assertEquals(15, config.localModels().size() + config.cloudModels().size());
  }

  @Test
  void runningTwiceChangesNothingTheSecondTime() {
    String once = select(readFixture(), "qwen2.5:0.5b").text();
    Outcome twice = select(once, "qwen2.5:0.5b");
    assertEquals(once, twice.text());
    assertFalse(twice.changed(), twice.changes().toString());
    assertEquals("local_models/Ollama-qwen2.5-0.5b", twice.ref());
  }

  @Test
  void reusesAnExistingOllamaEntryForTheSameModel() throws Exception {
    String before = readFixture();
    Outcome out = select(before, "Qwen2.5:7b"); // the fixture has Ollama-qwen2 with path qwen2.5:7b
    assertEquals("local_models/Ollama-qwen2", out.ref());
    assertFalse(out.entryAdded());
    LineDiff diff = LineDiff.of(before, out.text());
    assertEquals(List.of("main_llm_local: local_models/Ollama-qwen2\n"), diff.added(), diff.toString());
    assertEquals(1, diff.removed().size());

    // A name without a tag is the :latest one; llama3.2:3b is not llama3.2.
    assertEquals("local_models/Ollama-llama3", select(before, "llama3.2:3b").ref());
    assertEquals("local_models/Ollama-llama3.2", select(before, "llama3.2").ref());
    assertTrue(load(select(before, "llama3.2").text()).local("Ollama-llama3.2").ollama());
  }

  @Test
  void switchesTheModeToLocalUnlessItIsMixOrAnotherModeIsAskedFor() throws Exception {
    String cloud = """
        local_models:
          - id: a
            type: ollama
            path: a:1b
        cloud_models:
          - id: c
            path: openai/gpt-4o
        main_llm_mode: cloud   # cloud for now
        main_llm_cloud: cloud_models/c
        """;
    Outcome out = select(cloud, "a:1b");
    assertEquals(cloud.replace("main_llm_mode: cloud   #", "main_llm_mode: local   #")
        + "\nmain_llm_local: local_models/a\n", out.text());
    assertEquals("local_models/a", load(out.text()).mainRef());

    Outcome mix = MainSelectionEdit.apply(cloud, new OllamaModel("a:1b", "127.0.0.1", 11434),
        MainMode.MIX, COMMENT);
    assertTrue(mix.text().contains("main_llm_mode: mix   # cloud for now\n"), mix.text());

    Outcome backToCloud = MainSelectionEdit.apply(out.text(), new Entry("cloud_models/c"), null, COMMENT);
    assertTrue(backToCloud.text().contains("main_llm_mode: cloud   #"), backToCloud.text());
    assertEquals("cloud_models/c", load(backToCloud.text()).mainRef());
  }

  @Test
  void createsLocalModelsAndAppendsAbsentKeysAtTheEnd() throws Exception {
    String before = """
        # only cloud so far
        cloud_models:
          - id: c
            path: openai/gpt-4o
        main_llm: cloud_models/c""";
    Outcome out = select(before, "qwen2.5:7b");
    assertEquals(before + """


        local_models:
          # added by `ollama set-main`
          - id: Ollama-qwen2.5-7b
            type: ollama
            path: "qwen2.5:7b"
            host: 127.0.0.1
            port: 11434

        main_llm_mode: local
        main_llm_local: local_models/Ollama-qwen2.5-7b
        """, out.text());
    assertEquals("local_models/Ollama-qwen2.5-7b", load(out.text()).mainRef());
  }

  @Test
  void turnsAnEmptyListIntoABlockList() throws Exception {
    String before = """
        local_models: []   # none yet
        cloud_models:
          - {id: c, path: openai/gpt-4o}
        main_llm_mode: local
        main_llm_local:
        """;
    Outcome out = select(before, "qwen2.5:7b");
    assertEquals("""
        local_models:   # none yet
          # added by `ollama set-main`
          - id: Ollama-qwen2.5-7b
            type: ollama
            path: "qwen2.5:7b"
            host: 127.0.0.1
            port: 11434
        cloud_models:
          - {id: c, path: openai/gpt-4o}
        main_llm_mode: local
        main_llm_local: local_models/Ollama-qwen2.5-7b
        """, out.text());
    assertEquals("local_models/Ollama-qwen2.5-7b", load(out.text()).mainRef());

    String nothing = "local_models:\ncloud_models: [{id: c, path: openai/gpt-4o}]\n";
    Outcome filled = select(nothing, "x:1b");
    assertTrue(filled.text().startsWith("local_models:\n  # added by `ollama set-main`\n  - id: Ollama-x-1b\n"),
        filled.text());
    assertNotNull(load(filled.text()).local("Ollama-x-1b"));
  }

  @Test
  void appendsToAFlowList() throws Exception {
    String before = "local_models: [{id: a, path: a.gguf, port: 5001}]\nmain_llm_local: a\n";
    Outcome out = select(before, "qwen2.5:7b");
    assertEquals("# added by `ollama set-main`\nlocal_models: [{id: a, path: a.gguf, port: 5001}, "
        + "{id: Ollama-qwen2.5-7b, type: ollama, path: \"qwen2.5:7b\", host: 127.0.0.1, port: 11434}]\n"
        + "main_llm_local: local_models/Ollama-qwen2.5-7b\n\nmain_llm_mode: local\n", out.text());
    assertEquals("qwen2.5:7b", load(out.text()).local("Ollama-qwen2.5-7b").path());
  }

  @Test
  void keepsTheFilesIndentationQuotingAndLineBreaks() throws Exception {
    String before = "local_models:\r\n- id: \"a\"\r\n  path: a.gguf\r\n  port: 5001\r\n"
        + "# 😀 a comment with an emoji\r\nmain_llm_local: 'local_models/a'\r\nmain_llm_mode: \"local\"\r\n";
    Outcome out = select(before, "b:2b");
    assertEquals("local_models:\r\n- id: \"a\"\r\n  path: a.gguf\r\n  port: 5001\r\n"
        + "# added by `ollama set-main`\r\n- id: Ollama-b-2b\r\n  type: ollama\r\n  path: \"b:2b\"\r\n"
        + "  host: 127.0.0.1\r\n  port: 11434\r\n"
        + "# 😀 a comment with an emoji\r\nmain_llm_local: 'local_models/Ollama-b-2b'\r\n"
        + "main_llm_mode: \"local\"\r\n", out.text());
    assertEquals("local_models/Ollama-b-2b", load(out.text()).mainRef());
  }

  @Test
  void picksAFreeIdWhenTheNaturalOneIsTaken() throws Exception {
    String before = """
        local_models:
          - id: Ollama-qwen2.5-7b
            path: some.gguf
            port: 5001
        """;
    Outcome out = select(before, "qwen2.5:7b");
    assertEquals("local_models/Ollama-qwen2.5-7b-2", out.ref());
    assertEquals("some.gguf", load(out.text()).local("Ollama-qwen2.5-7b").path());
  }

  @Test
  void editsTheLastOfDuplicateKeysBecauseThatIsTheOneThatCounts() throws Exception {
    String before = """
        local_models:
          - {id: a, type: ollama, path: "a:1b"}
          - {id: b, type: ollama, path: "b:1b"}
        main_llm_local: local_models/a
        main_llm_local: local_models/a
        """;
    Outcome out = select(before, "b:1b");
    assertTrue(out.text().endsWith("main_llm_local: local_models/a\nmain_llm_local: local_models/b\n"
        + "\nmain_llm_mode: local\n"), out.text());
    assertEquals("local_models/b", load(out.text()).mainRef());
  }

  @Test
  void quotesValuesOnlyWhenYamlNeedsIt() {
    assertEquals("qwen2.5-7b", YamlScalars.format("qwen2.5-7b"));
    assertEquals("\"qwen2.5:7b\"", YamlScalars.format("qwen2.5:7b"));
    assertEquals("\"yes\"", YamlScalars.format("yes"));
    assertEquals("\"1.5\"", YamlScalars.format("1.5"));
    assertEquals("\"::1\"", YamlScalars.format("::1"));
    assertEquals("\"a \\\"b\\\"\"", YamlScalars.format("a \"b\""));
    assertEquals("127.0.0.1", YamlScalars.format("127.0.0.1"));
  }

  @Test
  void refusesNamesThatCannotBeWrittenOnOneLine() {
    assertNotNull(OllamaNames.problem("qwen\nmain_llm_mode: cloud"));
    assertNotNull(OllamaNames.problem("qwen\u0007"));
    assertNotNull(OllamaNames.problem("two words"));
    assertNotNull(OllamaNames.problem(""));
    assertEquals(null, OllamaNames.problem("hf.co/bartowski/Llama-3.2-1B-Instruct-GGUF:Q4_K_M"));
    assertEquals("Ollama-hf.co-bartowski-Llama-3.2-1B-Instruct-GGUF-Q4_K_M",
        OllamaNames.entryId("hf.co/bartowski/Llama-3.2-1B-Instruct-GGUF:Q4_K_M"));
  }

  @Test
  void refusesFilesItCannotEditSafely() {
    assertThrows(IllegalArgumentException.class, () -> select("{local_models: []}\n", "a:1b"));
    assertThrows(IllegalArgumentException.class, () -> select("local_models: nope\n", "a:1b"));
    assertThrows(IllegalArgumentException.class,
        () -> select("local_models: []\nmain_llm_local:\n  nested: map\n", "a:1b"));
  }

  private static List<String> sorted(List<String> lines) {
    return lines.stream().sorted().toList();
  }

  private static String readFixture() {
    try {
      return Files.readString(FIXTURE);
    } catch (java.io.IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }

  @Test
  void movesAnExistingEntryToTheOllamaServerTheCommandUsed() {
    String block = """
        local_models:
          - id: o
            type: ollama
            path: qwen2.5:7b
            host: 127.0.0.1
            port: 11434   # the usual port
        main_llm_mode: local
        main_llm_local: local_models/o
        """;
    Outcome moved = MainSelectionEdit.apply(block, new OllamaModel("qwen2.5:7b", "10.0.0.5", 11500), null, COMMENT);
    assertEquals(block.replace("host: 127.0.0.1", "host: 10.0.0.5").replace("port: 11434", "port: 11500"),
        moved.text());
    assertEquals(block, MainSelectionEdit.apply(block, new OllamaModel("qwen2.5:7b", "127.0.0.1", 11434), null,
        COMMENT).text(), "same server: not a byte changes");

    String flow = """
        local_models:
          - {id: o, type: ollama, path: "qwen2.5:7b"}
        main_llm_mode: local
        main_llm_local: o
        """;
    assertEquals(flow.replace("path: \"qwen2.5:7b\"}", "path: \"qwen2.5:7b\", host: ollama, port: 11500}"),
        MainSelectionEdit.apply(flow, new OllamaModel("qwen2.5:7b", "ollama", 11500), null, COMMENT).text());
    assertEquals(flow, MainSelectionEdit.apply(flow, new OllamaModel("qwen2.5:7b", "127.0.0.1", 11434), null,
        COMMENT).text(), "host and port absent mean the default server");
  }
}
