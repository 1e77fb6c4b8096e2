package dev.llmgateway.llamacpp;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.llmgateway.llamacpp.Gguf.TensorType;
import dev.llmgateway.llamacpp.Gguf.Type;
import dev.llmgateway.llamacpp.Gguf.Value;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The GGUF reader and writer, and the tiny model's layout; no llama-server needed. */
class GgufTest {

  @TempDir
  Path dir;

  @Test
  void readsBackEveryValueTypeAndTheTensorTable() throws Exception {
    Path file = dir.resolve("all.gguf");
    new Gguf.Writer()
        .put("u8", new Value(Type.UINT8, 200L))
        .put("i8", new Value(Type.INT8, -5L))
        .put("u16", new Value(Type.UINT16, 65000L))
        .put("i16", new Value(Type.INT16, -300L))
        .put("u32", Value.u32(4_000_000_000L))
        .put("i32", new Value(Type.INT32, -7L))
        .put("u64", new Value(Type.UINT64, 1L << 40))
        .put("i64", new Value(Type.INT64, -(1L << 40)))
        .put("f32", Value.f32(0.25f))
        .put("f64", new Value(Type.FLOAT64, 1e-300))
        .put("bool", Value.bool(true))
        .put("string", Value.string("naïve ✓"))
        .put("strings", new Value(Type.ARRAY, new Gguf.Array(Type.STRING, List.of("a", "", "▁the"))))
        .put("floats", new Value(Type.ARRAY, new Gguf.Array(Type.FLOAT32, List.of(1.5f, -2f))))
        .put("nested", new Value(Type.ARRAY, new Gguf.Array(Type.ARRAY,
            List.of(new Gguf.Array(Type.INT32, List.of(1L, 2L))))))
        .tensor("small", TensorType.F32, new float[] {1, 2, 3}, 3)
        .tensor("matrix", TensorType.Q8_0, new float[64], 32, 2)
        .write(file);

    Gguf.Header h = Gguf.read(file);
    assertEquals(3, h.version());
    assertEquals(List.of("u8", "i8", "u16", "i16", "u32", "i32", "u64", "i64", "f32", "f64", "bool", "string",
        "strings", "floats", "nested"), new ArrayList<>(h.metadata().keySet()), "order kept");
    assertEquals(200L, h.get("u8").value());
    assertEquals(-5L, h.get("i8").value());
    assertEquals(65000L, h.get("u16").value());
    assertEquals(-300L, h.get("i16").value());
    assertEquals(4_000_000_000L, h.get("u32").value());
    assertEquals(-7L, h.get("i32").value());
    assertEquals(1L << 40, h.get("u64").value());
    assertEquals(-(1L << 40), h.get("i64").value());
    assertEquals(0.25f, h.get("f32").value());
    assertEquals(1e-300, h.get("f64").value());
    assertEquals(true, h.get("bool").value());
    assertEquals("naïve ✓", h.get("string").asString());
    assertEquals(new Gguf.Array(Type.STRING, List.of("a", "", "▁the")), h.get("strings").asArray());
    assertEquals(List.of(1.5f, -2f), h.get("floats").asArray().items());
    assertEquals(new Gguf.Array(Type.INT32, List.of(1L, 2L)), h.get("nested").asArray().items().get(0));

    assertEquals(2, h.tensors().size());
    Gguf.TensorInfo small = h.tensors().get(0);
    Gguf.TensorInfo matrix = h.tensors().get(1);
    assertEquals("small", small.name());
    assertArrayEquals(new long[] {3}, small.dims());
    assertEquals(0, small.type());
    assertEquals(0, small.offset());
    assertArrayEquals(new long[] {32, 2}, matrix.dims());
    assertEquals(8, matrix.type());
    assertEquals(32, matrix.offset(), "the second tensor starts at the next multiple of 32");
    assertEquals(0, h.dataOffset() % 32);
    assertEquals(h.dataOffset() + 32 + 2 * 34 + (96 - 68), Files.size(file), "data padded to the alignment");
    byte[] all = Files.readAllBytes(file);
    float[] first = Gguf.decode(TensorType.F32, java.util.Arrays.copyOfRange(all, (int) h.dataOffset(),
        (int) h.dataOffset() + 12), 3);
    assertArrayEquals(new float[] {1, 2, 3}, first);
  }

  @Test
  void refusesWhatIsNotGguf() throws Exception {
    Path file = dir.resolve("text.gguf");
    Files.writeString(file, "load_ms=100\n");
    IOException e = assertThrows(IOException.class, () -> Gguf.read(file));
    assertTrue(e.getMessage().contains("not a GGUF file"), e.getMessage());
    Path truncated = dir.resolve("truncated.gguf");
    new Gguf.Writer().put("k", Value.string("a long enough value")).write(truncated);
    Files.write(truncated, java.util.Arrays.copyOf(Files.readAllBytes(truncated), 30));
    assertThrows(IOException.class, () -> Gguf.read(truncated));
  }

  @Test
  void convertsHalfFloatsAndQuantizesQ8LikeGgml() {
    for (float f : new float[] {0f, 1f, -2f, 0.1f, 65504f, 6.1e-5f, 3e-7f, 1f / 127}) {
      float back = Gguf.fromHalf(Gguf.toHalf(f));
      assertTrue(Math.abs(back - f) <= Math.abs(f) / 1024 + 6e-8, f + " -> " + back);
    }
    assertEquals(0x3c00, Gguf.toHalf(1f) & 0xffff);
    assertEquals(0xc000, Gguf.toHalf(-2f) & 0xffff);
    assertEquals(0x7c00, Gguf.toHalf(1e6f) & 0xffff, "overflow is infinity");

    SplittableRandom random = new SplittableRandom(1);
    float[] values = new float[64];
    for (int i = 0; i < values.length; i++) {
      values[i] = (float) (random.nextDouble() * 2 - 1);
    }
    values[5] = -3f;
    byte[] q = Gguf.encode(TensorType.Q8_0, values);
    assertEquals(68, q.length, "two blocks of a half scale and 32 bytes");
    assertEquals(-127, q[2 + 5], "the largest magnitude maps to -127");
    float[] back = Gguf.decode(TensorType.Q8_0, q, 64);
    for (int i = 0; i < 64; i++) {
      float step = i < 32 ? 3f / 127 : 1f / 127;
      assertTrue(Math.abs(back[i] - values[i]) <= step, i + ": " + values[i] + " -> " + back[i]);
    }
    assertThrows(IllegalArgumentException.class, () -> Gguf.encode(TensorType.Q8_0, new float[33]));
  }

  @Test
  void writesTheTinyModelsLayoutWithTheVocabularyCopied() throws Exception {
    Path vocab = dir.resolve("vocab.gguf");
    List<Object> tokens = new ArrayList<>(List.of("<unk>", "<s>", "</s>"));
    for (int b = 0; b < 256; b++) {
      tokens.add(String.format("<0x%02X>", b));
    }
    tokens.addAll(List.of("▁the", "▁a", "er", "in", "on"));
    List<Object> scores = new ArrayList<>();
    List<Object> types = new ArrayList<>();
    for (int i = 0; i < tokens.size(); i++) {
      scores.add((float) -i);
      types.add(i < 3 ? 3L : i < 259 ? 6L : 1L);
    }
    new Gguf.Writer()
        .put("general.architecture", Value.string("llama"))
        .put("llama.context_length", Value.u32(4096))
        .put("tokenizer.ggml.model", Value.string("llama"))
        .put("tokenizer.ggml.tokens", new Value(Type.ARRAY, new Gguf.Array(Type.STRING, tokens)))
        .put("tokenizer.ggml.scores", new Value(Type.ARRAY, new Gguf.Array(Type.FLOAT32, scores)))
        .put("tokenizer.ggml.token_type", new Value(Type.ARRAY, new Gguf.Array(Type.INT32, types)))
        .put("tokenizer.ggml.eos_token_id", Value.u32(2))
        .write(vocab);

    Gguf.Header chat = Gguf.read(TinyModel.chat(vocab, dir.resolve("chat.gguf")));
    assertEquals("llama", chat.get("general.architecture").asString());
    assertEquals(256, chat.get("llama.context_length").asLong(), "its own context, not the vocabulary file's");
    assertEquals(64, chat.get("llama.embedding_length").asLong());
    assertEquals(2, chat.get("llama.block_count").asLong());
    assertEquals(tokens, chat.get("tokenizer.ggml.tokens").asArray().items());
    assertEquals(types, chat.get("tokenizer.ggml.token_type").asArray().items());
    assertEquals(2, chat.get("tokenizer.ggml.eos_token_id").asLong());
    assertTrue(chat.get("tokenizer.chat_template").asString().contains("<|im_start|>assistant"));
    assertEquals(3 + 9 * 2, chat.tensors().size());
    Gguf.TensorInfo output = chat.tensors().stream().filter(t -> t.name().equals("output.weight")).findFirst()
        .orElseThrow();
    assertArrayEquals(new long[] {64, tokens.size()}, output.dims());
    long end = 0;
    for (Gguf.TensorInfo t : chat.tensors()) {
      assertEquals(0, t.offset() % 32, t.name());
      assertTrue(t.offset() >= end, t.name() + " overlaps the one before");
      end = t.offset() + TensorType.of(t.type()).bytes(t.elements());
    }
    Path file = dir.resolve("chat.gguf");
    assertEquals(chat.dataOffset() + Gguf.pad(end, 32), Files.size(file));

    // The byte and control tokens' rows of the output matrix push their logits down.
    byte[] all = Files.readAllBytes(file);
    assertEquals(TensorType.F16, TensorType.of(output.type()), "no Q8_0 product: see TinyModel on AMX");
    int rowBytes = 64 * 2;
    for (int token : new int[] {0, 2, 3, 258, 259, 263}) {
      int at = (int) (chat.dataOffset() + output.offset()) + token * rowBytes;
      float first = Gguf.decode(TensorType.F16, java.util.Arrays.copyOfRange(all, at, at + 2), 1)[0];
      if (token < TinyModel.BLOCKED_TOKENS) {
        assertEquals(-10f, first, "token " + token);
      } else {
        assertEquals(0f, first, "token " + token);
      }
    }

    Gguf.Header embedding = Gguf.read(TinyModel.embedding(vocab, dir.resolve("embedding.gguf")));
    assertFalse(embedding.tensors().stream().anyMatch(t -> t.name().equals("output.weight")));
    assertEquals(TensorType.F16.code, embedding.tensors().get(0).type(), "its token matrix is its output");
    assertEquals(3 + 9 * 2 - 1, embedding.tensors().size());
    assertArrayEquals(Files.readAllBytes(file), Files.readAllBytes(TinyModel.chat(vocab, dir.resolve("again.gguf"))),
        "the same bytes every time");
  }
}
