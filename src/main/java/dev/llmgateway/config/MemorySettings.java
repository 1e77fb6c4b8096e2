package dev.llmgateway.config;

import java.util.List;

/**
 * {@code gateway.memory}: how much memory models may use per device and how long a request may wait
 * for room. {@code auto} asks the GPU tools (or the machine's memory) at start; otherwise
 * {@code budgets} holds one entry per named device, or a single {@link DeviceBudget#ANY} entry when
 * the budget is one size. {@code keepCacheOnSwap} is the {@code llama_cpp:} default for entries.
 */
public record MemorySettings(
    boolean auto,
    List<DeviceBudget> budgets,
    long reserveBytes,
    int maxLoaded,
    long swapTimeoutMs,
    boolean keepCacheOnSwap) {

  public static final long DEFAULT_RESERVE_BYTES = 1L << 30;
  public static final long DEFAULT_SWAP_TIMEOUT_MS = 120_000;
  public static final MemorySettings DEFAULTS =
      new MemorySettings(true, List.of(), DEFAULT_RESERVE_BYTES, 0, DEFAULT_SWAP_TIMEOUT_MS, false);

  public MemorySettings {
    budgets = List.copyOf(budgets);
  }

  /** The configured budget of a device, or null (auto, or a device the map does not name). */
  public Long budgetOf(String device) {
    for (DeviceBudget b : budgets) {
      if (b.name().equals(device) || b.name().equals(DeviceBudget.ANY)) {
        return b.bytes();
      }
    }
    return null;
  }

  /** Whether the budget is a map of named devices (then a model's device must be one of them). */
  public boolean namedDevices() {
    return !auto && budgets.stream().noneMatch(b -> b.name().equals(DeviceBudget.ANY));
  }
}
