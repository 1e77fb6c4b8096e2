package dev.llmgateway.process;

import dev.llmgateway.config.GatewayConfig;
import dev.llmgateway.config.LlamaCppSettings;
import dev.llmgateway.config.LocalModel;
import dev.llmgateway.config.MemorySettings;
import dev.llmgateway.config.ModelScheduling;
import dev.llmgateway.config.Roles;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The scheduler's view of a config: a {@link ModelPlan} per llama.cpp entry and the budget of each
 * device. Reads GGUF headers: blocking, call it on a worker.
 *
 * @param budgets bytes per device before the reserve; a device absent here has no limit
 */
public record ModelPlans(Map<String, ModelPlan> plans, Map<String, Long> budgets, long reserveBytes,
    int maxLoaded, long swapTimeoutMs) {

  public ModelPlans {
    plans = Map.copyOf(plans);
    budgets = Map.copyOf(budgets);
  }

  public static ModelPlans build(GatewayConfig config, DeviceProbe probe) {
    MemorySettings memory = config.gateway().memory();
    Path modelPath = Path.of(config.modelPath());
    var roles = Roles.of(config).assignments().stream().map(Roles.Assignment::ref).toList();
    Map<String, ModelPlan> plans = new LinkedHashMap<>();
    Map<String, Long> budgets = new TreeMap<>();
    for (LocalModel m : config.localModels()) {
      if (!m.llamaCpp()) {
        continue;
      }
      ModelScheduling s = m.scheduling();
      LlamaCppSettings settings = config.embeddingModel(m) && config.llamaCpp().embedding() != null
          ? config.llamaCpp().embedding() : config.llamaCpp();
      String device = device(s.device(), settings.nGpuLayers(), memory, probe);
      long bytes;
      long nCtx = settings.ctxSize() == null ? 0 : settings.ctxSize();
      boolean estimated = false;
      String note = null;
      if (s.memoryBytes() != null) {
        bytes = s.memoryBytes();
      } else {
        try {
          GgufHeader header = GgufHeader.read(modelPath.resolve(m.path()));
          long mmproj = m.mmproj() == null ? 0 : Files.size(modelPath.resolve(m.mmproj()));
          MemoryEstimate e = MemoryEstimate.of(header, mmproj, settings);
          bytes = e.total();
          nCtx = e.nCtx();
          estimated = true;
        } catch (IOException | RuntimeException e) {
          bytes = 0;
          note = "no memory: set and the GGUF could not be read (" + e.getMessage() + "): counted as 0";
        }
      }
      boolean keepCache = s.keepCacheOnSwap() != null ? s.keepCacheOnSwap() : memory.keepCacheOnSwap();
      plans.put(m.id(), new ModelPlan(m.id(), device, bytes, estimated, nCtx, s.priority(), s.pin(),
          roles.contains(m.ref()), keepCache, note));
      budgets.computeIfAbsent(device, d -> budget(d, memory, probe));
    }
    if (memory.auto()) {
      probe.totals().forEach((d, total) -> budgets.putIfAbsent(d, total));
    } else {
      memory.budgets().stream().filter(b -> !b.name().equals(dev.llmgateway.config.DeviceBudget.ANY))
          .forEach(b -> budgets.putIfAbsent(b.name(), b.bytes()));
    }
    budgets.values().removeIf(v -> v == null);
    return new ModelPlans(plans, budgets, memory.reserveBytes(), memory.maxLoaded(), memory.swapTimeoutMs());
  }

  /** A {@code llama_router} entry: one consumer of its device's budget ({@code memory:}, else 0). */
  public record RouterPlan(String id, String host, int port, String device, long bytes) {
  }

  public static List<RouterPlan> routers(GatewayConfig config, DeviceProbe probe) {
    MemorySettings memory = config.gateway().memory();
    return config.localModels().stream().filter(LocalModel::llamaRouter).map(m -> new RouterPlan(m.id(), m.host(),
        m.port(), device(m.scheduling().device(), config.llamaCpp().nGpuLayers(), memory, probe),
        m.scheduling().memoryBytes() == null ? 0 : m.scheduling().memoryBytes())).toList();
  }

  /** The configured budget, else (auto) the device's total; null: unknown, no limit. */
  private static Long budget(String device, MemorySettings memory, DeviceProbe probe) {
    Long configured = memory.budgetOf(device);
    return configured != null ? configured : memory.auto() ? probe.totals().get(device) : null;
  }

  /**
   * {@code device:} when set; else gpu0 when layers go to the GPU ({@code n_gpu_layers} > 0, auto or
   * all, or unset — llama-server's default is auto — on a machine with a GPU), cpu otherwise. With
   * {@code budget: auto} a GPU the probe did not find means the model runs in the machine's memory.
   */
  static String device(String explicit, String gpuLayers, MemorySettings memory, DeviceProbe probe) {
    if (explicit != null) {
      return explicit;
    }
    boolean hasGpu = memory.auto() ? probe.totals().containsKey("gpu0") : memory.budgetOf("gpu0") != null;
    if ("0".equals(gpuLayers) || !hasGpu) {
      return "cpu";
    }
    return "gpu0";
  }

  /** Usable bytes on a device (budget minus reserve), or {@code Long.MAX_VALUE} when unknown. */
  public long usable(String device) {
    Long b = budgets.get(device);
    return b == null ? Long.MAX_VALUE : Math.max(0, b - reserveBytes);
  }
}
