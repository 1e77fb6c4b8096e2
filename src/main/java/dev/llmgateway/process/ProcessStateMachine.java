package dev.llmgateway.process;

import io.vertx.core.Future;
import io.vertx.core.Promise;

/**
 * Where one supervised child is, and who waits for it: the state and its message, the requests
 * waiting until the child is ready, and a generation number per attempt. Every path of the
 * supervisor (start, crash, stop, config change) goes through here, so its rules hold in one place:
 * a change is published once, waiters are released or failed when the state settles, and a callback
 * of an earlier attempt can tell it is stale. Knows nothing of processes or ports. Used on one event
 * loop only.
 */
final class ProcessStateMachine {

  private final Runnable onChange;
  private ProcessState state = ProcessState.STOPPED;
  private String message;
  private Promise<Void> ready = Promise.promise();
  private Promise<Void> nextChange = Promise.promise();
  private int generation;

  /** {@code onChange} runs after each change of state or message, the new state already in place. */
  ProcessStateMachine(Runnable onChange) {
    this.onChange = onChange;
  }

  ProcessState state() {
    return state;
  }

  /** Why the child is where it is, or null. */
  String message() {
    return message;
  }

  /**
   * Moves to {@code next}. {@code why} becomes the message; null keeps the last one (a failed child
   * that is reset to stopped still says why it failed), except that starting and running clear it.
   */
  void moveTo(ProcessState next, String why) {
    boolean changed = next != state || (why != null && !why.equals(message));
    state = next;
    if (why != null || next == ProcessState.RUNNING || next == ProcessState.STARTING) {
      message = why;
    }
    if (changed) {
      Promise<Void> waiting = nextChange;
      nextChange = Promise.promise();
      waiting.tryComplete();
      onChange.run();
    }
  }

  /** Completes at the next change of state or message. */
  Future<Void> nextChange() {
    return nextChange.future();
  }

  /** Completes when the child can take requests; fails when the attempt they wait for fails. */
  Future<Void> whenReady() {
    return ready.future();
  }

  /** Releases every request waiting for the child. */
  void ready() {
    ready.tryComplete();
  }

  /** Fails every request waiting, with {@code why}; requests from now on wait for the next attempt. */
  void failWaiters(String why) {
    if (!ready.future().isComplete()) {
      ready.fail(new IllegalStateException(why));
    }
    ready = Promise.promise();
  }

  /**
   * Requests from now on wait for the next attempt, if the last one had released its waiters (a
   * ready child crashed); requests already waiting keep waiting for the same attempt.
   */
  void waitForNextAttempt() {
    if (ready.future().isComplete()) {
      ready = Promise.promise();
    }
  }

  /** Starts a new generation: callbacks that carry an earlier one are stale from now on. */
  int newGeneration() {
    return ++generation;
  }

  int generation() {
    return generation;
  }

  boolean isCurrent(int gen) {
    return gen == generation;
  }
}
