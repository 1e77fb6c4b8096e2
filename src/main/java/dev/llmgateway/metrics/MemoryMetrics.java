package dev.llmgateway.metrics;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

/**
 * The memory scheduler's metrics: {@code llm_gateway_memory_budget_bytes{device}},
 * {@code llm_gateway_memory_used_bytes{device}}, {@code llm_gateway_swaps_total{model}} (a model
 * loaded after others were stopped to make room for it) and {@code llm_gateway_swap_seconds} (from
 * the decision to make room to the model being ready). Thread-safe.
 */
public final class MemoryMetrics {

  private final MeterRegistry registry;
  private final Map<String, long[]> devices = new ConcurrentHashMap<>();
  private final Timer swapTime;

  public MemoryMetrics(MeterRegistry registry) {
    this.registry = registry;
    this.swapTime = Timer.builder("llm.gateway.swap").description("Time to make room for a model and load it")
        .serviceLevelObjectives(Duration.ofMillis(100), Duration.ofMillis(250), Duration.ofMillis(500),
            Duration.ofSeconds(1), Duration.ofSeconds(2), Duration.ofSeconds(5), Duration.ofSeconds(10),
            Duration.ofSeconds(30), Duration.ofSeconds(60), Duration.ofSeconds(120))
        .register(registry);
  }

  /** The budget and the use of a device, now. */
  public void device(String name, long budgetBytes, long usedBytes) {
    long[] figures = devices.computeIfAbsent(name, d -> {
      long[] f = new long[2];
      Gauge.builder("llm.gateway.memory.budget", () -> devices.get(d)[0]).baseUnit("bytes")
          .description("Memory models may use on a device").tag("device", d).register(registry);
      Gauge.builder("llm.gateway.memory.used", () -> devices.get(d)[1]).baseUnit("bytes")
          .description("Memory held by loaded models on a device").tag("device", d).register(registry);
      return f;
    });
    figures[0] = budgetBytes;
    figures[1] = usedBytes;
  }

  public void swap(String model, long nanos) {
    Counter.builder("llm.gateway.swaps").description("Models loaded after others were stopped to make room")
        .tag("model", model).register(registry).increment();
    swapTime.record(nanos, TimeUnit.NANOSECONDS);
  }
}
