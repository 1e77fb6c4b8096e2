package dev.llmgateway.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code endpoints:} of an entry: read with weights, and every mistake named by file, line and key. */
class PoolConfigTest {

  @TempDir
  Path dir;

  private GatewayConfig read(String yaml) throws Exception {
    Path file = dir.resolve("llm.yml");
    Files.writeString(file, yaml);
    return ConfigReader.read(file, Overrides.NONE).config();
  }

  private ConfigProblem onlyError(String yaml) {
    ConfigException e = assertThrows(ConfigException.class, () -> read(yaml));
    assertEquals(1, e.errors().size(), e.describeAll());
    assertTrue(e.describeAll().contains("llm.yml"), e.describeAll());
    return e.errors().get(0);
  }

  @Test
  void readsEndpointsWithWeightsForOllamaLlamaCppAndLiteLlmEntries() throws Exception {
    GatewayConfig c = read("""
        local_models:
          - id: chat
            type: ollama
            path: qwen2.5:7b
            endpoints: [{host: 10.0.0.5, port: 11434}, {host: 10.0.0.6, port: 11434, weight: 2}]
          - id: gguf
            path: big.gguf
            endpoints:
              - {host: 10.0.0.7, port: 5025}
        cloud_models:
          - id: gpt
            path: openai/gpt-4o
            endpoints: [{host: 10.0.0.8, port: 4000}, {host: 10.0.0.9, port: 4000}]
        main_llm_local: local_models/chat
        """);
    assertEquals(List.of(new PoolEndpoint("10.0.0.5", 11434, 1), new PoolEndpoint("10.0.0.6", 11434, 2)),
        c.local("chat").endpoints());
    assertEquals("10.0.0.5", c.local("chat").host(), "host/port are the first server's");
    assertEquals(List.of(new PoolEndpoint("10.0.0.7", 5025, 1)), c.local("gguf").endpoints());
    assertEquals(2, c.cloud("gpt").endpoints().size());
    assertTrue(c.local("chat").endpoints().size() == 2 && c.localModels().size() == 2);
  }

  @Test
  void refusesEndpointsNextToHostAndPort() {
    ConfigProblem p = onlyError("""
        local_models:
          - id: chat
            type: ollama
            path: qwen2.5:7b
            port: 11434
            endpoints: [{host: 10.0.0.5, port: 11434}]
        """);
    assertEquals("local_models[0] (chat).endpoints", p.key());
    assertEquals(6, p.line());
    assertTrue(p.message().contains("remove host/port"), p.message());
  }

  @Test
  void namesTheLineAndKeyOfAServerWithoutPort() {
    ConfigProblem p = onlyError("""
        local_models:
          - id: chat
            type: ollama
            path: qwen2.5:7b
            endpoints:
              - host: 10.0.0.5
                port: 11434
              - host: 10.0.0.6
        """);
    assertEquals("local_models[0] (chat).endpoints[1].port", p.key());
    assertEquals(8, p.line());
    assertTrue(p.message().contains("is required"), p.message());
  }

  @Test
  void refusesAWeightOutOfRangeAndAServerListedTwice() {
    ConfigProblem weight = onlyError("""
        cloud_models:
          - id: gpt
            path: openai/gpt-4o
            endpoints:
              - {host: 10.0.0.8, port: 4000, weight: 0}
        """);
    assertEquals("cloud_models[0] (gpt).endpoints[0].weight", weight.key());
    assertEquals(5, weight.line());
    assertTrue(weight.message().contains("between 1 and 1000"), weight.message());

    ConfigProblem twice = onlyError("""
        cloud_models:
          - id: gpt
            path: openai/gpt-4o
            endpoints:
              - {host: 10.0.0.8, port: 4000}
              - {host: 10.0.0.8, port: 4000}
        """);
    assertEquals("cloud_models[0] (gpt).endpoints[1]", twice.key());
    assertTrue(twice.message().contains("listed twice"), twice.message());
  }

  @Test
  void refusesAnEmptyListAndAnItemThatIsNotAMapping() {
    assertTrue(onlyError("""
        local_models:
          - id: chat
            type: ollama
            path: qwen2.5:7b
            endpoints: []
        """).message().contains("lists no server"));
    ConfigProblem p = onlyError("""
        local_models:
          - id: chat
            type: ollama
            path: qwen2.5:7b
            endpoints: ["10.0.0.5:11434"]
        """);
    assertEquals("local_models[0] (chat).endpoints[0]", p.key());
    assertTrue(p.message().contains("must be a mapping"), p.message());
  }
}
