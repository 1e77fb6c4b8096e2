package dev.llmgateway.model;

import dev.llmgateway.api.Endpoint;
import dev.llmgateway.api.ApiError;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.llmgateway.config.ConfigBinder;
import dev.llmgateway.config.ConfigReader;
import dev.llmgateway.config.Overrides;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Every way a request can name a model (DESIGN.md, "Resolving the model of a request"). */
class ModelCatalogTest {

  private static final String MODELS = """
      local_models:
        - id: shared-id
          alias: local-alias
          path: a.gguf
          port: 5001
        - id: embedder
          path: e.gguf
          port: 5002
        - id: Ollama-qwen
          type: ollama
          alias: Qwen via Ollama
          path: qwen2.5:7b
      cloud_models:
        - id: shared-id
          path: openai/gpt-4o
        - id: claude
          alias: sonnet
          path: anthropic/claude-sonnet
      main_llm_local: local_models/Ollama-qwen
      main_llm_cloud: cloud_models/claude
      embedding_llm: local_models/embedder
      """;

  private static ModelCatalog catalog(String yaml) throws Exception {
    Path file = Path.of("/tmp/llm.yml");
    ConfigBinder.Bound bound = ConfigBinder.bind(ConfigReader.parse(yaml, file), file, Overrides.NONE);
    return new ModelCatalog(bound.config());
  }

  private static String ref(ModelCatalog c, String name, Endpoint e) {
    return c.resolve(name, e).ref();
  }

  @Test
  void resolvesMainByMode() throws Exception {
    assertEquals("local_models/Ollama-qwen", ref(catalog(MODELS + "main_llm_mode: local\n"), "main", Endpoint.CHAT));
    assertEquals("cloud_models/claude", ref(catalog(MODELS + "main_llm_mode: cloud\n"), "main", Endpoint.CHAT));
    assertEquals("local_models/Ollama-qwen", ref(catalog(MODELS + "main_llm_mode: mix\n"), "main", Endpoint.CHAT));
    assertEquals("cloud_models/claude", ref(catalog(MODELS
        + "main_llm_mode: mix\nhybrid_router: {default_route: cloud}\n"), "main", Endpoint.CHAT));
    assertEquals("local_models/shared-id", ref(catalog(MODELS.replace("main_llm_local: local_models/Ollama-qwen\n", "")
        + "main_llm: local_models/shared-id\nmain_llm_mode: local\n"), "main", Endpoint.CHAT),
        "legacy main_llm when main_llm_local is absent");
  }

  @Test
  void treatsAMissingModelAsMainAndEmbeddingAsTheEmbeddingModel() throws Exception {
    ModelCatalog c = catalog(MODELS + "main_llm_mode: local\n");
    assertEquals("local_models/Ollama-qwen", ref(c, null, Endpoint.CHAT));
    assertEquals("local_models/Ollama-qwen", ref(c, "", Endpoint.COMPLETIONS));
    assertEquals("local_models/embedder", ref(c, null, Endpoint.EMBEDDINGS));
    assertEquals("local_models/embedder", ref(c, "embedding", Endpoint.EMBEDDINGS));
  }

  @Test
  void resolvesRefsIdsAliasesAndOllamaNames() throws Exception {
    ModelCatalog c = catalog(MODELS);
    assertEquals("local_models/shared-id", ref(c, "local_models/shared-id", Endpoint.CHAT));
    assertEquals("cloud_models/shared-id", ref(c, "cloud_models/shared-id", Endpoint.CHAT));
    assertEquals("local_models/shared-id", ref(c, "shared-id", Endpoint.CHAT), "bare id: local first");
    assertEquals("cloud_models/claude", ref(c, "claude", Endpoint.CHAT));
    assertEquals("local_models/shared-id", ref(c, "local-alias", Endpoint.CHAT));
    assertEquals("cloud_models/claude", ref(c, "sonnet", Endpoint.CHAT));
    assertEquals("local_models/Ollama-qwen", ref(c, "Qwen via Ollama", Endpoint.CHAT));
    assertEquals("local_models/Ollama-qwen", ref(c, "qwen2.5:7b", Endpoint.CHAT));
  }

  @Test
  void tellsWhatExistsWhenTheModelIsUnknown() throws Exception {
    ModelCatalog c = catalog(MODELS);
    ApiError e = assertThrows(ApiError.class, () -> c.resolve("gpt-5", Endpoint.CHAT));
    assertEquals(404, e.status());
    assertEquals("model_not_found", e.body().getJsonObject("error").getString("code"));
    assertTrue(e.getMessage().contains("gpt-5") && e.getMessage().contains("Ollama-qwen"), e.getMessage());
    assertThrows(ApiError.class, () -> c.resolve("local_models/claude", Endpoint.CHAT));
  }

  @Test
  void saysWhatToSetWhenNoMainIsSelected() throws Exception {
    ModelCatalog c = catalog("local_models: [{id: a, path: a.gguf, port: 5000}]\n");
    ApiError e = assertThrows(ApiError.class, () -> c.resolve("main", Endpoint.CHAT));
    assertTrue(e.getMessage().contains("main_llm_local"), e.getMessage());
    ApiError emb = assertThrows(ApiError.class, () -> c.resolve(null, Endpoint.EMBEDDINGS));
    assertTrue(emb.getMessage().contains("embedding_llm"), emb.getMessage());
  }

  @Test
  void givesEachBackendItsUpstreamModelName() throws Exception {
    ModelCatalog c = catalog(MODELS);
    Backend ollama = c.resolve("Ollama-qwen", Endpoint.CHAT);
    assertEquals("qwen2.5:7b", ollama.upstreamModel());
    assertEquals("127.0.0.1:11434", ollama.authority());
    assertEquals("shared-id", c.resolve("shared-id", Endpoint.CHAT).upstreamModel());
    Backend cloud = c.resolve("claude", Endpoint.CHAT);
    assertEquals("anthropic/claude-sonnet", cloud.upstreamModel());
    assertEquals(4000, cloud.port(), "LiteLLM's default port");
    assertEquals(List.of("main"), c.rolesOf("local_models/Ollama-qwen"));
    assertEquals(List.of("embedding"), c.rolesOf("local_models/embedder"));
  }

  @Test
  void discoveredOllamaModelsAreUsableByNameAndEntriesWin() throws Exception {
    ModelCatalog plain = catalog(MODELS);
    ModelCatalog c = new ModelCatalog(plain.config(),
        List.of("qwen2.5:7b", "llama3.2:latest", "nomic-embed-text", "claude", "sonnet"));
    assertEquals("local_models/Ollama-qwen", ref(c, "qwen2.5:7b", Endpoint.OLLAMA_CHAT), "the entry serves it");
    assertEquals("ollama/llama3.2:latest", ref(c, "llama3.2", Endpoint.CHAT), "x is x:latest");
    assertEquals("ollama/llama3.2:latest", ref(c, "llama3.2:latest", Endpoint.CHAT));
    assertEquals("ollama/nomic-embed-text:latest", ref(c, "nomic-embed-text:latest", Endpoint.OLLAMA_EMBED));
    assertEquals("llama3.2:latest", c.resolve("llama3.2", Endpoint.CHAT).upstreamModel());
    assertEquals("cloud_models/claude", ref(c, "claude", Endpoint.CHAT), "an entry's id wins");
    assertEquals("cloud_models/claude", ref(c, "sonnet", Endpoint.CHAT), "an entry's alias wins");
    assertEquals(plain.all().size() + 2, c.all().size(), "entries first, then the two new models");

    ModelCatalog off = new ModelCatalog(catalog(MODELS + "gateway: {ollama_discovery: false}\n").config(),
        List.of("llama3.2:latest"));
    assertThrows(ApiError.class, () -> off.resolve("llama3.2", Endpoint.CHAT));
  }
}
