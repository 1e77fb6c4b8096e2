package dev.llmgateway.routing;

import dev.llmgateway.ollama.OllamaCall;
import dev.llmgateway.ollama.OllamaException;
import dev.llmgateway.ollama.OllamaClient;
import dev.llmgateway.config.GatewaySettings;
import dev.llmgateway.api.ApiError;
import dev.llmgateway.model.Backend;
import dev.llmgateway.api.ErrorResponses;
import dev.llmgateway.routing.RequestBody;
import io.vertx.core.http.HttpClient;
import io.vertx.core.json.DecodeException;
import io.vertx.core.json.JsonObject;
import io.vertx.core.Handler;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.HttpServerResponse;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code POST /v1/embeddings} for an Ollama entry: sent to Ollama's {@code /api/embed}, answered in
 * OpenAI's shape. The request to Ollama is closed when the client goes away.
 */
public final class OllamaEmbeddingExchange {

  private static final Logger LOG = LoggerFactory.getLogger(OllamaEmbeddingExchange.class);

  private OllamaEmbeddingExchange() {
  }

  /**
   * @param onEnd registers what to run when the exchange ends ({@code true}: the client left)
   */
  public static void forward(HttpServerRequest client, Consumer<Handler<Boolean>> onEnd, HttpClient http,
      Backend backend, RequestBody body, GatewaySettings settings) {
    JsonObject request;
    try {
      request = body.raw().toJsonObject();
    } catch (DecodeException e) { // valid JSON, but beyond the JSON library's limits (a huge string)
      throw ApiError.badRequest("the request body cannot be read for Ollama: " + e.getMessage(), "input");
    }
    JsonObject ollamaBody = OllamaEmbeddings.request(request, backend.upstreamModel());
    boolean base64 = OllamaEmbeddings.base64(request);
    OllamaClient ollama = new OllamaClient(http, backend.baseUrl(), settings.connectTimeoutMs(),
        settings.requestTimeoutMs());
    OllamaCall<JsonObject> call = ollama.embed(ollamaBody);
    onEnd.accept(clientLeft -> {
      if (clientLeft) {
        call.cancel("the client went away");
      }
    });
    HttpServerResponse response = client.response();
    call.result().onComplete(ar -> {
      if (response.closed()) {
        return;
      }
      if (ar.succeeded()) {
        response.putHeader(HttpHeaders.CONTENT_TYPE, "application/json")
            .end(OllamaEmbeddings.response(ar.result(), backend.upstreamModel(), base64).toBuffer());
        return;
      }
      ApiError error = explain(ar.cause(), backend);
      LOG.warn("POST /v1/embeddings -> {} {}: {}", backend.ref(), error.status(), error.getMessage());
      ErrorResponses.send(response, error);
    });
  }

  private static ApiError explain(Throwable cause, Backend backend) {
    if (cause instanceof OllamaException e && e.kind() == OllamaException.Kind.NOT_FOUND) {
      String name = backend.upstreamModel();
      return ApiError.modelNotFound("Ollama at " + backend.baseUrl() + " does not have " + name
          + " (model " + backend.id() + "); pull it: `llm-gateway ollama pull " + name
          + "` or POST /admin/ollama/pulls");
    }
    return cause instanceof OllamaException e ? e.toApiError()
        : ApiError.badGateway("backend_error", "embedding with " + backend.id() + " failed: " + cause.getMessage());
  }
}
