package dev.llmgateway.process;

import java.util.ArrayDeque;
import java.util.Deque;
import java.util.function.LongSupplier;

/**
 * Decides what follows a crash: restart after an exponential backoff, or give up once the child has
 * crashed {@code maxRestarts} times within the window. A child that cannot start (a broken model
 * file, a bad flag) would otherwise be respawned forever, each time loading gigabytes; counting only
 * crashes within the window lets a server that crashes once a day restart every time. Pure: the
 * clock is passed in, so the policy is tested without waiting.
 */
final class RestartPolicy {

  /** Past this many doublings the backoff stays put (and the shift cannot overflow). */
  private static final int MAX_DOUBLINGS = 20;

  /** What to do about one crash. {@code delayMs} means nothing when {@code giveUp}. */
  record Decision(boolean giveUp, int crashesInWindow, long delayMs) {
  }

  private final Supervisor.Limits limits;
  private final LongSupplier clock;
  private final Deque<Long> crashes = new ArrayDeque<>();

  RestartPolicy(Supervisor.Limits limits, LongSupplier clock) {
    this.limits = limits;
    this.clock = clock;
  }

  /** Records a crash now and decides. */
  Decision crashed() {
    long now = clock.getAsLong();
    crashes.addLast(now);
    while (!crashes.isEmpty() && now - crashes.peekFirst() > limits.windowMs()) {
      crashes.removeFirst();
    }
    if (crashes.size() >= limits.maxRestarts()) {
      return new Decision(true, crashes.size(), 0);
    }
    long delay = Math.min(limits.backoffMaxMs(),
        limits.backoffMs() << Math.min(MAX_DOUBLINGS, crashes.size() - 1));
    return new Decision(false, crashes.size(), delay);
  }

  /** Forgets earlier crashes: an admin start, a restart or a changed config gets a fresh set of attempts. */
  void reset() {
    crashes.clear();
  }
}
