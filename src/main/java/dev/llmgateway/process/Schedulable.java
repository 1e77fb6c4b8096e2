package dev.llmgateway.process;

import io.vertx.core.Future;

/** What the memory scheduler drives: a model's server ({@link Supervisor} implements it). */
interface Schedulable {

  String id();

  ProcessState state();

  /** Completes when the server can take requests; starts it if needed. */
  Future<Void> ensure();

  Future<Void> stop(String reason);

  /** Counts one request in flight. */
  void acquire();

  void release();

  int inFlight();

  /** How many requests its server takes at once, as it says ({@code /props} total_slots); 0 until known. */
  default int serverSlots() {
    return 0;
  }

  long startupTimeoutMs();

  /** Whether the model holds memory in this state (a child still exiting does; a crashed one waiting to restart too). */
  static boolean holdsMemory(ProcessState state) {
    return switch (state) {
      case STARTING, RUNNING, STOPPING, BACKOFF, EXTERNAL -> true;
      default -> false;
    };
  }
}
