package dev.llmgateway.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.llmgateway.testing.Async;
import dev.llmgateway.testing.FakeLlamaServer;
import dev.llmgateway.testing.GatewayHarness;
import dev.llmgateway.testing.TestHttp;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.junit5.VertxExtension;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/** The running gateway follows edits of llm.yml, and refuses broken ones without losing service. */
@ExtendWith(VertxExtension.class)
class ConfigReloadTest {

  private static final String ENV_KEY = "sk-from-env-5555";

  private FakeLlamaServer a;
  private FakeLlamaServer b;
  private GatewayHarness gateway;
  private TestHttp http;

  @BeforeEach
  void start(Vertx vertx, @TempDir Path dir) throws Exception {
    a = new FakeLlamaServer(vertx, "a.gguf");
    b = new FakeLlamaServer(vertx, "b.gguf");
    Async.await(a.start());
    Async.await(b.start());
    gateway = GatewayHarness.start(vertx, dir, config("local_models/a"), Map.of("CLOUD_KEY", ENV_KEY));
    http = new TestHttp(vertx, gateway.port());
  }

  private String config(String main) {
    return """
        # two llama.cpp servers and a cloud entry with secrets
        local_models:
          - id: a
            path: a.gguf
            port: %d
          - id: b
            path: b.gguf
            port: %d
        cloud_models:
          - id: c
            path: openai/gpt-4o
            api_key_name: CLOUD_KEY
            api_key: sk-inline-7777
        main_llm_local: %s
        gateway:
          admin_token_note: none
        """.formatted(a.port(), b.port(), main);
  }

  private String mainModelAnswer() throws Exception {
    TestHttp.Answer answer = http.postJson("/v1/chat/completions", TestHttp.chat("main", false));
    assertEquals(200, answer.status(), answer.body());
    return answer.json().getString("model");
  }

  @Test
  void followsAnEditWithoutARestart() throws Exception {
    assertEquals("a", mainModelAnswer());
    gateway.rewrite(config("local_models/b"));
    Async.until(() -> "b".equals(Async.quietly(this::mainModelAnswer)));
    // Both router instances switched: every request now goes to b.
    for (int i = 0; i < 10; i++) {
      assertEquals("b", mainModelAnswer());
    }
    assertEquals(2, http.get("/admin/config").json().getLong("version"));
  }

  @Test
  void keepsTheLastGoodConfigWhenAnEditDoesNotParse() throws Exception {
    gateway.rewrite(config("local_models/b") + "  broken: [unclosed\n");
    Async.until(() -> "error".equals(Async.quietly(() -> http.get("/admin/config").json().getString("status"))));
    JsonObject status = http.get("/admin/config").json();
    JsonObject error = status.getJsonObject("last_error");
    assertTrue(error.getString("message").contains("invalid YAML"), error.encode());
    assertTrue(error.getJsonArray("problems").getJsonObject(0).getInteger("line") > 0, error.encode());
    assertEquals("a", mainModelAnswer(), "still the old main");
    assertEquals("local_models/a", status.getJsonObject("config").getString("main_llm_local"));

    gateway.rewrite(config("local_models/b"));
    Async.until(() -> "ok".equals(Async.quietly(() -> http.get("/admin/config").json().getString("status"))));
    assertEquals("b", mainModelAnswer());
  }

  @Test
  void keepsTheLastGoodConfigWhenAnEditDoesNotValidate() throws Exception {
    gateway.rewrite(config("local_models/nowhere"));
    Async.until(() -> "error".equals(Async.quietly(() -> http.get("/admin/config").json().getString("status"))));
    JsonObject problem = http.get("/admin/config").json().getJsonObject("last_error")
        .getJsonArray("problems").getJsonObject(0);
    assertEquals("main_llm_local", problem.getString("key"));
    assertEquals(14, problem.getInteger("line"));
    assertEquals("a", mainModelAnswer());

    // Reverting to exactly the last good file clears the error.
    gateway.rewrite(config("local_models/a"));
    Async.until(() -> "ok".equals(Async.quietly(() -> http.get("/admin/config").json().getString("status"))));
  }

  @Test
  void neverShowsSecretsInAdminConfig() throws Exception {
    gateway.rewrite(config("local_models/a").replace("port: %d".formatted(b.port()), "port: 99999"));
    Async.until(() -> "error".equals(Async.quietly(() -> http.get("/admin/config").json().getString("status"))));
    String body = http.get("/admin/config").body();
    assertFalse(body.contains("sk-inline-7777"), body);
    assertFalse(body.contains(ENV_KEY), body);
    assertTrue(body.contains("\"api_key\":\"***\""), body);
    assertTrue(body.contains("CLOUD_KEY"), "the variable's name is not a secret");
  }

  @Test
  void loadsALongCommentedFileThroughVertxConfig(Vertx vertx, @TempDir Path other) throws Exception {
    String yaml = Files.readString(Path.of("src/test/resources/configs/homeclaw-style.yml"));
    Vertx own = Vertx.vertx();
    try {
      GatewayHarness big = GatewayHarness.start(own, other, yaml, Map.of());
      TestHttp bigHttp = new TestHttp(own, big.port());
      JsonObject models = bigHttp.get("/v1/models").json();
      assertEquals(14, models.getJsonArray("data").size());
      assertFalse(bigHttp.get("/admin/config").body().contains("sk-inline-secret"));
    } finally {
      Async.await(own.close());
    }
  }
}
