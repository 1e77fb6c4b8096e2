package dev.llmgateway.bus;

/**
 * Event-bus addresses of the process verticle (JSON bodies). It publishes {@link #STATUS} on every
 * state change and each output line on {@code llm.process.log.<id>}; it answers {@link #LIST},
 * {@link #ACQUIRE} (replies {@code {"id","state","slots"}} when the model can take the request — slots:
 * how many its server takes at once, 0 when unknown — counting it in flight until {@link #RELEASE}; {@code "refused": true} says the port just refused a connection),
 * {@link #COMMAND} and {@link #LOGS}.
 */
public final class ProcessBus {

  public static final String STATUS = "llm.process.status";
  public static final String LIST = "llm.process.list";
  public static final String ACQUIRE = "llm.process.acquire";
  public static final String RELEASE = "llm.process.release";
  public static final String COMMAND = "llm.process.command";
  public static final String LOGS = "llm.process.logs";
  public static final String LOG_PREFIX = "llm.process.log.";

  /** Failure code of replies that mean "this model cannot answer now" (HTTP 503). */
  public static final int UNAVAILABLE = 503;
  public static final int NOT_FOUND = 404;

  private ProcessBus() {
  }
}
