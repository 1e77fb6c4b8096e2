package dev.llmgateway.metrics;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;

/**
 * The gateway's own metrics, named {@code llm_gateway_*} in Prometheus: requests by model, backend
 * type, route and status; latency and time to first token; streamed chunks; queue depth and wait;
 * fallbacks; process restarts and states; Ollama pull bytes; config reloads. Labels only ever carry
 * configured names (model ids, states), never request content. Thread-safe: shared by every verticle.
 */
public final class GatewayMetrics {

  /** LLM answers take from milliseconds to minutes. */
  private static final Duration[] BUCKETS = {
      Duration.ofMillis(5), Duration.ofMillis(10), Duration.ofMillis(25), Duration.ofMillis(50),
      Duration.ofMillis(100), Duration.ofMillis(250), Duration.ofMillis(500), Duration.ofSeconds(1),
      Duration.ofMillis(2500), Duration.ofSeconds(5), Duration.ofSeconds(10), Duration.ofSeconds(30),
      Duration.ofSeconds(60), Duration.ofSeconds(120), Duration.ofSeconds(300), Duration.ofSeconds(600)};
  private static final List<String> PROCESS_STATES =
      List.of("running", "starting", "stopping", "stopped", "failed", "external");

  private final MeterRegistry registry;
  /** Meters by their labels: looking a meter up in the registry for every request costs more. */
  private final Map<RequestKey, RequestMeters> requestMeters = new ConcurrentHashMap<>();
  private final Map<String, String> processStates = new ConcurrentHashMap<>();
  private final Map<String, Boolean> queueGauges = new ConcurrentHashMap<>();
  private final Map<String, Boolean> endpointGauges = new ConcurrentHashMap<>();

  public GatewayMetrics(MeterRegistry registry) {
    this.registry = registry;
  }

  /** Metrics that go nowhere (for tools that run without a registry). */
  public static GatewayMetrics discarding() {
    return new GatewayMetrics(new SimpleMeterRegistry());
  }

  /** JVM memory, GC, threads, classes, CPU and uptime: once, off the event loop (it loads a lot). */
  public void bindJvm() {
    new io.micrometer.core.instrument.binder.jvm.JvmMemoryMetrics().bindTo(registry);
    new io.micrometer.core.instrument.binder.jvm.JvmGcMetrics().bindTo(registry);
    new io.micrometer.core.instrument.binder.jvm.JvmThreadMetrics().bindTo(registry);
    new io.micrometer.core.instrument.binder.jvm.ClassLoaderMetrics().bindTo(registry);
    new io.micrometer.core.instrument.binder.system.ProcessorMetrics().bindTo(registry);
    new io.micrometer.core.instrument.binder.system.UptimeMetrics().bindTo(registry);
  }

  public MeterRegistry registry() {
    return registry;
  }

  private record RequestKey(String model, String backend, String route, int status, boolean stream) {
  }

  private record RequestMeters(Counter requests, Timer duration, Timer firstToken, Counter chunks) {
  }

  /** One proxied request, when it is over. */
  public void request(String model, String backend, String route, int status, boolean stream,
      long durationNanos, long firstByteNanos, long chunks) {
    RequestMeters m = requestMeters.computeIfAbsent(new RequestKey(model, backend, route, status, stream),
        k -> new RequestMeters(
            Counter.builder("llm.gateway.requests").description("Requests forwarded to models")
                .tags("model", k.model(), "backend", k.backend(), "route", k.route(),
                    "status", Integer.toString(k.status()), "stream", Boolean.toString(k.stream()))
                .register(registry),
            timer("llm.gateway.request.duration", "Time from request to the end of the answer", k.model(), k.backend()),
            timer("llm.gateway.time.to.first.token", "Time from request to the first streamed chunk", k.model(), k.backend()),
            Counter.builder("llm.gateway.stream.chunks").description("Chunks of streamed answers passed on")
                .tags("model", k.model(), "backend", k.backend()).register(registry)));
    m.requests().increment();
    m.duration().record(durationNanos, java.util.concurrent.TimeUnit.NANOSECONDS);
    if (stream && firstByteNanos > 0) {
      m.firstToken().record(firstByteNanos, java.util.concurrent.TimeUnit.NANOSECONDS);
    }
    if (chunks > 0) {
      m.chunks().increment(chunks);
    }
  }

  public void queueWait(String model, long nanos) {
    timer("llm.gateway.queue.wait", "Time requests waited for a free slot", model, "any")
        .record(Duration.ofNanos(nanos));
  }

  /** Registers the queue-depth gauge of a model once. */
  public void queueDepth(String model, Supplier<Number> depth) {
    queueGauges.computeIfAbsent(model, m -> {
      Gauge.builder("llm.gateway.queue.depth", depth).description("Requests waiting for a free slot")
          .tag("model", m).register(registry);
      return true;
    });
  }

  /**
   * The gauges of one server of a pool, registered once: {@code llm_gateway_endpoint_in_flight} and
   * {@code llm_gateway_endpoint_up} (1 up, 0 marked down), labelled by model and {@code host:port}.
   */
  public void endpoint(String model, String endpoint, Supplier<Number> inFlight, Supplier<Number> up) {
    endpointGauges.computeIfAbsent(model + " " + endpoint, k -> {
      Gauge.builder("llm.gateway.endpoint.in.flight", inFlight).description("Requests in flight on a pool's server")
          .tags("model", model, "endpoint", endpoint).register(registry);
      Gauge.builder("llm.gateway.endpoint.up", up).description("1 while a pool's server takes requests, 0 while marked down")
          .tags("model", model, "endpoint", endpoint).register(registry);
      return true;
    });
  }

  /** A request sent to a pool's server; {@code outcome} is ok or why it failed (refused, timeout, ...). */
  public void endpointRequest(String model, String endpoint, String outcome) {
    Counter.builder("llm.gateway.endpoint.requests").description("Requests sent to a pool's server")
        .tags("model", model, "endpoint", endpoint, "outcome", outcome).register(registry).increment();
  }

  public void fallback(String model, String from, String to) {
    Counter.builder("llm.gateway.fallbacks").description("Requests retried on the other side in mix mode")
        .tags("model", model, "from", from, "to", to).register(registry).increment();
  }

  public void processState(String id, String state) {
    if (processStates.put(id, state) == null) {
      for (String s : PROCESS_STATES) {
        Gauge.builder("llm.gateway.process.state", () -> s.equals(processStates.get(id)) ? 1 : 0)
            .description("1 for the state a supervised process is in").tags("model", id, "state", s)
            .register(registry);
      }
    }
  }

  public void processRestart(String id) {
    Counter.builder("llm.gateway.process.restarts").description("Restarts after a crash")
        .tag("model", id).register(registry).increment();
  }

  public void pullBytes(String model, long bytes) {
    Counter.builder("llm.gateway.ollama.pull.bytes").description("Bytes Ollama reported pulled")
        .baseUnit("bytes").tag("model", model).register(registry).increment(bytes);
  }

  public void configLoad(boolean ok) {
    Counter.builder("llm.gateway.config.reloads").description("Config loads, by result")
        .tag("result", ok ? "ok" : "error").register(registry).increment();
  }

  private Timer timer(String name, String description, String model, String backend) {
    return Timer.builder(name).description(description).tags("model", model, "backend", backend)
        .serviceLevelObjectives(BUCKETS).register(registry);
  }
}
