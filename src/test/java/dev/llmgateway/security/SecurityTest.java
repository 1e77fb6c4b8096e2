package dev.llmgateway.security;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.llmgateway.cli.Main;
import dev.llmgateway.testing.Async;
import dev.llmgateway.testing.FakeLiteLlm;
import dev.llmgateway.testing.FakeLlamaServer;
import dev.llmgateway.testing.GatewayHarness;
import dev.llmgateway.testing.TestHttp;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClientRequest;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.RequestOptions;
import io.vertx.junit5.VertxExtension;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/** Access control and secrets: what a stranger can reach, and where keys must never appear. */
@ExtendWith(VertxExtension.class)
class SecurityTest {

  private static final String INLINE_KEY = "sk-inline-aaaa1111bbbb";
  private static final String ENV_KEY = "sk-env-cccc2222dddd";
  private static final String ADMIN_TOKEN = "admin-eeee3333ffff";
  private static final String CLIENT_KEY = "client-gggg4444hhhh";

  @TempDir
  Path dir;

  private String config(int llamaPort, int cloudPort, String gateway) {
    return """
        local_models:
          - {id: local, path: m.gguf, port: %d}
        cloud_models:
          - {id: inline, path: openai/gpt-4o, port: %d, api_key: %s}
          - {id: env, path: openai/gpt-4o-mini, port: %d, api_key_name: CLOUD_KEY}
        main_llm_local: local
        gateway:
        %s
        """.formatted(llamaPort, cloudPort, INLINE_KEY, cloudPort, gateway.indent(2));
  }

  @Test
  void adminNeedsTheTokenWhenOneIsSet(Vertx vertx) throws Exception {
    GatewayHarness gw = GatewayHarness.start(vertx, dir, config(1, 2, "admin_token: " + ADMIN_TOKEN), Map.of());
    TestHttp http = new TestHttp(vertx, gw.port());
    for (String path : List.of("/admin/config", "/admin/models", "/admin/processes", "/admin/ollama/pulls")) {
      TestHttp.Answer denied = http.get(path);
      assertEquals(401, denied.status(), path);
      assertEquals("invalid_admin_token", denied.error().getString("code"));
      assertEquals(401, http.getWithToken(path, "wrong").status());
      assertEquals(200, http.getWithToken(path, ADMIN_TOKEN).status(), path);
    }
    assertEquals(200, http.get("/health").status(), "health stays open");
  }

  @Test
  void servesNoAdminOnANonLoopbackAddressWithoutAToken(Vertx vertx) throws Exception {
    GatewayHarness gw = GatewayHarness.start(vertx, dir, config(1, 2, "host: 0.0.0.0"), Map.of());
    TestHttp http = new TestHttp(vertx, gw.port());
    TestHttp.Answer refused = http.get("/admin/config");
    assertEquals(403, refused.status());
    assertTrue(refused.error().getString("message").contains("gateway.admin_token"), refused.body());
  }

  @Test
  void checksClientKeysOnTheApiWhenConfigured(Vertx vertx) throws Exception {
    FakeLlamaServer llama = new FakeLlamaServer(vertx, "m.gguf");
    Async.await(llama.start());
    GatewayHarness gw = GatewayHarness.start(vertx, dir, config(llama.port(), 2, "api_keys: [" + CLIENT_KEY + "]"),
        Map.of());
    TestHttp http = new TestHttp(vertx, gw.port());
    TestHttp.Answer denied = http.get("/v1/models");
    assertEquals(401, denied.status());
    assertEquals("invalid_api_key", denied.error().getString("code"));
    assertEquals(401, http.getWithToken("/v1/models", "nope").status());
    assertEquals(200, http.getWithToken("/v1/models", CLIENT_KEY).status());
    HttpClientRequest req = Async.await(http.raw().request(HttpMethod.POST, "/v1/chat/completions"));
    int status = Async.await(req.putHeader("Content-Type", "application/json").putHeader("x-api-key", CLIENT_KEY)
        .send(TestHttp.chat("local", false)).map(r -> r.statusCode()));
    assertEquals(200, status);
    assertNull(llama.lastRequest().headers().get("x-api-key"), "the client's key is not passed on");
    assertEquals(200, http.get("/health").status());
  }

  @Test
  void allowsCrossOriginCallsOnlyFromConfiguredOrigins(Vertx vertx) throws Exception {
    GatewayHarness closed = GatewayHarness.start(vertx, dir, config(1, 2, "request_log: true"), Map.of());
    assertNull(preflight(vertx, closed.port(), "http://evil.example"), "off by default");

    Path other = dir.resolve("cors");
    java.nio.file.Files.createDirectories(other);
    Vertx own = Vertx.vertx();
    try {
      GatewayHarness open = GatewayHarness.start(own, other,
          config(1, 2, "cors_origins: [\"http://localhost:3000\"]"), Map.of());
      assertEquals("http://localhost:3000", preflight(vertx, open.port(), "http://localhost:3000"));
      assertNull(preflight(vertx, open.port(), "http://evil.example"));
      // With CORS on, API calls go through the router (not the fast path) and carry the headers.
      String allowed = Async.await(vertx.createHttpClient().request(new RequestOptions().setMethod(HttpMethod.POST)
              .setHost("127.0.0.1").setPort(open.port()).setURI("/v1/chat/completions")
              .putHeader("Origin", "http://localhost:3000").putHeader("Content-Type", "application/json"))
          .compose(r -> r.send(TestHttp.chat("nope", false))).map(r -> r.getHeader("Access-Control-Allow-Origin")));
      assertEquals("http://localhost:3000", allowed);
    } finally {
      Async.await(own.close());
    }
  }

  private static String preflight(Vertx vertx, int port, String origin) throws Exception {
    return Async.await(vertx.createHttpClient().request(new RequestOptions().setMethod(HttpMethod.OPTIONS)
            .setHost("127.0.0.1").setPort(port).setURI("/v1/chat/completions")
            .putHeader("Origin", origin).putHeader("Access-Control-Request-Method", "POST"))
        .compose(r -> r.send()).map(r -> r.getHeader("Access-Control-Allow-Origin")));
  }

  @Test
  void keysNeverAppearInLogsAnswersOrMetrics(Vertx vertx) throws Exception {
    FakeLlamaServer llama = new FakeLlamaServer(vertx, "m.gguf");
    FakeLiteLlm cloud = new FakeLiteLlm(vertx, ENV_KEY);
    Async.await(llama.start());
    Async.await(cloud.start());
    PrintStream originalErr = System.err;
    PrintStream originalOut = System.out;
    ByteArrayOutputStream captured = new ByteArrayOutputStream();
    PrintStream tee = new PrintStream(captured, true);
    StringBuilder answers = new StringBuilder();
    System.setErr(tee);
    System.setOut(tee);
    try {
      GatewayHarness gw = GatewayHarness.start(vertx, dir, config(llama.port(), cloud.port(),
          "admin_token: " + ADMIN_TOKEN + "\napi_keys: [" + CLIENT_KEY + "]"), Map.of("CLOUD_KEY", ENV_KEY));
      TestHttp http = new TestHttp(vertx, gw.port());
      for (String model : List.of("local", "inline", "env", "nope")) {
        answers.append(http.getWithToken("/v1/models/" + model, CLIENT_KEY).body());
        HttpClientRequest req = Async.await(http.raw().request(HttpMethod.POST, "/v1/chat/completions"));
        Buffer answer;
        try {
          answer = Async.await("the answer for model " + model, TestHttp.onLoop(vertx, () -> req
              .putHeader("Content-Type", "application/json").putHeader("Authorization", "Bearer " + CLIENT_KEY)
              .send(TestHttp.chat(model, false)).compose(r -> r.body())));
        } catch (AssertionError notInTime) {
          // Say which model hung, and what the gateway thought of it (a CI run once timed out here).
          throw new AssertionError(notInTime.getMessage() + "; processes: "
              + http.getWithToken("/admin/processes", ADMIN_TOKEN).body(), notInTime);
        }
        answers.append(answer);
      }
      answers.append(http.get("/v1/models").body()); // 401: names no key
      // A broken edit that mentions the keys must not echo them either.
      gw.rewrite(config(llama.port(), cloud.port(), "admin_token: " + ADMIN_TOKEN + "\napi_keys: [" + CLIENT_KEY
          + "]\nmax_body_bytes: " + INLINE_KEY));
      Async.until(() -> "error".equals(Async.quietly(() ->
          http.getWithToken("/admin/config", ADMIN_TOKEN).json().getString("status"))));
      for (String path : List.of("/admin/config", "/admin/models", "/admin/processes", "/metrics")) {
        answers.append(http.getWithToken(path, ADMIN_TOKEN).body());
      }
      StringWriter cli = new StringWriter();
      PrintWriter w = new PrintWriter(cli, true);
      Main.run(w, w, "models", "-c", gw.configFile().toString());
      Main.run(w, w, "config", "check", "-c", gw.configFile().toString());
      answers.append(cli);
    } catch (Exception | AssertionError e) {
      originalErr.print(captured); // the gateway's own log says why
      throw e;
    } finally {
      System.setErr(originalErr);
      System.setOut(originalOut);
    }
    String everything = captured + "\n" + answers;
    int lines = everything.split("\n").length;
    System.out.println("RELIABILITY secrets-grep outputs_checked_lines=" + lines + " secrets=4 leaks="
        + List.of(INLINE_KEY, ENV_KEY, ADMIN_TOKEN, CLIENT_KEY).stream().filter(everything::contains).count());
    for (String secret : List.of(INLINE_KEY, ENV_KEY, ADMIN_TOKEN, CLIENT_KEY)) {
      assertFalse(everything.contains(secret), "leaked " + secret.substring(0, 6) + "...");
    }
    assertTrue(everything.contains("***"), "secrets show as ***");
  }
}
