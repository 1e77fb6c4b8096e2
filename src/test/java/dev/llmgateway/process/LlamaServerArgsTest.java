package dev.llmgateway.process;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.llmgateway.config.ConfigBinder;
import dev.llmgateway.config.ConfigReader;
import dev.llmgateway.config.GatewayConfig;
import dev.llmgateway.config.Overrides;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

class LlamaServerArgsTest {

  private static GatewayConfig config(String yaml) throws Exception {
    Path file = Path.of("/srv/llm/llm.yml");
    return ConfigBinder.bind(ConfigReader.parse(yaml, file), file, Overrides.NONE).config();
  }

  private static final String FULL = """
      model_path: /models
      llama_cpp:
        ctx_size: 32768
        predict: 8192
        temp: 0.2
        threads: 8
        n_gpu_layers: 99
        repeat_penalty: 1.1
        flash_attn: on
        cache_type_k: q8_0
        cache_type_v: q8_0
        batch_size: 512
        ubatch_size: 256
        cont_batching: true
        use_mmap: false
        function_calling: true
        parallel: 2
        verbose: false
        embedding:
          ctx_size: 0
          n_gpu_layers: 20
          pooling: mean
      local_models:
        - id: vision
          path: vl/Qwen3VL-2B.gguf
          mmproj: vl/mmproj.gguf
          lora: [a1.gguf, a2.gguf]
          lora_base: vl/Qwen3VL-2B.gguf
          host: 127.0.0.1
          port: 5025
        - id: embed
          path: bge.gguf
          port: 5066
      main_llm_local: vision
      embedding_llm: embed
      """;

  @Test
  void buildsEveryFlagFromAFullBlock() throws Exception {
    GatewayConfig c = config(FULL);
    List<String> args = LlamaServerArgs.build("llama-server", c.local("vision"), c.llamaCpp(), false,
        Path.of(c.modelPath()));
    assertEquals(List.of("llama-server",
        "--model", "/models/vl/Qwen3VL-2B.gguf", "--host", "127.0.0.1", "--port", "5025",
        "--alias", "vision", "--ctx-size", "32768", "--predict", "8192", "--temp", "0.2",
        "--threads", "8", "--n-gpu-layers", "99", "--repeat-penalty", "1.1", "--flash-attn", "on",
        "--cache-type-k", "q8_0", "--cache-type-v", "q8_0", "--batch-size", "512",
        "--ubatch-size", "256", "--parallel", "2", "--cont-batching", "--load-mode", "none",
        "--mmproj", "/models/vl/mmproj.gguf", "--lora", "/models/a1.gguf", "--lora", "/models/a2.gguf",
        "--jinja"), args);
    assertFalse(args.contains("--lora-base"), "llama-server refuses --lora-base now");
    assertFalse(args.contains("--no-mmap"), "and --no-mmap");
  }

  @Test
  void givesTheEmbeddingModelItsOwnBlockAndEmbeddingFlags() throws Exception {
    GatewayConfig c = config(FULL);
    List<String> args = LlamaServerArgs.build("llama-server", c.local("embed"), c.llamaCpp(), true,
        Path.of(c.modelPath()));
    assertEquals(List.of("llama-server", "--model", "/models/bge.gguf", "--host", "127.0.0.1",
        "--port", "5066", "--alias", "embed", "--ctx-size", "0", "--n-gpu-layers", "20",
        "--embedding", "--pooling", "mean"), args);
  }

  @Test
  void saysNoJinjaWhenTheFileSaysSo() throws Exception {
    GatewayConfig c = config("""
        llama_cpp: {function_calling: true, jinja: false, flash_attn: false}
        local_models: [{id: a, path: a.gguf, port: 5000}]
        """);
    List<String> args = LlamaServerArgs.build("llama-server", c.local("a"), c.llamaCpp(), false, Path.of("/m"));
    assertTrue(args.contains("--no-jinja") && !args.contains("--jinja"), args.toString());
    assertEquals("off", args.get(args.indexOf("--flash-attn") + 1));
  }

  @Test
  void warnsThatLoraBaseIsIgnored() throws Exception {
    Path file = Path.of("/srv/llm/llm.yml");
    ConfigBinder.Bound bound = ConfigBinder.bind(ConfigReader.parse(FULL, file), file, Overrides.NONE);
    assertTrue(bound.warnings().stream().anyMatch(w -> w.key().endsWith("lora_base")), bound.warnings().toString());
  }

  @Test
  void keepsSecretsOutOfTheChildEnvironment() {
    var env = ChildSpecs.childEnv(java.util.Map.of("PATH", "/bin", "OPENAI_API_KEY", "sk-x",
        "LLM_GATEWAY_ADMIN_TOKEN", "t", "CUDA_VISIBLE_DEVICES", "0", "HOME", "/root"));
    assertEquals(java.util.Map.of("PATH", "/bin", "CUDA_VISIBLE_DEVICES", "0", "HOME", "/root"), env);
  }

  @Test
  void aRerankerStartsWithRerankingAndNotAsAnEmbeddingServer() throws Exception {
    GatewayConfig c = config("""
        local_models:
          - {id: bge, path: bge-reranker.gguf, port: 5070, capabilities: [rerank]}
        """);
    List<String> args = LlamaServerArgs.build("llama-server", c.local("bge"), c.llamaCpp(), false, Path.of("/m"));
    assertTrue(args.contains("--reranking"), args.toString());
    assertFalse(args.contains("--embedding"), args.toString());
  }
}
