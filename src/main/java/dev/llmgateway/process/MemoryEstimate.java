package dev.llmgateway.process;

import dev.llmgateway.config.LlamaCppSettings;
import java.util.Locale;

/**
 * What a llama-server needs in memory for one model, from its GGUF header and the flags it gets:
 * the weights (the tensor data), the multimodal projector, the KV cache (layers × KV heads × head
 * size × cells, at the cache types) and an allowance for the compute buffers: the output buffer
 * (one row of logits per slot) and the activations of one micro-batch, plus the attention scores
 * when flash attention is off. Calibrated on llama-server de3ff81 (its "model buffer", "KV buffer",
 * "output buffer" and "compute buffer" log lines): see MemoryEstimateRealTest for the margin.
 *
 * <p>Cells = {@code ctx_size} (the model's training context when 0 or unset): current llama-server
 * sizes one KV pool for all slots ({@code -c} is the total; {@code --parallel} splits it), so
 * parallel does not multiply it. Not modelled: sliding-window layers (smaller KV), recurrent
 * state, partial GPU offload.
 *
 * @param nCtx the cells the KV cache is sized for
 */
public record MemoryEstimate(long weights, long mmproj, long kvCache, long compute, long nCtx) {

  static final int DEFAULT_UBATCH = 512;
  /** llama-server's slots when --parallel is auto. */
  static final int DEFAULT_SLOTS = 4;

  public long total() {
    return weights + mmproj + kvCache + compute;
  }

  public static MemoryEstimate of(GgufHeader model, long mmprojBytes, LlamaCppSettings s) {
    long layers = orZero(model.archLong("block_count"));
    long embd = orZero(model.archLong("embedding_length"));
    long ff = orZero(model.archLong("feed_forward_length"));
    long heads = orZero(model.archLong("attention.head_count"));
    Long trained = model.archLong("context_length");
    long cells = s.ctxSize() != null && s.ctxSize() > 0 ? s.ctxSize() : trained == null ? 4096 : trained;
    long headK = orDefault(model.archLong("attention.key_length"), heads == 0 ? 0 : embd / heads);
    long headV = orDefault(model.archLong("attention.value_length"), heads == 0 ? 0 : embd / heads);
    long[] kvHeads = model.perLayer("attention.head_count_kv", (int) layers);
    if (kvHeads == null) {
      kvHeads = model.perLayer("attention.head_count", (int) layers);
    }
    double kBytes = typeBytes(s.cacheTypeK());
    double vBytes = typeBytes(s.cacheTypeV());
    double perCell = 0;
    if (kvHeads != null) {
      for (long h : kvHeads) {
        perCell += h * (headK * kBytes + headV * vBytes);
      }
    }
    long kv = Math.round(perCell * cells);
    long vocab = orZero(model.values().get("tokenizer.ggml.tokens#count") instanceof Number n ? n.longValue() : null);
    long ubatch = Math.min(cells, s.ubatchSize() == null ? DEFAULT_UBATCH : s.ubatchSize());
    long slots = s.parallel() == null ? DEFAULT_SLOTS : s.parallel();
    long output = 4 * vocab * slots;
    long activations = 4 * ubatch * (6 * embd + 2 * ff);
    // Flash attention is "auto" by default and on where the backend has it: scores only when off.
    long scores = "off".equals(s.flashAttn()) ? 4 * ubatch * heads * cells : 0;
    return new MemoryEstimate(model.tensorBytes(), mmprojBytes, kv, output + activations + scores, cells);
  }

  /** Bytes per element of a KV cache type (llama-server's --cache-type-k/v values; f16 by default). */
  static double typeBytes(String type) {
    if (type == null) {
      return 2;
    }
    return switch (type.toLowerCase(Locale.ROOT)) {
      case "f32" -> 4;
      case "f16", "bf16" -> 2;
      case "q8_0" -> 34.0 / 32;
      case "q4_0", "iq4_nl" -> 18.0 / 32;
      case "q4_1" -> 20.0 / 32;
      case "q5_0" -> 22.0 / 32;
      case "q5_1" -> 24.0 / 32;
      default -> 2;
    };
  }

  private static long orZero(Long v) {
    return v == null ? 0 : v;
  }

  private static long orDefault(Long v, long fallback) {
    return v == null ? fallback : v;
  }
}
