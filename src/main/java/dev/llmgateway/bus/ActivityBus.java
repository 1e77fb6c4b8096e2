package dev.llmgateway.bus;

/**
 * Event-bus addresses of the activity view. Requests never send a message: each router instance
 * keeps its own recent requests and counters, and hands them over only when asked. To ask, publish
 * {@code {"reply_to": <address>}} on {@link #REPORT}; every router instance of this node sends its
 * report there ({@code {"instances", "recent": [...], "models": {ref: {...}}}}), so the asker knows
 * how many to wait for.
 */
public final class ActivityBus {

  public static final String REPORT = "llm.activity.report";
  /** Prefix of the one-off addresses reports are sent to. */
  public static final String REPLY_PREFIX = "llm.activity.reply.";

  private ActivityBus() {
  }
}
