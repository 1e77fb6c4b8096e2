package dev.llmgateway.routing;

import dev.llmgateway.api.ApiError;
import dev.llmgateway.api.Endpoint;
import dev.llmgateway.model.Backend;
import io.vertx.core.Future;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.RequestOptions;
import io.vertx.core.json.DecodeException;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

/**
 * Ollama's {@code /api/embed} ({@code input}: text or texts → {@code embeddings}) and its legacy
 * {@code /api/embeddings} ({@code prompt} → {@code embedding}) for a llama.cpp or cloud entry: asked
 * of the backend's {@code /v1/embeddings} and answered in Ollama's shape. Empty input is answered
 * without asking, as Ollama does.
 */
final class OllamaApiEmbed implements BackendAdapter {

  private final HttpClient client;
  private final BackendKeys keys;

  OllamaApiEmbed(HttpClient client, BackendKeys keys) {
    this.client = client;
    this.keys = keys;
  }

  @Override
  public UpstreamCall call(Attempt attempt) {
    UpstreamCall call = new UpstreamCall();
    Backend backend = attempt.backend();
    boolean legacy = attempt.endpoint() == Endpoint.OLLAMA_EMBEDDINGS;
    JsonObject in;
    try {
      in = attempt.json();
    } catch (AttemptFailure unreadable) {
      call.fail(unreadable);
      return call;
    }
    String model = in.getString("model");
    Object input = legacy ? in.getValue("prompt") : in.getValue("input");
    if (input == null || "".equals(input) || input instanceof JsonArray a && a.isEmpty()) {
      call.complete(UpstreamAnswer.json(200, (legacy ? new JsonObject().put("embedding", new JsonArray())
          : new JsonObject().put("model", model).put("embeddings", new JsonArray())).toBuffer()));
      return call;
    }
    JsonObject request = new JsonObject().put("model", backend.upstreamModel()).put("input", input)
        .put("encoding_format", "float");
    if (in.getValue("dimensions") instanceof Number n && n.intValue() > 0) {
      request.put("dimensions", n.intValue());
    }
    OllamaApiTranslation.Clock clock = new OllamaApiTranslation.Clock();
    RequestOptions options = attempt.post(Endpoint.EMBEDDINGS.path(), keys.authorization(backend));
    client.request(options)
        .compose(req -> {
          if (!call.attach(req)) {
            return Future.failedFuture(AttemptFailure.CANCELLED);
          }
          return req.send(request.toBuffer()).compose(resp -> resp.body().compose(b -> {
            if (resp.statusCode() / 100 != 2) {
              return Future.failedFuture(OllamaApiChat.refused(resp.statusCode(), b, backend));
            }
            JsonObject answer = answer(b.toJsonObject(), model, legacy, clock);
            return Future.succeededFuture(UpstreamAnswer.json(200, answer.toBuffer()));
          }));
        })
        .onComplete(ar -> {
          if (ar.succeeded()) {
            call.complete(ar.result());
          } else if (ar.cause() instanceof DecodeException || ar.cause() instanceof ClassCastException) {
            call.fail(AttemptFailure.answer(ApiError.badGateway("backend_error", "model " + backend.id()
                + " at " + backend.authority() + " sent an answer that is not a list of embeddings")));
          } else {
            call.fail(AttemptFailure.of(ar.cause(), attempt));
          }
        });
    return call;
  }

  /** OpenAI's {@code data[].embedding} (in {@code index} order) as Ollama's answer. */
  static JsonObject answer(JsonObject openAi, String model, boolean legacy, OllamaApiTranslation.Clock clock) {
    JsonArray data = openAi.getJsonArray("data", new JsonArray());
    JsonArray[] vectors = new JsonArray[data.size()];
    for (int i = 0; i < data.size(); i++) {
      JsonObject item = data.getJsonObject(i);
      int index = item.getValue("index") instanceof Number n && n.intValue() >= 0 && n.intValue() < vectors.length
          ? n.intValue() : i;
      vectors[index] = item.getJsonArray("embedding", new JsonArray());
    }
    JsonArray embeddings = new JsonArray();
    for (JsonArray v : vectors) {
      embeddings.add(v == null ? new JsonArray() : v);
    }
    if (legacy) {
      return new JsonObject().put("embedding", embeddings.isEmpty() ? new JsonArray() : embeddings.getJsonArray(0));
    }
    JsonObject out = new JsonObject().put("model", model).put("embeddings", embeddings)
        .put("total_duration", System.nanoTime() - clock.start);
    JsonObject usage = openAi.getJsonObject("usage");
    if (usage != null && usage.getValue("prompt_tokens") instanceof Number n) {
      out.put("prompt_eval_count", n.longValue());
    }
    return out;
  }
}
