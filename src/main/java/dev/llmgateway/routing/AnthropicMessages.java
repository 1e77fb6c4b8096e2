package dev.llmgateway.routing;

import dev.llmgateway.api.ApiError;
import dev.llmgateway.api.Endpoint;
import dev.llmgateway.model.Backend;
import io.vertx.core.Future;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.DecodeException;
import io.vertx.core.json.Json;
import io.vertx.core.json.JsonObject;
import java.nio.charset.StandardCharsets;
import java.util.Locale;
import java.util.Set;

/**
 * {@code POST /v1/messages} and {@code /v1/messages/count_tokens} for any backend. A backend that
 * serves them (current llama-server, Ollama >= 0.14 for messages, LiteLLM) gets the request byte for
 * byte and its answer comes back as it is — errors re-wrapped in Anthropic's envelope. A backend that
 * answers 404/405/501 for the path is remembered ({@link NativeApis}) and asked, then and from then
 * on, {@code /v1/chat/completions} with the request translated ({@link AnthropicToChat}) and the
 * answer translated back ({@link ChatToAnthropic}, {@link AnthropicStream}); {@code count_tokens}
 * is estimated for it ({@link TokenEstimate}).
 */
final class AnthropicMessages implements BackendAdapter {

  /** What a server says for a path it does not have. */
  private static final Set<Integer> NOT_SERVED = Set.of(404, 405, 501);

  private final PassThrough passThrough;
  private final NativeApis apis;

  AnthropicMessages(PassThrough passThrough, NativeApis apis) {
    this.passThrough = passThrough;
    this.apis = apis;
  }

  @Override
  public UpstreamCall call(Attempt attempt) {
    UpstreamCall call = new UpstreamCall();
    Backend backend = attempt.backend();
    Endpoint endpoint = attempt.endpoint();
    Future<UpstreamAnswer> answer;
    if (apis.translated(backend, endpoint)) {
      answer = translated(call, attempt);
    } else {
      answer = passThrough.send(call, attempt, endpoint.path(), attempt.body().withModel(backend.upstreamModel()))
          .compose(head -> {
            if (head.status() < 400) {
              apis.remember(backend, endpoint, NativeApis.NATIVE);
              return Future.succeededFuture(head);
            }
            return head.readAll().compose(body -> {
              if (NOT_SERVED.contains(head.status()) && !aboutTheModel(body)) {
                apis.remember(backend, endpoint, NativeApis.TRANSLATED);
                return translated(call, attempt);
              }
              return Future.succeededFuture(error(head.status(), body, backend));
            });
          });
    }
    call.settle(answer, attempt);
    return call;
  }

  /**
   * A 404 that names the model (Ollama: "model 'x' not found") is about the request, not the path;
   * servers without the path say "File Not Found", "404 page not found", {"detail":"Not Found"}.
   */
  private static boolean aboutTheModel(Buffer body) {
    return body.toString(StandardCharsets.UTF_8).toLowerCase(Locale.ROOT).contains("model");
  }

  private Future<UpstreamAnswer> translated(UpstreamCall call, Attempt attempt) {
    Backend backend = attempt.backend();
    JsonObject request = attempt.body().json();
    Buffer chat;
    try {
      chat = AnthropicToChat.request(request, backend.upstreamModel()).toBuffer();
    } catch (ApiError e) { // what Chat Completions cannot say: the client's request, not the backend
      return Future.failedFuture(AttemptFailure.answer(e));
    }
    if (attempt.endpoint() == Endpoint.COUNT_TOKENS) {
      return Future.succeededFuture(UpstreamAnswer.json(200,
          new JsonObject().put("input_tokens", TokenEstimate.of(request)).toBuffer()));
    }
    boolean stream = attempt.body().stream();
    return passThrough.send(call, attempt, Endpoint.CHAT.path(), chat).compose(head -> {
      if (head.status() >= 400) {
        return head.readAll().map(body -> error(head.status(), body, backend));
      }
      String type = head.headers().get("content-type");
      if (stream && type != null && type.toLowerCase(Locale.ROOT).startsWith("text/event-stream")) {
        return Future.succeededFuture(head.translatedStream(new TranslatedEvents(head.stream(),
            new AnthropicStream(backend.upstreamModel()), head::discard)));
      }
      return head.readAll().map(body -> {
        JsonObject answer = parse(body, backend);
        if (!stream) {
          return UpstreamAnswer.json(200, ChatToAnthropic.message(answer, backend.upstreamModel()).toBuffer());
        }
        // Asked to stream, the backend answered whole: the same events, all at once.
        AnthropicStream events = new AnthropicStream(backend.upstreamModel());
        String out = events.onData(asChunk(answer).encode()) + events.onData("[DONE]");
        return UpstreamAnswer.whole(200, "text/event-stream; charset=utf-8", Buffer.buffer(out));
      });
    });
  }

  /** A whole chat completion as the one chunk of a stream that says it all. */
  private static JsonObject asChunk(JsonObject answer) {
    JsonObject chunk = answer.copy();
    if (chunk.getValue("choices") instanceof io.vertx.core.json.JsonArray choices && !choices.isEmpty()
        && choices.getValue(0) instanceof JsonObject choice && choice.getValue("message") instanceof JsonObject m) {
      choice.put("delta", m).remove("message");
    }
    return chunk;
  }

  private static JsonObject parse(Buffer body, Backend backend) {
    try {
      if (Json.decodeValue(body) instanceof JsonObject json) {
        return json;
      }
    } catch (DecodeException e) {
      // said below
    }
    throw AttemptFailure.answer(ApiError.badGateway("backend_error", "model " + backend.id() + " at "
        + backend.authority() + " sent a chat completion that is not a JSON object"));
  }

  private static UpstreamAnswer error(int status, Buffer body, Backend backend) {
    return UpstreamAnswer.json(status, ChatToAnthropic.error(status, body,
        "model " + backend.id() + " at " + backend.authority()));
  }
}
