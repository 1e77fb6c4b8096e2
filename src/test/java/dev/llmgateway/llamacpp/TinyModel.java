package dev.llmgateway.llamacpp;

import dev.llmgateway.llamacpp.Gguf.TensorType;
import dev.llmgateway.llamacpp.Gguf.Value;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Map;
import java.util.SplittableRandom;

/**
 * A tiny llama-architecture model that a real {@code llama-server} loads in a fraction of a second
 * (see BACKENDS.md): 2 layers, n_embd 64, 4 heads, n_ff 128, context 256, the SPM vocabulary of
 * llama.cpp's {@code ggml-vocab-llama-spm.gguf} and a ChatML template; 7 MB (the embedding variant 5). Weights are seeded
 * random, so a file is the same at every run.
 *
 * <p>Random weights alone let the model sample byte tokens ({@code <0x80>} ...), and a reply that is
 * invalid UTF-8 makes llama-server answer 500. So the first dimension of the residual stream is a
 * constant (1 in every token's embedding, and no layer writes to it), which after the final norm is
 * a positive number of a few units; the output matrix has -10 in that dimension for the 259
 * byte and control tokens (EOS included) and 0 for the others, which puts their logits some 20-80
 * below every ordinary token's. Replies are therefore valid UTF-8 and always end on {@code length}.
 *
 * <p>Matrices that llama-server multiplies are F16 or F32, never Q8_0: on a CPU that reports AMX
 * but runs in a VM that does not enable it (our Firecracker CI machines), a {@code -march=native}
 * build takes its AMX kernel for Q8_0 products of more than one row (embeddings, several slots
 * decoding at once) and dies of SIGILL. The token matrix of the chat model is only looked up
 * ({@code get_rows}), so it stays Q8_0; the embedding model's doubles as its output, so it is F16.
 */
public final class TinyModel {

  public static final int N_EMBD = 64;
  public static final int N_LAYER = 2;
  public static final int N_HEAD = 4;
  public static final int N_FF = 128;
  public static final int N_CTX = 256;
  /** {@code <unk>}, {@code <s>}, {@code </s>} and the 256 byte tokens of the SPM vocabulary. */
  public static final int BLOCKED_TOKENS = 259;

  /** ChatML, as Qwen and many others use it. */
  public static final String CHATML = "{% for message in messages %}{{'<|im_start|>' + message['role'] + '\\n'"
      + " + message['content'] + '<|im_end|>' + '\\n'}}{% endfor %}"
      + "{% if add_generation_prompt %}{{ '<|im_start|>assistant\\n' }}{% endif %}";

  private TinyModel() {
  }

  /** The chat model: a separate output matrix that keeps byte and control tokens out of replies. */
  public static Path chat(Path vocab, Path file) throws IOException {
    write(vocab, file, "llm-gateway tiny chat", 12, true);
    return file;
  }

  /** The embedding variant: other weights, no output matrix (the token matrix is tied to it). */
  public static Path embedding(Path vocab, Path file) throws IOException {
    write(vocab, file, "llm-gateway tiny embedding", 34, false);
    return file;
  }

  private static void write(Path vocabFile, Path file, String name, long seed, boolean output) throws IOException {
    Gguf.Header vocab = Gguf.read(vocabFile);
    Gguf.Array tokens = vocab.get("tokenizer.ggml.tokens").asArray();
    int nVocab = tokens.items().size();
    if (!"<0xFF>".equals(tokens.items().get(BLOCKED_TOKENS - 1))) {
      throw new IOException(vocabFile + " is not the SPM vocabulary expected (token " + (BLOCKED_TOKENS - 1)
          + " should be <0xFF>)");
    }
    Gguf.Writer w = new Gguf.Writer()
        .put("general.architecture", Value.string("llama"))
        .put("general.name", Value.string(name))
        .put("general.alignment", Value.u32(Gguf.DEFAULT_ALIGNMENT))
        .put("general.file_type", Value.u32(output ? 7 : 1)) // mostly Q8_0, mostly F16
        .put("llama.vocab_size", Value.u32(nVocab))
        .put("llama.context_length", Value.u32(N_CTX))
        .put("llama.embedding_length", Value.u32(N_EMBD))
        .put("llama.block_count", Value.u32(N_LAYER))
        .put("llama.feed_forward_length", Value.u32(N_FF))
        .put("llama.attention.head_count", Value.u32(N_HEAD))
        .put("llama.attention.head_count_kv", Value.u32(N_HEAD))
        .put("llama.rope.dimension_count", Value.u32(N_EMBD / N_HEAD))
        .put("llama.attention.layer_norm_rms_epsilon", Value.f32(1e-5f));
    for (Map.Entry<String, Value> kv : vocab.metadata().entrySet()) {
      if (kv.getKey().startsWith("tokenizer.ggml.")) {
        w.put(kv.getKey(), kv.getValue());
      }
    }
    w.put("tokenizer.chat_template", Value.string(CHATML));

    SplittableRandom random = new SplittableRandom(seed);
    float[] embd = uniform(random, N_EMBD * nVocab, 0.1f);
    for (int t = 0; t < nVocab; t++) {
      embd[t * N_EMBD] = 1f; // the constant dimension
    }
    w.tensor("token_embd.weight", output ? TensorType.Q8_0 : TensorType.F16, embd, N_EMBD, nVocab);
    w.tensor("output_norm.weight", TensorType.F32, ones(N_EMBD), N_EMBD);
    if (output) {
      float[] out = uniform(random, N_EMBD * nVocab, 0.5f);
      for (int t = 0; t < nVocab; t++) {
        out[t * N_EMBD] = t < BLOCKED_TOKENS ? -10f : 0f;
      }
      w.tensor("output.weight", TensorType.F16, out, N_EMBD, nVocab);
    }
    for (int i = 0; i < N_LAYER; i++) {
      String blk = "blk." + i + ".";
      w.tensor(blk + "attn_norm.weight", TensorType.F32, ones(N_EMBD), N_EMBD);
      w.tensor(blk + "attn_q.weight", TensorType.F32, uniform(random, N_EMBD * N_EMBD, 0.3f), N_EMBD, N_EMBD);
      w.tensor(blk + "attn_k.weight", TensorType.F32, uniform(random, N_EMBD * N_EMBD, 0.3f), N_EMBD, N_EMBD);
      w.tensor(blk + "attn_v.weight", TensorType.F32, uniform(random, N_EMBD * N_EMBD, 0.3f), N_EMBD, N_EMBD);
      w.tensor(blk + "attn_output.weight", TensorType.F32, firstRowZero(uniform(random, N_EMBD * N_EMBD, 0.03f), N_EMBD),
          N_EMBD, N_EMBD);
      w.tensor(blk + "ffn_norm.weight", TensorType.F32, ones(N_EMBD), N_EMBD);
      w.tensor(blk + "ffn_gate.weight", TensorType.F32, uniform(random, N_EMBD * N_FF, 0.3f), N_EMBD, N_FF);
      w.tensor(blk + "ffn_up.weight", TensorType.F32, uniform(random, N_EMBD * N_FF, 0.3f), N_EMBD, N_FF);
      w.tensor(blk + "ffn_down.weight", TensorType.F32, firstRowZero(uniform(random, N_FF * N_EMBD, 0.03f), N_FF),
          N_FF, N_EMBD);
    }
    w.write(file);
  }

  private static float[] uniform(SplittableRandom random, int n, float scale) {
    float[] v = new float[n];
    for (int i = 0; i < n; i++) {
      v[i] = (float) ((random.nextDouble() * 2 - 1) * scale);
    }
    return v;
  }

  private static float[] ones(int n) {
    float[] v = new float[n];
    java.util.Arrays.fill(v, 1f);
    return v;
  }

  /**
   * Zeroes output feature 0 of a matrix stored as ggml does (rows of {@code nIn} contiguous inputs,
   * one row per output): the layer adds nothing to the constant dimension.
   */
  private static float[] firstRowZero(float[] m, int nIn) {
    java.util.Arrays.fill(m, 0, nIn, 0f);
    return m;
  }
}
