package dev.llmgateway.ollama;

import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.http.HttpClientRequest;

/**
 * A call to Ollama in progress: its result, when Ollama started answering, and a way to cancel it
 * that closes the request to Ollama. Use it from the context that started it.
 */
public final class OllamaCall<T> {

  private final String url;
  private final Promise<T> result = Promise.promise();
  private final Promise<Void> answered = Promise.promise();
  private HttpClientRequest request;
  private boolean cancelled;

  OllamaCall(String url) {
    this.url = url;
    result.future().onFailure(answered::tryFail);
  }

  /** Completes with the result, or fails with an {@link OllamaException}. */
  public Future<T> result() {
    return result.future();
  }

  /** Completes when Ollama accepted the call (HTTP 200 head received); fails like {@link #result()}. */
  public Future<Void> answered() {
    return answered.future();
  }

  /** Closes the request to Ollama; the result fails with {@link OllamaException.Kind#CANCELLED}. */
  public void cancel(String why) {
    if (result.future().isComplete()) {
      return;
    }
    cancelled = true;
    result.tryFail(new OllamaException(OllamaException.Kind.CANCELLED, url, why));
    if (request != null) {
      request.reset();
    }
  }

  void attach(HttpClientRequest req) {
    if (cancelled) {
      req.reset();
    } else {
      request = req;
    }
  }

  boolean done() {
    return result.future().isComplete();
  }

  void accepted() {
    answered.tryComplete();
  }

  void complete(T value) {
    answered.tryComplete();
    result.tryComplete(value);
  }

  /** Fails the call and closes the request (a no-op once the call is complete). */
  void fail(Throwable cause) {
    if (result.tryFail(cause) && request != null) {
      request.reset();
    }
  }
}
