package dev.llmgateway.process;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.llmgateway.testing.Async;
import dev.llmgateway.testing.GatewayHarness;
import dev.llmgateway.testing.TestHttp;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.handler.BodyHandler;
import io.vertx.junit5.VertxExtension;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/** A llama-server in router mode as a backend, against a fake that answers its API as BACKENDS.md says. */
@ExtendWith(VertxExtension.class)
class LlamaRouterTest {

  @TempDir
  Path dir;

  private final Map<String, String> states = new ConcurrentHashMap<>(Map.of("qwen", "unloaded", "gemma", "unloaded"));
  private final List<String> seen = new CopyOnWriteArrayList<>();
  private TestHttp http;

  @BeforeEach
  void start(Vertx vertx) throws Exception {
    Router router = Router.router(vertx);
    router.route().handler(BodyHandler.create());
    router.get("/models").handler(ctx -> {
      JsonArray data = new JsonArray();
      states.forEach((id, state) -> data.add(new JsonObject().put("id", id).put("object", "model")
          .put("status", new JsonObject().put("value", state))));
      ctx.json(new JsonObject().put("object", "list").put("data", data));
    });
    router.post("/models/:action").handler(ctx -> {
      String model = ctx.body().asJsonObject().getString("model");
      seen.add(ctx.pathParam("action") + " " + model);
      states.put(model, ctx.pathParam("action").equals("load") ? "loaded" : "unloaded");
      ctx.json(new JsonObject().put("success", true));
    });
    router.post("/v1/chat/completions").handler(ctx -> {
      String model = ctx.body().asJsonObject().getString("model");
      seen.add("chat " + model);
      if (!states.containsKey(model)) {
        ctx.response().setStatusCode(400);
        ctx.json(new JsonObject().put("error", new JsonObject().put("code", 400)
            .put("message", "model '" + model + "' not found").put("type", "invalid_request_error")));
        return;
      }
      states.put(model, "loaded");
      ctx.json(new JsonObject().put("object", "chat.completion").put("model", model).put("choices",
          new JsonArray().add(new JsonObject().put("index", 0).put("finish_reason", "stop")
              .put("message", new JsonObject().put("role", "assistant").put("content", "hi")))));
    });
    HttpServer server = Async.await(vertx.createHttpServer().requestHandler(router).listen(0, "127.0.0.1"));
    GatewayHarness gw = GatewayHarness.start(vertx, dir, """
        gateway:
          memory:
            budget: {cpu: 9GiB}
        local_models:
          - {id: r, type: llama_router, port: %d, memory: 3GiB, device: cpu}
        """.formatted(server.actualPort()), Map.of());
    http = new TestHttp(vertx, gw.port());
  }

  private String status(String id) throws Exception {
    JsonArray data = http.get("/v1/models").json().getJsonArray("data");
    for (int i = 0; i < data.size(); i++) {
      if (id.equals(data.getJsonObject(i).getString("id"))) {
        JsonObject status = data.getJsonObject(i).getJsonObject("status");
        return status == null ? "none" : status.getString("value");
      }
    }
    return null;
  }

  @Test
  void listsTheRoutersModelsAndRoutesRequestsByName() throws Exception {
    Async.until("the router's models are listed", () -> Async.quietly(() -> "unloaded".equals(status("r/qwen"))));
    assertEquals("unloaded", status("r/gemma"));

    TestHttp.Answer answer = http.postJson("/v1/chat/completions", TestHttp.chat("r/qwen", false));
    assertEquals(200, answer.status(), answer.body());
    assertTrue(seen.contains("chat qwen"), seen.toString());

    TestHttp.Answer unknown = http.postJson("/v1/chat/completions", TestHttp.chat("r/nope", false));
    assertEquals(400, unknown.status(), "the router's own answer: " + unknown.body());
  }

  @Test
  void loadsAndUnloadsThroughTheRoutersApiAndCountsAsOneConsumer() throws Exception {
    TestHttp.Answer loaded = http.postJson("/admin/models/r%2Fgemma/load", "");
    assertEquals(200, loaded.status(), loaded.body());
    assertEquals(List.of("load gemma"), seen);
    Async.until(() -> Async.quietly(() -> "loaded".equals(status("r/gemma"))));
    assertEquals(200, http.postJson("/admin/models/r%2Fgemma/unload", "").status());
    assertEquals(List.of("load gemma", "unload gemma"), seen);

    JsonObject cpu = http.get("/admin/memory").json().getJsonArray("devices").getJsonObject(0);
    assertEquals(3L << 30, cpu.getLong("used_bytes"), cpu.encode());
    assertEquals("r", cpu.getJsonArray("models").getJsonObject(0).getString("id"));
  }
}
