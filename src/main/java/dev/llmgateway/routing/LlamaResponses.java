package dev.llmgateway.routing;

import io.vertx.core.Future;
import java.util.Locale;

/**
 * {@code POST /v1/responses} for a llama.cpp server: passed through like any other backend, but a
 * streamed answer goes through {@link ResponsesEvents}, which adds the fields llama-server's events
 * leave out.
 */
final class LlamaResponses implements BackendAdapter {

  private final PassThrough passThrough;

  LlamaResponses(PassThrough passThrough) {
    this.passThrough = passThrough;
  }

  @Override
  public UpstreamCall call(Attempt attempt) {
    UpstreamCall call = new UpstreamCall();
    String model = attempt.backend().upstreamModel();
    call.settle(passThrough.send(call, attempt, attempt.endpoint().path(), attempt.body().withModel(model))
        .compose(head -> {
          String type = head.headers().get("content-type");
          boolean events = head.status() < 300 && type != null
              && type.toLowerCase(Locale.ROOT).startsWith("text/event-stream");
          return Future.succeededFuture(events
              ? head.translatedStream(new TranslatedEvents(head.stream(), new ResponsesEvents(model), head::discard))
              : head);
        }), attempt);
    return call;
  }
}
