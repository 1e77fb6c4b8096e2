package dev.llmgateway.testing;

import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import java.util.ArrayList;
import java.util.List;

/**
 * Behaves like llama.cpp's {@code llama-server} on the wire (see BACKENDS.md): {@code /health} 503
 * while loading, then 200; chat streams whose first chunk carries the role and {@code content: null}
 * and whose last has the finish reason and an empty delta; llama-style error bodies.
 */
public final class FakeLlamaServer extends FakeBackend {

  /** What a real build puts in system_fingerprint: b<build>-<commit>. */
  private static final String FINGERPRINT = "b10470-34af94c";

  private final String modelFile;
  private volatile boolean loading;
  private volatile boolean embeddings;
  private volatile List<String> words = List.of("Hello", " from", " llama", ".cpp");
  private volatile boolean anthropic = true;
  private volatile boolean reranking;
  private volatile int slots = 4;

  public FakeLlamaServer(Vertx vertx, String modelFile) {
    super(vertx);
    this.modelFile = modelFile;
  }

  public FakeLlamaServer loading(boolean value) {
    loading = value;
    return this;
  }

  public FakeLlamaServer embeddings(boolean value) {
    embeddings = value;
    return this;
  }

  /**
   * Whether it serves {@code /v1/messages} and {@code count_tokens} itself (current builds do; an
   * older build answers them 404 File Not Found, as any path it does not have).
   */
  public FakeLlamaServer anthropic(boolean value) {
    anthropic = value;
    return this;
  }

  /** Started with {@code --reranking}: {@code /v1/rerank} answers, nothing else but health does. */
  public FakeLlamaServer reranking(boolean value) {
    reranking = value;
    return this;
  }

  /** Its {@code --parallel} slots, as {@code /props} reports them ({@code total_slots}; 4 when auto, as the real one). */
  public FakeLlamaServer slots(int value) {
    slots = value;
    return this;
  }

  public FakeLlamaServer words(List<String> value) {
    words = List.copyOf(value);
    return this;
  }

  @Override
  protected void routes(Router router) {
    router.route().handler(ctx -> {
      if (loading) {
        ctx.response().putHeader("Connection", "close");
        json(ctx, 503, new JsonObject().put("error", new JsonObject()
            .put("message", "Loading model").put("type", "unavailable_error").put("code", 503)));
      } else {
        ctx.next();
      }
    });
    router.get("/health").handler(ctx -> json(ctx, 200, new JsonObject().put("status", "ok")));
    router.get("/props").handler(ctx -> json(ctx, 200, new JsonObject().put("total_slots", slots)
        .put("model_path", modelFile)));
    // As the real one: an Ollama-style "models" list next to OpenAI's "data", whose entries carry a meta block.
    router.get("/v1/models").handler(ctx -> json(ctx, 200, new JsonObject()
        .put("models", new JsonArray().add(new JsonObject().put("name", modelFile).put("model", modelFile)
            .put("type", "model").put("capabilities", new JsonArray().add("completion"))))
        .put("object", "list")
        .put("data", new JsonArray().add(new JsonObject().put("id", modelFile)
            .put("aliases", new JsonArray().add(modelFile)).put("tags", new JsonArray()).put("object", "model")
            .put("created", System.currentTimeMillis() / 1000).put("owned_by", "llamacpp")
            .put("meta", new JsonObject().put("vocab_type", 1).put("n_vocab", 32000).put("n_ctx", 4096)
                .put("n_ctx_train", 4096).put("n_embd", 4096).put("n_params", 6_738_415_616L)
                .put("size", 3_825_065_984L).put("ftype", "Q4_K - Medium"))))));
    router.post("/v1/chat/completions").handler(this::chat);
    router.post("/v1/completions").handler(this::completion);
    router.post("/v1/embeddings").handler(this::embeddings);
    router.post("/v1/responses").handler(ctx -> FakeResponsesApi.responses(this, ctx, words));
    router.post("/v1/messages").handler(ctx -> {
      if (anthropic) {
        FakeAnthropicApi.messages(this, ctx, words);
      } else {
        ctx.next();
      }
    });
    router.post("/v1/messages/count_tokens").handler(ctx -> {
      if (anthropic) {
        FakeAnthropicApi.countTokens(ctx);
      } else {
        ctx.next();
      }
    });
    for (String path : List.of("/v1/rerank", "/v1/reranking")) {
      router.post(path).handler(this::rerank);
    }
    // What cpp-httplib answers for a path the server does not have.
    router.route().handler(ctx -> json(ctx, 404, llamaError(404, "File Not Found", "not_found_error")));
  }

  private void rerank(RoutingContext ctx) {
    if (!reranking) {
      json(ctx, 501, llamaError(501, "This server does not support reranking. Start it with `--reranking`",
          "not_supported_error"));
      return;
    }
    JsonObject req = ctx.body().asJsonObject();
    JsonArray documents = req.getJsonArray("documents", new JsonArray());
    JsonArray results = new JsonArray();
    for (int i = 0; i < documents.size(); i++) {
      // Longer documents score higher: enough to see the order come back.
      results.add(new JsonObject().put("index", i).put("relevance_score", documents.getString(i).length() / 10.0));
    }
    json(ctx, 200, new JsonObject().put("model", req.getString("model")).put("object", "list")
        .put("usage", new JsonObject().put("prompt_tokens", 10).put("total_tokens", 10))
        .put("results", results));
  }

  private void chat(RoutingContext ctx) {
    JsonObject req = ctx.body().asJsonObject();
    if (req == null || !req.containsKey("messages")) {
      json(ctx, 400, llamaError(400, "'messages' is required", "invalid_request_error"));
      return;
    }
    if (!begin(ctx)) {
      return;
    }
    String model = req.getString("model", "gpt-3.5-turbo");
    String id = "chatcmpl-" + System.nanoTime();
    long created = System.currentTimeMillis() / 1000;
    String tool = FakeTools.toCall(req);
    List<String> words = FakeTools.words(req, this.words);
    if (tool != null && !req.getBoolean("stream", false)) {
      json(ctx, 200, new JsonObject().put("id", id).put("object", "chat.completion").put("created", created)
          .put("model", model).put("choices", new JsonArray().add(new JsonObject().put("index", 0)
              .put("message", FakeTools.chatCall(tool)).put("finish_reason", "tool_calls")))
          .put("usage", new JsonObject().put("prompt_tokens", 5).put("completion_tokens", 8).put("total_tokens", 13)));
      return;
    }
    if (!req.getBoolean("stream", false)) {
      vertx.setTimer(5, t -> json(ctx, 200, new JsonObject()
          .put("id", id).put("object", "chat.completion").put("created", created).put("model", model)
          .put("choices", new JsonArray().add(new JsonObject().put("index", 0)
              .put("message", new JsonObject().put("role", "assistant").put("content", String.join("", words)))
              .put("finish_reason", "stop")))
          .put("usage", new JsonObject().put("prompt_tokens", 5).put("completion_tokens", words.size())
              .put("total_tokens", 5 + words.size()))
          .put("timings", new JsonObject().put("prompt_n", 5).put("predicted_n", words.size()))));
      return;
    }
    List<String> events = new ArrayList<>();
    if (tool != null) {
      events.addAll(FakeTools.chatCallChunks(id, created, model, FINGERPRINT, tool));
    } else {
      events.add(chunk(id, created, model, FINGERPRINT, new JsonObject().put("role", "assistant").putNull("content"), null));
      for (String w : words) {
        events.add(chunk(id, created, model, FINGERPRINT, new JsonObject().put("content", w), null));
      }
      events.add(chunk(id, created, model, FINGERPRINT, new JsonObject(), "stop"));
    }
    // The last chunk carries llama-server's timings.
    int last = events.size() - 1;
    events.set(last, new JsonObject(events.get(last)).put("timings", timings(tool != null ? 9 : words.size())).encode());
    JsonObject options = req.getJsonObject("stream_options");
    if (options != null && options.getBoolean("include_usage", false)) {
      events.add(new JsonObject().put("id", id).put("object", "chat.completion.chunk")
          .put("created", created).put("model", model).put("choices", new JsonArray())
          .put("usage", new JsonObject().put("prompt_tokens", 5).put("completion_tokens", words.size())
              .put("total_tokens", 5 + words.size())).encode());
    }
    streamEvents(ctx, events);
  }

  private static JsonObject timings(int predicted) {
    return new JsonObject().put("prompt_n", 5).put("prompt_ms", 12.5).put("predicted_n", predicted)
        .put("predicted_ms", 40.25);
  }

  private void completion(RoutingContext ctx) {
    JsonObject req = ctx.body().asJsonObject();
    if (!begin(ctx)) {
      return;
    }
    json(ctx, 200, new JsonObject().put("id", "cmpl-1").put("object", "text_completion")
        .put("model", req.getString("model")).put("choices", new JsonArray().add(new JsonObject()
            .put("index", 0).put("text", String.join("", words)).put("finish_reason", "stop"))));
  }

  private void embeddings(RoutingContext ctx) {
    if (!embeddings) {
      json(ctx, 501, llamaError(501, "This server does not support embeddings. Start it with "
          + "`--embeddings`", "not_supported_error"));
      return;
    }
    JsonObject req = ctx.body().asJsonObject();
    int count = req.getValue("input") instanceof JsonArray inputs ? inputs.size() : 1;
    JsonArray data = new JsonArray();
    for (int i = 0; i < count; i++) {
      data.add(new JsonObject().put("object", "embedding").put("index", i)
          .put("embedding", new JsonArray().add(0.1).add(0.2).add(0.3)));
    }
    json(ctx, 200, new JsonObject().put("object", "list").put("model", req.getString("model"))
        .put("data", data).put("usage", new JsonObject().put("prompt_tokens", 3 * count)
            .put("total_tokens", 3 * count)));
  }

  private static JsonObject llamaError(int code, String message, String type) {
    return new JsonObject().put("error", new JsonObject().put("code", code).put("message", message)
        .put("type", type));
  }
}
