package dev.llmgateway.testing;

import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArraySet;

/**
 * Behaves like Ollama's OpenAI-compatible {@code /v1} API (BACKENDS.md): the role only on the first
 * chunk, the finish reason in its own chunk, usage in its own chunk with {@code choices: []}, and
 * 404 {@code not_found_error} for a model it does not have.
 */
public final class FakeOllama extends FakeBackend {

  private final Set<String> models = new CopyOnWriteArraySet<>();

  public FakeOllama(Vertx vertx, String... models) {
    super(vertx);
    this.models.addAll(List.of(models));
  }

  public FakeOllama addModel(String name) {
    models.add(name);
    return this;
  }

  @Override
  protected void routes(Router router) {
    router.get("/").handler(ctx -> ctx.response().end("Ollama is running"));
    router.get("/api/version").handler(ctx -> json(ctx, 200, new JsonObject().put("version", "0.32.15")));
    router.get("/v1/models").handler(ctx -> {
      JsonArray data = new JsonArray();
      models.forEach(m -> data.add(new JsonObject().put("id", m).put("object", "model")
          .put("created", 1700000000).put("owned_by", "library")));
      JsonObject body = new JsonObject().put("object", "list");
      json(ctx, 200, data.isEmpty() ? body.putNull("data") : body.put("data", data));
    });
    router.post("/v1/chat/completions").handler(this::chat);
  }

  private void chat(RoutingContext ctx) {
    JsonObject req = ctx.body().asJsonObject();
    String model = req.getString("model");
    if (!models.contains(model)) {
      json(ctx, 404, new JsonObject().put("error", new JsonObject()
          .put("message", "model '" + model + "' not found").put("type", "not_found_error")
          .putNull("param").putNull("code")));
      return;
    }
    if (!begin(ctx)) {
      return;
    }
    String id = "chatcmpl-" + (System.nanoTime() % 1000);
    long created = System.currentTimeMillis() / 1000;
    List<String> words = List.of("Hi", " from", " Ollama");
    if (!req.getBoolean("stream", false)) {
      json(ctx, 200, new JsonObject().put("id", id).put("object", "chat.completion")
          .put("created", created).put("model", model).put("system_fingerprint", "fp_ollama")
          .put("choices", new JsonArray().add(new JsonObject().put("index", 0)
              .put("message", new JsonObject().put("role", "assistant").put("content", String.join("", words)))
              .put("finish_reason", "stop")))
          .put("usage", new JsonObject().put("prompt_tokens", 4).put("completion_tokens", 3)
              .put("total_tokens", 7)));
      return;
    }
    List<String> events = new ArrayList<>();
    for (int i = 0; i < words.size(); i++) {
      JsonObject delta = new JsonObject().put("content", words.get(i));
      if (i == 0) {
        delta.put("role", "assistant");
      }
      events.add(chunk(id, created, model, "fp_ollama", delta, null));
    }
    events.add(chunk(id, created, model, "fp_ollama", new JsonObject().put("role", "assistant").put("content", ""), "stop"));
    JsonObject options = req.getJsonObject("stream_options");
    if (options != null && options.getBoolean("include_usage", false)) {
      events.add(new JsonObject().put("id", id).put("object", "chat.completion.chunk")
          .put("created", created).put("model", model).put("choices", new JsonArray())
          .put("usage", new JsonObject().put("prompt_tokens", 4).put("completion_tokens", 3)
              .put("total_tokens", 7)).encode());
    }
    streamEvents(ctx, events);
  }
}
