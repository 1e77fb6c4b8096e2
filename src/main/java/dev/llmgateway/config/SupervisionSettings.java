package dev.llmgateway.config;

/**
 * How the gateway runs the processes it starts ({@code gateway:} keys in brackets): waiting for
 * readiness [startup_timeout_seconds], stopping [stop_grace_seconds], idle stop [ttl], restarts
 * after crashes [restart_backoff_seconds, max_restarts, restart_window_seconds], where child PIDs are
 * recorded [state_dir], and the LiteLLM executable to supervise proxies with [litellm.command].
 */
public record SupervisionSettings(
    long startupTimeoutMs,
    long stopGraceMs,
    long ttlMs,
    long restartBackoffMs,
    long restartBackoffMaxMs,
    int maxRestarts,
    long restartWindowMs,
    String stateDir,
    String litellmCommand) {

  public static final long DEFAULT_STARTUP_TIMEOUT_MS = 120_000;
  public static final long DEFAULT_STOP_GRACE_MS = 10_000;
  public static final long DEFAULT_RESTART_BACKOFF_MS = 1_000;
  public static final long DEFAULT_RESTART_BACKOFF_MAX_MS = 30_000;
  public static final int DEFAULT_MAX_RESTARTS = 5;
  public static final long DEFAULT_RESTART_WINDOW_MS = 300_000;
}
