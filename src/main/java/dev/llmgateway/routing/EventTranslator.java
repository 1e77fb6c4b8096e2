package dev.llmgateway.routing;

/**
 * Turns a backend's event stream, event by event, into the client's: what each {@code data}
 * payload, each comment line and the end of the backend's stream become (empty when nothing).
 * {@link TranslatedEvents} feeds it; one per stream, used on one thread.
 */
interface EventTranslator {

  String onData(String data);

  String onComment();

  String onEnd();

  /** Nothing more will be produced (the client's stream is complete). */
  boolean finished();

  /** Finished with an error: what the backend still sends is not wanted. */
  boolean failed();
}
