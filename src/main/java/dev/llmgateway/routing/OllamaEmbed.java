package dev.llmgateway.routing;

import dev.llmgateway.api.ApiError;
import dev.llmgateway.model.Backend;
import io.vertx.core.Future;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.RequestOptions;
import io.vertx.core.json.DecodeException;
import io.vertx.core.json.JsonObject;
import java.nio.charset.StandardCharsets;

/**
 * {@code POST /v1/embeddings} for an Ollama entry: asked of Ollama's {@code /api/embed} and answered
 * in OpenAI's shape ({@link OllamaEmbeddings} translates both ways). A request Ollama could not serve
 * fails before anything is sent.
 */
final class OllamaEmbed implements BackendAdapter {

  private final HttpClient client;

  OllamaEmbed(HttpClient client) {
    this.client = client;
  }

  @Override
  public UpstreamCall call(Attempt attempt) {
    UpstreamCall call = new UpstreamCall();
    Backend backend = attempt.backend();
    JsonObject request;
    JsonObject ollamaBody;
    boolean base64;
    try {
      request = attempt.json();
      ollamaBody = OllamaEmbeddings.request(request, backend.upstreamModel());
      base64 = OllamaEmbeddings.base64(request);
    } catch (AttemptFailure unreadable) {
      call.fail(unreadable);
      return call;
    } catch (ApiError e) {
      call.fail(AttemptFailure.answer(e));
      return call;
    }
    RequestOptions options = attempt.post("/api/embed", null);
    client.request(options)
        .compose(req -> {
          if (!call.attach(req)) {
            return Future.failedFuture(AttemptFailure.CANCELLED);
          }
          // The answer is read inside the request's callback (see README: the Vert.x 5.0 pitfall).
          return req.send(ollamaBody.toBuffer()).compose(resp -> resp.body().map(body -> {
            if (resp.statusCode() / 100 != 2) {
              throw AttemptFailure.answer(explain(resp.statusCode(), body, backend));
            }
            return UpstreamAnswer.json(200, OllamaEmbeddings.response(body.toJsonObject(),
                backend.upstreamModel(), base64).toBuffer());
          }));
        })
        .onComplete(ar -> {
          if (ar.succeeded()) {
            call.complete(ar.result());
          } else if (ar.cause() instanceof DecodeException) {
            call.fail(AttemptFailure.answer(ApiError.badGateway("backend_error", "Ollama at "
                + backend.baseUrl() + " sent an answer that is not JSON (model " + backend.id() + ")")));
          } else {
            call.fail(AttemptFailure.of(ar.cause(), attempt));
          }
        });
    return call;
  }

  /** Ollama's errors are {@code {"error": "..."}} with a meaningful status. */
  private static ApiError explain(int status, Buffer body, Backend backend) {
    String name = backend.upstreamModel();
    if (status == 404) {
      return ApiError.modelNotFound("Ollama at " + backend.baseUrl() + " does not have " + name
          + " (model " + backend.id() + "); pull it: `llm-gateway ollama pull " + name
          + "` or POST /admin/ollama/pulls");
    }
    String message = errorText(body);
    if (status == 400) {
      return ApiError.badRequest("Ollama at " + backend.baseUrl() + " refused the request: " + message, null);
    }
    return ApiError.badGateway("ollama_error", "Ollama at " + backend.baseUrl() + " answered " + status
        + ": " + message);
  }

  private static String errorText(Buffer body) {
    String text = body.toString(StandardCharsets.UTF_8).trim();
    try {
      Object error = new JsonObject(text).getValue("error");
      if (error != null) {
        return String.valueOf(error instanceof JsonObject o && o.getString("message") != null
            ? o.getString("message") : error);
      }
    } catch (DecodeException e) {
      // not JSON: show the text itself
    }
    return text.isEmpty() ? "no details" : text.length() > 200 ? text.substring(0, 200) + "..." : text;
  }
}
