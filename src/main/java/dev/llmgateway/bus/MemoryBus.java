package dev.llmgateway.bus;

/**
 * Event-bus addresses of the memory scheduler (in the process verticle), JSON bodies:
 * <ul>
 *   <li>{@link #SNAPSHOT} (request, no body) → the {@code GET /admin/memory} answer:
 *       {@code {"devices":[{"name","budget_bytes","used_bytes","models":[{"id","bytes","state","last_used"}]}]}}</li>
 *   <li>{@link #LOAD} / {@link #UNLOAD} (request, {@code {"id"}}) → {@code {"id","state"}} once the model is
 *       loaded / stopped; failures carry an ApiError ({@link BusErrors})</li>
 *   <li>{@link #STATES} (published on change) → {@code {"models":[{"id","state","bytes","device","n_ctx"}]}},
 *       what {@code /v1/models} shows, plus {@code "external": true} for a server the gateway found
 *       running and did not start and {@code "slots"} once the server said how many requests it
 *       takes at once; {@link #STATES_NOW} answers the same on request</li>
 * </ul>
 * {@code state} is {@code loaded}, {@code loading}, {@code unloaded} or {@code failed}; {@code last_used}
 * is an ISO-8601 instant or null.
 */
public final class MemoryBus {

  public static final String SNAPSHOT = "llm.memory.snapshot";
  public static final String LOAD = "llm.memory.load";
  public static final String UNLOAD = "llm.memory.unload";
  public static final String STATES = "llm.memory.states";
  public static final String STATES_NOW = "llm.memory.states.now";

  private MemoryBus() {
  }
}
