package dev.llmgateway.routing;

import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientRequest;
import io.vertx.core.http.RequestOptions;

/**
 * One request to a backend in progress: its answer (head received, body not yet read) and a way to
 * cancel it that closes the request at once — a model that is still thinking writes nothing, so a
 * pipe alone would never notice that the client left. Used on the context that started it.
 */
final class UpstreamCall {

  private final Promise<UpstreamAnswer> answer = Promise.promise();
  private HttpClientRequest request;
  private boolean cancelled;

  Future<UpstreamAnswer> answer() {
    return answer.future();
  }

  boolean cancelled() {
    return cancelled;
  }

  /** Closes the request to the backend; an answer that arrives afterwards is dropped. */
  void cancel() {
    cancelled = true;
    if (request != null) {
      request.reset();
    }
    answer.tryFail(AttemptFailure.CANCELLED);
  }

  /** The HTTP request now carrying the call; reset at once when the call was cancelled meanwhile. */
  boolean attach(HttpClientRequest req) {
    if (cancelled) {
      req.reset();
      return false;
    }
    request = req;
    return true;
  }

  /**
   * Sends {@code body} as part of this call (which can then cancel it): the answer's head, its body
   * streamed on as it comes.
   */
  Future<UpstreamAnswer> send(HttpClient client, RequestOptions options, Buffer body) {
    return client.request(options)
        .compose(request -> attach(request)
            ? request.send(body).map(response -> UpstreamAnswer.streamed(request, response))
            : Future.failedFuture(AttemptFailure.CANCELLED));
  }

  void complete(UpstreamAnswer value) {
    if (!answer.tryComplete(value)) {
      value.discard();
    }
  }

  void fail(Throwable failure) {
    answer.tryFail(failure);
  }

  /** Completes with {@code outcome}; a failure is explained as a failure of {@code attempt}. */
  void settle(Future<UpstreamAnswer> outcome, Attempt attempt) {
    outcome.onComplete(ar -> {
      if (ar.succeeded()) {
        complete(ar.result());
      } else {
        fail(AttemptFailure.of(ar.cause(), attempt));
      }
    });
  }
}
