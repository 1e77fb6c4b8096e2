package dev.llmgateway.config;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

/** Binds {@code gateway.memory} and the scheduling keys of each local entry (memory, device, pin, priority). */
final class MemoryBinder {

  /** Device names as the gateway derives them: {@code gpu<index>} from the GPU tool, {@code cpu}. */
  static final Pattern DEVICE = Pattern.compile("cpu|gpu\\d+");

  private final ValueReader in;

  MemoryBinder(ValueReader in) {
    this.in = in;
  }

  MemorySettings settings(Map<String, Object> gateway, Map<String, Object> root) {
    Map<String, Object> b = in.map(gateway, "memory", "gateway");
    boolean keepCache = keepCacheDefault(root);
    if (b == null) {
      return keepCache ? withKeepCache(MemorySettings.DEFAULTS) : MemorySettings.DEFAULTS;
    }
    String at = "gateway.memory";
    boolean auto = true;
    List<DeviceBudget> budgets = new ArrayList<>();
    Object budget = b.get("budget");
    if (budget instanceof Map<?, ?> perDevice) {
      auto = false;
      perDevice.forEach((k, v) -> {
        String name = String.valueOf(k);
        String key = at + ".budget." + name;
        Long bytes = size(v, key);
        if (!DEVICE.matcher(name).matches()) {
          in.error(key, "is not a device name: use gpu0, gpu1, ... (the GPU index nvidia-smi or "
              + "rocm-smi shows) or cpu");
        } else if (bytes != null) {
          budgets.add(new DeviceBudget(name, bytes));
        }
      });
    } else if (budget != null && !"auto".equals(String.valueOf(budget).trim())) {
      auto = false;
      Long bytes = size(budget, at + ".budget");
      if (bytes != null) {
        budgets.add(new DeviceBudget(DeviceBudget.ANY, bytes));
      }
    }
    Long reserve = b.containsKey("reserve") ? size(b.get("reserve"), at + ".reserve") : null;
    Integer maxLoaded = in.integer(b, "max_loaded", at, 0, 10_000);
    Long swapTimeout = in.longValue(b, "swap_timeout_seconds", at, 1, 86_400);
    return new MemorySettings(auto, budgets,
        reserve == null ? MemorySettings.DEFAULT_RESERVE_BYTES : reserve,
        maxLoaded == null ? 0 : maxLoaded,
        swapTimeout == null ? MemorySettings.DEFAULT_SWAP_TIMEOUT_MS : swapTimeout * 1000,
        keepCache);
  }

  private boolean keepCacheDefault(Map<String, Object> root) {
    Object block = root.get("llama_cpp");
    if (!(block instanceof Map<?, ?>)) {
      return false;
    }
    @SuppressWarnings("unchecked")
    Boolean keep = in.bool((Map<String, Object>) block, "keep_cache_on_swap", "llama_cpp");
    return Boolean.TRUE.equals(keep);
  }

  private static MemorySettings withKeepCache(MemorySettings s) {
    return new MemorySettings(s.auto(), s.budgets(), s.reserveBytes(), s.maxLoaded(), s.swapTimeoutMs(), true);
  }

  /** The scheduling keys of one entry ({@code where} names it in messages). */
  ModelScheduling entry(Map<String, Object> e, String where, MemorySettings memory) {
    if (!e.containsKey("memory") && !e.containsKey("device") && !e.containsKey("pin")
        && !e.containsKey("priority") && !e.containsKey("keep_cache_on_swap")) {
      return ModelScheduling.DEFAULTS;
    }
    Long bytes = e.containsKey("memory") ? size(e.get("memory"), where + ".memory") : null;
    String device = in.string(e, "device", where);
    if (device != null && !DEVICE.matcher(device).matches()) {
      in.error(where + ".device", "\"" + device + "\" is not a device name: use gpu0, gpu1, ... or cpu");
      device = null;
    } else if (device != null && memory.namedDevices() && memory.budgetOf(device) == null) {
      in.error(where + ".device", "device \"" + device + "\" does not exist: gateway.memory.budget names "
          + memory.budgets().stream().map(DeviceBudget::name).toList());
      device = null;
    }
    Boolean pin = in.bool(e, "pin", where);
    Object p = e.get("priority");
    Integer priority = null;
    if (p instanceof Number n && n.longValue() < 0) {
      in.error(where + ".priority", "must be 0 or more (got " + n + "); higher = evicted later");
    } else {
      priority = in.integer(e, "priority", where, 0, 1_000_000);
    }
    return new ModelScheduling(bytes, device, Boolean.TRUE.equals(pin), priority == null ? 0 : priority,
        in.bool(e, "keep_cache_on_swap", where));
  }

  private Long size(Object value, String key) {
    Long bytes = ByteSize.parse(value);
    if (bytes == null) {
      in.error(key, "must be a size such as \"6.5GiB\", \"512MiB\" or \"24GB\" (got "
          + ValueReader.describe(value) + ")");
    }
    return bytes;
  }
}
