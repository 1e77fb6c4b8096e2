package dev.llmgateway.routing;

import dev.llmgateway.api.ApiError;
import dev.llmgateway.api.Endpoint;
import dev.llmgateway.model.Backend;
import io.vertx.core.Future;
import io.vertx.core.MultiMap;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientResponse;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.RequestOptions;
import io.vertx.core.json.DecodeException;
import io.vertx.core.json.JsonObject;
import java.nio.charset.StandardCharsets;
import java.util.Locale;

/**
 * Ollama's {@code /api/chat} and {@code /api/generate} for a llama.cpp or cloud entry: asked of the
 * backend's {@code /v1/chat/completions} and answered in Ollama's shape ({@link OllamaApiTranslation}),
 * streamed as NDJSON ({@link OllamaApiStream}) unless the client said {@code "stream": false}. An
 * empty chat or prompt (Ollama's "load the model") is answered once the model is ready, without
 * asking it anything.
 */
final class OllamaApiChat implements BackendAdapter {

  private final HttpClient client;
  private final BackendKeys keys;

  OllamaApiChat(HttpClient client, BackendKeys keys) {
    this.client = client;
    this.keys = keys;
  }

  @Override
  public UpstreamCall call(Attempt attempt) {
    UpstreamCall call = new UpstreamCall();
    Backend backend = attempt.backend();
    boolean generate = attempt.endpoint() == Endpoint.OLLAMA_GENERATE;
    JsonObject in;
    try {
      in = attempt.json();
    } catch (AttemptFailure unreadable) {
      call.fail(unreadable);
      return call;
    }
    String model = in.getString("model");
    if (OllamaApiTranslation.isLoad(in, generate)) {
      call.complete(UpstreamAnswer.json(200, OllamaApiTranslation.loaded(in, generate).toBuffer()));
      return call;
    }
    boolean stream = OllamaApiRequests.streams(attempt.endpoint(), in);
    Buffer body = OllamaApiTranslation.request(in, generate, backend.upstreamModel(),
        backend.kind() == Backend.Kind.LLAMA_CPP, stream).toBuffer();
    OllamaApiTranslation.Clock clock = new OllamaApiTranslation.Clock();
    client.request(options(attempt))
        .compose(req -> {
          if (!call.attach(req)) {
            return Future.failedFuture(AttemptFailure.CANCELLED);
          }
          // The answer is read inside the request's callback (see README: the Vert.x 5.0 pitfall).
          return req.send(body).compose(resp -> {
            if (resp.statusCode() / 100 != 2) {
              return resp.body().compose(b -> Future.failedFuture(refused(resp.statusCode(), b, backend)));
            }
            if (stream && isEventStream(resp)) {
              return Future.succeededFuture(UpstreamAnswer.translated(req, 200,
                  contentType("application/x-ndjson"), new OllamaApiStream(resp, model, generate, clock)));
            }
            // Not streamed (asked so, or a backend that answered whole anyway): one object.
            return resp.body().map(b -> {
              Buffer out = OllamaApiTranslation.response(b.toJsonObject(), model, generate, clock).toBuffer();
              return stream ? UpstreamAnswer.whole(200, "application/x-ndjson", out.appendString("\n"))
                  : UpstreamAnswer.json(200, out);
            });
          });
        })
        .onComplete(ar -> {
          if (ar.succeeded()) {
            call.complete(ar.result());
          } else if (ar.cause() instanceof DecodeException || ar.cause() instanceof ClassCastException) {
            call.fail(AttemptFailure.answer(ApiError.badGateway("backend_error", "model " + backend.id()
                + " at " + backend.authority() + " sent an answer that is not a chat completion")));
          } else {
            call.fail(AttemptFailure.of(ar.cause(), attempt));
          }
        });
    return call;
  }

  private RequestOptions options(Attempt attempt) {
    return attempt.post(Endpoint.CHAT.path(), keys.authorization(attempt.backend()));
  }

  private static boolean isEventStream(HttpClientResponse resp) {
    String type = resp.getHeader(HttpHeaders.CONTENT_TYPE);
    return type != null && type.toLowerCase(Locale.ROOT).startsWith("text/event-stream");
  }

  private static MultiMap contentType(String type) {
    return HttpHeaders.headers().set(HttpHeaders.CONTENT_TYPE, type);
  }

  /**
   * The backend refused: its message with its status (a 5xx may still go to a fallback, a 4xx is the
   * client's to fix), in whatever envelope the client reads.
   */
  static AttemptFailure refused(int status, Buffer body, Backend backend) {
    String message = "model " + backend.id() + " answered " + status + ": " + errorText(body);
    if (status >= 500) {
      return new AttemptFailure(AttemptFailure.Kind.SERVER_ERROR,
          new ApiError(status == 503 ? 503 : 502, "api_error", "backend_error", null, message));
    }
    return AttemptFailure.answer(new ApiError(status, "invalid_request_error", null, null, message));
  }

  static String errorText(Buffer body) {
    String text = body.toString(StandardCharsets.UTF_8).trim();
    try {
      Object error = new JsonObject(text).getValue("error");
      if (error instanceof JsonObject o && o.getValue("message") != null) {
        return String.valueOf(o.getValue("message"));
      }
      if (error != null) {
        return String.valueOf(error);
      }
    } catch (DecodeException e) {
      // not JSON: the text itself
    }
    return text.isEmpty() ? "no details" : text.length() > 300 ? text.substring(0, 300) + "..." : text;
  }
}
