package dev.llmgateway.process;

import dev.llmgateway.config.CloudModel;
import dev.llmgateway.config.GatewayConfig;
import dev.llmgateway.config.LocalModel;
import dev.llmgateway.config.Roles;
import dev.llmgateway.config.SupervisionSettings;
import java.net.InetAddress;
import java.net.NetworkInterface;
import java.net.SocketException;
import java.net.UnknownHostException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * Derives the children a config asks for: one {@code llama-server} per llama.cpp entry and, when
 * {@code gateway.litellm.command} is set, one LiteLLM proxy per distinct cloud {@code host:port}.
 * Blocking (resolves host names): call it on a worker.
 */
public final class ChildSpecs {

  /** Environment variables a child may inherit; everything else (keys, tokens) stays out. */
  private static final Set<String> ENV_NAMES = Set.of("PATH", "HOME", "USER", "LOGNAME", "LANG",
      "LC_ALL", "LC_CTYPE", "TZ", "TMPDIR", "LD_LIBRARY_PATH", "DYLD_LIBRARY_PATH", "SYSTEMROOT");
  private static final List<String> ENV_PREFIXES = List.of("CUDA_", "HIP_", "HSA_", "ROCR_", "GGML_",
      "LLAMA_ARG_", "VK_", "OMP_", "ONEAPI_", "SYCL_", "MKL_", "OPENBLAS_", "METAL_");

  private ChildSpecs() {
  }

  public static Map<String, ChildSpec> build(GatewayConfig config, Map<String, String> parentEnv) {
    Map<String, ChildSpec> specs = new LinkedHashMap<>();
    SupervisionSettings sup = config.gateway().supervision();
    Map<String, String> env = childEnv(parentEnv);
    Path modelPath = Path.of(config.modelPath());
    List<String> boot = bootRefs(config);
    for (LocalModel m : config.localModels()) {
      if (!m.llamaCpp() || !m.endpoints().isEmpty()) {
        continue; // Ollama and llama_router entries start nothing; a pool's servers run on their own hosts
      }
      boolean embedding = config.embeddingModel(m);
      List<String> required = requiredFiles(m, modelPath);
      specs.put(m.id(), new ChildSpec(m.id(), m.ref(), ChildSpec.Kind.LLAMA_SERVER,
          withSlotSavePath(LlamaServerArgs.build(config.gateway().llamaServerCommand(), m, config.llamaCpp(),
              embedding, modelPath), m, config, parentEnv),
          env, Map.of(), required, m.host(), m.port(), isLocal(m.host()), boot.contains(m.ref()),
          m.startupTimeoutSeconds() == null ? sup.startupTimeoutMs() : m.startupTimeoutSeconds() * 1000L,
          m.ttlSeconds() == null ? sup.ttlMs() : m.ttlSeconds() * 1000L));
    }
    if (sup.litellmCommand() != null) {
      liteLlm(config, parentEnv, env, specs);
    }
    return specs;
  }

  /**
   * With {@code keep_cache_on_swap}, llama-server gets a folder to save its slots in before it is
   * swapped out ({@code --slot-save-path}), created here (this runs on a worker).
   */
  private static List<String> withSlotSavePath(List<String> args, LocalModel m, GatewayConfig config,
      Map<String, String> parentEnv) {
    Boolean own = m.scheduling().keepCacheOnSwap();
    if (!(own != null ? own : config.gateway().memory().keepCacheOnSwap())) {
      return args;
    }
    Path dir = slotDir(config, parentEnv, m.id());
    try {
      java.nio.file.Files.createDirectories(dir);
    } catch (java.io.IOException e) {
      return args; // started without: its cache is simply not kept
    }
    List<String> out = new ArrayList<>(args);
    out.add("--slot-save-path");
    out.add(dir.toString());
    return out;
  }

  /** Where a model's saved slots live. */
  static Path slotDir(GatewayConfig config, Map<String, String> env, String id) {
    return StateDir.of(config, env).resolve(StateDir.key(config) + "-slots").resolve(id.replaceAll("[^A-Za-z0-9._-]", "_"));
  }

  /** The files a llama.cpp entry needs: its GGUF, projector and adapters. */
  public static List<String> requiredFiles(LocalModel m, Path modelPath) {
    List<String> required = new ArrayList<>();
    required.add(modelPath.resolve(m.path()).toString());
    if (m.mmproj() != null) {
      required.add(modelPath.resolve(m.mmproj()).toString());
    }
    m.lora().forEach(l -> required.add(modelPath.resolve(l).toString()));
    return required;
  }

  /** Models with a role ({@link Roles}) start with the gateway. */
  static List<String> bootRefs(GatewayConfig config) {
    return Roles.of(config).assignments().stream().map(Roles.Assignment::ref).distinct().toList();
  }

  private static void liteLlm(GatewayConfig config, Map<String, String> parentEnv, Map<String, String> base,
      Map<String, ChildSpec> specs) {
    Map<String, List<CloudModel>> byAddress = new LinkedHashMap<>();
    for (CloudModel m : config.cloudModels()) {
      if (!m.endpoints().isEmpty()) {
        continue; // a pool's proxies run on their own hosts
      }
      byAddress.computeIfAbsent(m.host() + ":" + m.port(), k -> new ArrayList<>()).add(m);
    }
    Path dir = StateDir.of(config, parentEnv);
    SupervisionSettings sup = config.gateway().supervision();
    List<String> boot = bootRefs(config);
    for (List<CloudModel> models : byAddress.values()) {
      CloudModel first = models.get(0);
      String id = "litellm-" + first.port();
      Map<String, String> env = new HashMap<>(base);
      StringBuilder yaml = new StringBuilder("# Written by llm-gateway for the LiteLLM proxy on "
          + first.host() + ":" + first.port() + "; regenerated at every start.\nmodel_list:\n");
      int n = 0;
      for (CloudModel m : models) {
        yaml.append("  - model_name: ").append(quote(m.path())).append('\n')
            .append("    litellm_params:\n")
            .append("      model: ").append(quote(m.path())).append('\n');
        String keyVar = null;
        if (m.apiKeyName() != null && parentEnv.get(m.apiKeyName()) != null) {
          keyVar = m.apiKeyName();
          env.put(keyVar, parentEnv.get(keyVar));
        } else if (m.apiKey() != null) {
          keyVar = "LLM_GATEWAY_API_KEY_" + n++; // the key travels in the child's env, not on disk
          env.put(keyVar, m.apiKey());
        }
        if (keyVar != null) {
          yaml.append("      api_key: ").append(quote("os.environ/" + keyVar)).append('\n');
        }
      }
      String file = dir.resolve(StateDir.key(config) + "-" + id + ".yaml").toString();
      List<String> command = List.of(sup.litellmCommand(), "--config", file, "--host", first.host(),
          "--port", Integer.toString(first.port()));
      boolean bootStart = models.stream().anyMatch(m -> boot.contains(m.ref()));
      specs.put(id, new ChildSpec(id, null, ChildSpec.Kind.LITELLM, command, env,
          Map.of(file, yaml.toString()), List.of(), first.host(), first.port(), isLocal(first.host()),
          bootStart, sup.startupTimeoutMs(), 0));
    }
  }

  private static String quote(String s) {
    return "\"" + s.replace("\\", "\\\\").replace("\"", "\\\"") + "\"";
  }

  static Map<String, String> childEnv(Map<String, String> parent) {
    Map<String, String> env = new HashMap<>();
    parent.forEach((k, v) -> {
      String upper = k.toUpperCase(Locale.ROOT);
      if (ENV_NAMES.contains(upper) || ENV_PREFIXES.stream().anyMatch(upper::startsWith)) {
        env.put(k, v);
      }
    });
    return env;
  }

  /** Whether the gateway can start a server bound to this host (an address of this machine). */
  static boolean isLocal(String host) {
    try {
      InetAddress address = InetAddress.getByName(host);
      return address.isLoopbackAddress() || address.isAnyLocalAddress()
          || NetworkInterface.getByInetAddress(address) != null;
    } catch (UnknownHostException | SocketException e) {
      return false;
    }
  }
}
