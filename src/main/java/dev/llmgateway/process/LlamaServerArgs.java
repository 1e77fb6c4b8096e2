package dev.llmgateway.process;

import dev.llmgateway.config.LlamaCppSettings;
import dev.llmgateway.config.LocalModel;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * The {@code llama-server} command line for one entry, as an argument list (never a shell string),
 * in the flag spellings of current llama.cpp builds. The embedding model gets {@code --embedding}
 * and the {@code llama_cpp.embedding} block — on its own, as existing files mean it ("fully separate
 * from the main model") — or the main block when there is none.
 */
public final class LlamaServerArgs {

  private LlamaServerArgs() {
  }

  public static List<String> build(String executable, LocalModel model, LlamaCppSettings root,
      boolean embedding, Path modelPath) {
    LlamaCppSettings s = embedding && root.embedding() != null ? root.embedding() : root;
    List<String> args = new ArrayList<>();
    args.add(executable);
    add(args, "--model", modelPath.resolve(model.path()).toString());
    add(args, "--host", model.host());
    add(args, "--port", Integer.toString(model.port()));
    // The id, so /v1/models and every answer name the model the way the gateway does.
    add(args, "--alias", model.id());
    add(args, "--ctx-size", s.ctxSize());
    add(args, "--predict", s.predict());
    add(args, "--temp", s.temp());
    add(args, "--threads", s.threads());
    add(args, "--n-gpu-layers", s.nGpuLayers());
    add(args, "--repeat-penalty", s.repeatPenalty());
    add(args, "--flash-attn", s.flashAttn());
    add(args, "--cache-type-k", s.cacheTypeK());
    add(args, "--cache-type-v", s.cacheTypeV());
    add(args, "--batch-size", s.batchSize());
    add(args, "--ubatch-size", s.ubatchSize());
    add(args, "--parallel", s.parallel());
    if (s.contBatching() != null) {
      args.add(s.contBatching() ? "--cont-batching" : "--no-cont-batching");
    }
    if (Boolean.FALSE.equals(s.useMmap())) {
      add(args, "--load-mode", "none"); // current builds refuse --no-mmap ("invalid argument")
    }
    if (model.mmproj() != null) {
      add(args, "--mmproj", modelPath.resolve(model.mmproj()).toString());
    }
    for (String lora : model.lora()) {
      add(args, "--lora", modelPath.resolve(lora).toString());
    }
    if (model.reranker()) {
      args.add("--reranking"); // implies embeddings with rank pooling; serves /v1/rerank only
    } else if (embedding) {
      args.add("--embedding");
      add(args, "--pooling", s.pooling());
    } else if (Boolean.FALSE.equals(s.jinja())) {
      args.add("--no-jinja"); // jinja is on by default in current builds: "false" must say so
    } else if (Boolean.TRUE.equals(s.jinja()) || Boolean.TRUE.equals(s.functionCalling())) {
      args.add("--jinja");
    }
    return args;
  }

  private static void add(List<String> args, String flag, Object value) {
    if (value != null) {
      args.add(flag);
      args.add(value.toString());
    }
  }
}
