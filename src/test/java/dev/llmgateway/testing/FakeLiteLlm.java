package dev.llmgateway.testing;

import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;

/**
 * A LiteLLM proxy with a master key: every {@code /v1} call needs {@code Authorization: Bearer
 * <key>}, answered 401 in LiteLLM's shape otherwise (no key: any caller); the answer names the
 * provider model it got.
 */
public final class FakeLiteLlm extends FakeBackend {

  private final String masterKey;

  public FakeLiteLlm(Vertx vertx, String masterKey) {
    super(vertx);
    this.masterKey = masterKey;
  }

  @Override
  protected void routes(Router router) {
    router.get("/health/liveliness").handler(ctx -> ctx.response().end("\"I'm alive!\""));
    router.route("/v1/*").handler(ctx -> {
      if (masterKey == null || ("Bearer " + masterKey).equals(ctx.request().getHeader("Authorization"))) {
        ctx.next();
      } else {
        json(ctx, 401, new JsonObject().put("error", new JsonObject()
            .put("message", "Authentication Error, Invalid proxy server token passed.")
            .put("type", "auth_error").put("param", "None").put("code", "401")));
      }
    });
    router.post("/v1/chat/completions").handler(this::chat);
    router.post("/v1/embeddings").handler(ctx -> {
      Object input = ctx.body().asJsonObject().getValue("input");
      int count = input instanceof JsonArray a ? a.size() : 1;
      JsonArray data = new JsonArray();
      for (int i = 0; i < count; i++) {
        data.add(new JsonObject().put("object", "embedding").put("index", i)
            .put("embedding", new JsonArray().add(0.25).add(i)));
      }
      json(ctx, 200, new JsonObject().put("object", "list").put("model", ctx.body().asJsonObject().getString("model"))
          .put("data", data).put("usage", new JsonObject().put("prompt_tokens", 2 * count).put("total_tokens", 2 * count)));
    });
    // LiteLLM serves both and translates them for providers that speak neither.
    router.post("/v1/messages").handler(ctx -> FakeAnthropicApi.messages(this, ctx, java.util.List.of("cloud", " says hi")));
    router.post("/v1/messages/count_tokens").handler(FakeAnthropicApi::countTokens);
    router.post("/v1/responses").handler(ctx -> FakeResponsesApi.responses(this, ctx, java.util.List.of("cloud", " says hi")));
  }

  private void chat(RoutingContext ctx) {
    if (!begin(ctx)) {
      return;
    }
    String model = ctx.body().asJsonObject().getString("model");
    if (ctx.body().asJsonObject().getBoolean("stream", false)) {
      long created = System.currentTimeMillis() / 1000;
      streamEvents(ctx, java.util.List.of(
          chunk("chatcmpl-litellm", created, model, null, new JsonObject().put("role", "assistant")
              .put("content", "cloud"), null),
          chunk("chatcmpl-litellm", created, model, null, new JsonObject().put("content", " says hi"), null),
          chunk("chatcmpl-litellm", created, model, null, new JsonObject(), "stop")));
      return;
    }
    json(ctx, 200, new JsonObject().put("id", "chatcmpl-litellm").put("object", "chat.completion")
        .put("model", model).put("choices", new JsonArray().add(new JsonObject().put("index", 0)
            .put("message", new JsonObject().put("role", "assistant").put("content", "cloud says hi"))
            .put("finish_reason", "stop"))));
  }
}
