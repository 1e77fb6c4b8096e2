package dev.llmgateway.process;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.llmgateway.config.LlamaCppSettings;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class MemoryEstimateTest {

  @TempDir
  Path dir;

  private Path model(Object kvHeads) throws IOException {
    Map<String, Object> v = new LinkedHashMap<>();
    v.put("general.architecture", "llama");
    v.put("general.name", "tiny");
    v.put("llama.block_count", 2);
    v.put("llama.context_length", 256);
    v.put("llama.embedding_length", 64);
    v.put("llama.feed_forward_length", 128);
    v.put("llama.attention.head_count", 4);
    v.put("llama.attention.head_count_kv", kvHeads);
    v.put("llama.rope.freq_base", 10000f);
    v.put("tokenizer.ggml.tokens", new String[] {"<unk>", "<s>", "</s>", "a", "b"});
    Path file = dir.resolve("tiny.gguf");
    TestGguf.write(file, v, List.of("token_embd.weight", "output.weight"), 1000);
    return file;
  }

  @Test
  void readsTheMetadataAndTheSizeOfTheWeights() throws Exception {
    GgufHeader h = GgufHeader.read(model(2));
    assertEquals("llama", h.architecture());
    assertEquals(2L, h.archLong("block_count"));
    assertEquals(256L, h.archLong("context_length"));
    assertEquals(2, h.tensorCount());
    assertEquals(1000, h.tensorBytes(), "everything after the aligned header is tensor data");
    assertEquals(0, h.dataOffset() % 32);
    assertEquals(5L, h.values().get("tokenizer.ggml.tokens#count"));
    assertArrayEquals(new long[] {2, 2}, h.perLayer("attention.head_count_kv", 2));
  }

  @Test
  void kvCacheFollowsContextHeadsAndCacheType() throws Exception {
    GgufHeader h = GgufHeader.read(model(2));
    // 2 layers x 2 KV heads x (16 + 16 dims) x 2 bytes (f16) = 256 bytes per cell
    MemoryEstimate trained = MemoryEstimate.of(h, 0, LlamaCppSettings.EMPTY);
    assertEquals(256, trained.nCtx());
    assertEquals(256L * 256, trained.kvCache());
    MemoryEstimate q8 = MemoryEstimate.of(h, 0, settings(1024, "q8_0", "q8_0"));
    assertEquals(1024, q8.nCtx());
    assertEquals(Math.round(2 * 2 * 32 * (34.0 / 32) * 1024), q8.kvCache());
    assertEquals(1000 + 77 + q8.kvCache() + q8.compute(), MemoryEstimate.of(h, 77, settings(1024, "q8_0", "q8_0")).total());
  }

  @Test
  void perLayerKvHeadsAreSummed() throws Exception {
    GgufHeader h = GgufHeader.read(model(new int[] {4, 0}));
    assertEquals(4L * 32 * 2 * 256, MemoryEstimate.of(h, 0, LlamaCppSettings.EMPTY).kvCache());
  }

  @Test
  void refusesAFileThatIsNotGguf() throws Exception {
    Path bad = dir.resolve("bad.gguf");
    Files.writeString(bad, "not a model");
    IOException e = assertThrows(IOException.class, () -> GgufHeader.read(bad));
    assertTrue(e.getMessage().contains("not a GGUF file"), e.getMessage());
  }

  private static LlamaCppSettings settings(int ctx, String k, String v) {
    return new LlamaCppSettings(ctx, null, null, null, null, null, k, v, null, null, null, null, null,
        null, null, null, null, null);
  }
}
