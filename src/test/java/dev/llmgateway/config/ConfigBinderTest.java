package dev.llmgateway.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ConfigBinderTest {

  @TempDir
  Path dir;

  private ConfigBinder.Bound read(String yaml) throws Exception {
    return read(yaml, Overrides.NONE);
  }

  private ConfigBinder.Bound read(String yaml, Overrides overrides) throws Exception {
    Path file = dir.resolve("llm.yml");
    Files.writeString(file, yaml);
    return ConfigReader.read(file, overrides);
  }

  private ConfigException invalid(String yaml) {
    return assertThrows(ConfigException.class, () -> read(yaml));
  }

  private static ConfigProblem only(ConfigException e) {
    assertEquals(1, e.errors().size(), e.describeAll());
    return e.errors().get(0);
  }

  @Test
  void loadsALongCommentedFileWithKeysItDoesNotUse() throws Exception {
    Path file = Path.of("src/test/resources/configs/homeclaw-style.yml");
    ConfigBinder.Bound bound = ConfigReader.read(file, Overrides.NONE);
    GatewayConfig c = bound.config();
    assertEquals(12, c.localModels().size());
    assertEquals(2, c.cloudModels().size());
    assertEquals(MainMode.MIX, c.mainMode());
    assertEquals("local_models/gemma-4-E4B-it-Q5_K_M", c.mainRef());
    assertEquals("cloud_models/DeepSeek-Chat", c.mainLlmCloud());
    assertEquals("local_models/Qwen3-Embedding-0.6B", c.embeddingLlm());
    assertEquals("on", c.llamaCpp().flashAttn(), "YAML 1.1 reads `on` as true");
    assertEquals(Boolean.FALSE, c.llamaCpp().useMmap());
    assertEquals(131072, c.llamaCpp().ctxSize());
    assertEquals("20", c.llamaCpp().embedding().nGpuLayers());
    assertEquals(List.of("adapters/a1.gguf", "adapters/a2.gguf"), c.local("multi_lora").lora());
    assertEquals(List.of("adapters/adapter-01.gguf"), c.local("base_with_lora").lora());
    assertFalse(c.local("base_with_lora").available());
    LocalModel llama3 = c.local("Ollama-llama3");
    assertEquals(ModelType.OLLAMA, llama3.type());
    assertEquals("127.0.0.1", llama3.host());
    assertEquals(11434, llama3.port());
    assertEquals(800, c.hybridRouter().preferCloudIfLongChars());
    assertTrue(c.hybridRouter().showRouteInResponse());
    assertNull(c.cloud("Gemini-Flash").apiKey(), "`api_key:` with nothing after it is absent");
    assertEquals("http://127.0.0.1:11434", c.gateway().ollamaUrl());
    assertEquals(dir.getRoot().resolve(Path.of("src/test/resources/configs/models").toAbsolutePath()).toString(),
        c.modelPath());
  }

  @Test
  void neverShowsAnApiKey() throws Exception {
    Path file = Path.of("src/test/resources/configs/homeclaw-style.yml");
    GatewayConfig c = ConfigReader.read(file, Overrides.NONE).config();
    assertFalse(c.toString().contains("sk-inline-secret"));
    assertFalse(c.cloud("DeepSeek-Chat").toString().contains("sk-inline-secret"));
    ConfigException e = invalid("""
        cloud_models:
          - id: a
            path: openai/gpt-4o
            port: 99999
            api_key: sk-inline-secret-1
        """);
    assertFalse(e.describeAll().contains("sk-inline-secret"));
  }

  @Test
  void reportsAMissingIdWithItsLine() {
    ConfigProblem p = only(invalid("""
        local_models:
          - id: ok
            path: a.gguf
            port: 5000
          - path: b.gguf
            port: 5001
        main_llm_local: local_models/ok
        """));
    assertEquals("local_models[1].id", p.key());
    assertEquals(5, p.line());
    assertTrue(p.message().contains("required"));
  }

  @Test
  void reportsDuplicateIds() {
    ConfigProblem p = only(invalid("""
        local_models:
          - id: twin
            path: a.gguf
            port: 5000
          - id: twin
            path: b.gguf
            port: 5001
        """));
    assertEquals("local_models[1].id", p.key());
    assertEquals(5, p.line());
    assertTrue(p.message().contains("duplicate id \"twin\""), p.message());
  }

  @Test
  void reportsAMainModelThatDoesNotExist() {
    ConfigProblem p = only(invalid("""
        local_models:
          - id: real
            path: a.gguf
            port: 5000
        main_llm_local: local_models/imaginary
        """));
    assertEquals("main_llm_local", p.key());
    assertEquals(5, p.line());
    assertTrue(p.message().contains("local_models/imaginary") && p.message().contains("local_models/real"),
        p.message());
  }

  @Test
  void reportsAPortOutOfRangeWithItsLine() {
    ConfigException e = invalid("""
        # comment
        local_models:
          - id: a
            path: a.gguf
            port: 70000
        """);
    ConfigProblem p = e.errors().get(0);
    assertEquals("local_models[0] (a).port", p.key());
    assertEquals(5, p.line());
    assertEquals(e.file() + ":5: local_models[0] (a).port: must be between 1 and 65535 (got 70000)",
        p.format(e.file()));
  }

  @Test
  void reportsWrongTypes() {
    assertEquals("local_models", only(invalid("local_models: just-text\n")).key());
    ConfigException e = invalid("""
        local_models:
          - id: a
            path: a.gguf
            port: abc
            available: maybe
            capabilities: {chat: yes}
          - just a string
        """);
    String all = e.describeAll();
    assertTrue(all.contains(":4: local_models[0] (a).port: must be a whole number (got \"abc\")"), all);
    assertTrue(all.contains(":5: local_models[0] (a).available: must be true or false"), all);
    assertTrue(all.contains(":6: local_models[0] (a).capabilities: must be a plain value"), all);
    assertTrue(all.contains(":7: local_models[1]: must be a mapping"), all);
  }

  @Test
  void acceptsSharedPortsOnlyForModelsThatDoNotRunTogether() throws Exception {
    String shared = """
        local_models:
          - id: a
            path: a.gguf
            port: 5029
          - id: b
            path: b.gguf
            port: 5029
        main_llm_local: local_models/a
        """;
    assertEquals(2, read(shared).config().localModels().size());
    ConfigProblem p = only(invalid(shared + "embedding_llm: local_models/b\n"));
    assertEquals("embedding_llm", p.key());
    assertTrue(p.message().contains("port 5029"), p.message());
  }

  @Test
  void rejectsPathsThatLeaveModelPath() {
    ConfigProblem p = only(invalid("""
        local_models:
          - id: sneaky
            path: ../../etc/passwd
            port: 5000
        """));
    assertTrue(p.key().endsWith(".path"));
    assertTrue(p.message().contains("outside model_path"));
  }

  @Test
  void rejectsFilesWithoutModels() {
    assertTrue(only(invalid("")).message().contains("empty"));
    assertTrue(only(invalid("# only comments\n")).message().contains("empty"));
    assertTrue(only(invalid("completion: {max_tokens: 5}\n")).message().contains("no models"));
    assertTrue(only(invalid("- a\n- b\n")).message().contains("top level must be a mapping"));
  }

  @Test
  void reportsYamlSyntaxErrorsWithTheirLine() {
    ConfigProblem p = only(invalid("""
        local_models:
          - id: a
            path: a.gguf
           port: 5000
        """));
    assertEquals(4, p.line());
    assertTrue(p.message().startsWith("invalid YAML"), p.message());
  }

  @Test
  void defaultsOllamaEntriesToTheLocalDaemonOrOllamaHost() throws Exception {
    String yaml = """
        local_models:
          - id: o
            type: ollama
            path: qwen2.5:7b
        main_llm_local: o
        """;
    LocalModel plain = read(yaml).config().local("o");
    assertEquals("127.0.0.1:11434", plain.host() + ":" + plain.port());
    Overrides env = Overrides.of(null, null, null, null, null, Map.of("OLLAMA_HOST", "ollama:11500"));
    GatewayConfig c = read(yaml, env).config();
    assertEquals("ollama:11500", c.local("o").host() + ":" + c.local("o").port());
    assertEquals("http://ollama:11500", c.gateway().ollamaUrl());
    assertEquals("local_models/o", c.mainLlmLocal(), "a bare id is accepted as a ref");
  }

  @Test
  void flagsWinOverEnvironmentWhichWinsOverTheFile() throws Exception {
    String yaml = """
        local_models: [{id: a, path: a.gguf, port: 5000}]
        gateway: {host: 0.0.0.0, port: 9000, admin_token: from-file}
        """;
    Map<String, String> env = Map.of("LLM_GATEWAY_PORT", "9100", "LLM_GATEWAY_HOST", "10.0.0.1",
        "LLM_GATEWAY_ADMIN_TOKEN", "from-env");
    GatewaySettings fileOnly = read(yaml).config().gateway();
    assertEquals("0.0.0.0:9000", fileOnly.host() + ":" + fileOnly.port());
    GatewaySettings withEnv = read(yaml, Overrides.of(null, null, null, null, null, env)).config().gateway();
    assertEquals("10.0.0.1:9100", withEnv.host() + ":" + withEnv.port());
    assertEquals("from-env", withEnv.adminToken());
    GatewaySettings withFlags = read(yaml, Overrides.of("127.0.0.1", 9200, null, null, null, env)).config().gateway();
    assertEquals("127.0.0.1:9200", withFlags.host() + ":" + withFlags.port());
  }

  @Test
  void namesTheEnvironmentVariableOfABadOverride() {
    Overrides env = Overrides.of(null, null, null, null, null, Map.of("LLM_GATEWAY_PORT", "eighty"));
    ConfigException e = assertThrows(ConfigException.class,
        () -> read("local_models: [{id: a, path: a.gguf, port: 5000}]\n", env));
    assertEquals("LLM_GATEWAY_PORT", only(e).key());
  }

  @Test
  void rejectsUnknownTypesAndModes() {
    String all = invalid("""
        local_models:
          - id: a
            type: vllm
            path: a.gguf
            port: 5000
        main_llm_mode: hybrid
        llama_cpp:
          flash_attn: sometimes
        """).describeAll();
    assertTrue(all.contains("type: must be llama_cpp, ollama or llama_router (got \"vllm\")"), all);
    assertTrue(all.contains("main_llm_mode: must be local, cloud or mix"), all);
    assertTrue(all.contains("llama_cpp.flash_attn: must be on, off or auto"), all);
  }
}
