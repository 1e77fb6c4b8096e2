package dev.llmgateway.process;

/**
 * Where a supervised child is. {@link #label()} is what admin answers show; a child waiting to be
 * restarted after a crash shows as {@code starting}, since requests for it wait for that restart.
 */
public enum ProcessState {
  STOPPED("stopped"),
  STARTING("starting"),
  BACKOFF("starting"),
  RUNNING("running"),
  STOPPING("stopping"),
  FAILED("failed"),
  /** Someone else's server already answers on the port; the gateway uses it and does not own it. */
  EXTERNAL("external");

  private final String label;

  ProcessState(String label) {
    this.label = label;
  }

  public String label() {
    return label;
  }

  /** Requests can go straight to the port. */
  public boolean serving() {
    return this == RUNNING || this == EXTERNAL;
  }
}
