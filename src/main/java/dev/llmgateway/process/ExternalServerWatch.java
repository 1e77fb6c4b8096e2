package dev.llmgateway.process;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.util.function.Supplier;

/**
 * Keeps probing a server the gateway uses but did not start (state {@code external}). Someone else's
 * server may go away, and then the next request should start our own; but a busy server can be slow
 * to answer one probe, so it counts as gone only after {@link #MISSES} misses in a row. Runs on the
 * context that starts it; {@link #stop} ignores any probe still under way.
 */
final class ExternalServerWatch {

  static final long CHECK_MS = 5000;
  static final long RETRY_MS = 1000;
  static final int MISSES = 3;

  private final Vertx vertx;
  private final Supplier<Future<PortProbe.Result>> probe;
  private final long checkMs;
  private final long retryMs;
  private final Runnable gone;
  private long timerId = -1;
  private boolean stopped;

  /**
   * @param probe asks the port who is there (a failed probe counts as a miss)
   * @param checkMs the pause between probes while the server answers
   * @param retryMs the pause after a miss
   * @param gone called once, after {@link #MISSES} misses in a row; the watch is over then
   */
  ExternalServerWatch(Vertx vertx, Supplier<Future<PortProbe.Result>> probe, long checkMs, long retryMs,
      Runnable gone) {
    this.vertx = vertx;
    this.probe = probe;
    this.checkMs = checkMs;
    this.retryMs = retryMs;
    this.gone = gone;
  }

  /** The first probe is one {@code checkMs} away: the server has just answered one. */
  ExternalServerWatch start() {
    schedule(0, checkMs);
    return this;
  }

  /** Idempotent. */
  void stop() {
    stopped = true;
    if (timerId >= 0) {
      vertx.cancelTimer(timerId);
      timerId = -1;
    }
  }

  private void schedule(int misses, long delay) {
    timerId = vertx.setTimer(delay, t -> probe.get().onComplete(ar -> {
      if (stopped) {
        return;
      }
      if (ar.result() == PortProbe.Result.READY || ar.result() == PortProbe.Result.LOADING) {
        schedule(0, checkMs);
      } else if (misses + 1 < MISSES) {
        schedule(misses + 1, retryMs);
      } else {
        stopped = true;
        gone.run();
      }
    }));
  }
}
