package dev.llmgateway.web;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.llmgateway.admin.AdminAccess;
import dev.llmgateway.testing.Async;
import dev.llmgateway.testing.FakeOllama;
import dev.llmgateway.testing.GatewayHarness;
import dev.llmgateway.testing.Sse;
import dev.llmgateway.testing.TestHttp;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpClientRequest;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.junit5.VertxExtension;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/** The page's files, the models feed and the token cookie of the event streams, over plain HTTP. */
@ExtendWith(VertxExtension.class)
class WebPageTest {

  private static final String TOKEN = "web-t0ken;with spaces+/=";

  private FakeOllama ollama;
  private GatewayHarness gateway;
  private TestHttp http;
  private HttpClient oneShot;
  private Vertx vertx;

  @BeforeEach
  void start(Vertx vertx, @TempDir Path dir) throws Exception {
    // A connection per request: requests that leave a stream behind share nothing with the next one.
    this.vertx = vertx;
    oneShot = vertx.createHttpClient(new HttpClientOptions().setKeepAlive(false));
    ollama = new FakeOllama(vertx, "qwen2.5:7b", "llama3.2:1b");
    Async.await(ollama.start());
    gateway = GatewayHarness.start(vertx, dir, config("local_models/Ollama-qwen2.5-7b"), Map.of());
    http = new TestHttp(vertx, gateway.port());
  }

  private String config(String main) {
    return """
        local_models:
          - {id: Ollama-qwen2.5-7b, type: ollama, path: "qwen2.5:7b", port: %1$d}
          - {id: Ollama-llama3.2-1b, type: ollama, path: "llama3.2:1b", port: %1$d}
        main_llm_local: %2$s
        gateway:
          ollama_url: http://127.0.0.1:%1$d
          admin_token: "%3$s"
        """.formatted(ollama.port(), main, TOKEN);
  }

  private static String cookie(String token) {
    return AdminAccess.TOKEN_COOKIE + "=" + URLEncoder.encode(token, StandardCharsets.UTF_8).replace("+", "%20");
  }

  /** Status of a request carrying only the cookie (the stream, if any, is left at once). */
  private int withCookie(HttpMethod method, String path, String token) throws Exception {
    HttpClientRequest req = Async.await(oneShot.request(method, gateway.port(), "127.0.0.1", path));
    // Decided on the event loop as the head arrives: a body read later from here would miss its end.
    return Async.await(TestHttp.onLoop(vertx, () -> req.putHeader("Cookie", cookie(token)).send().compose(resp -> {
      if (resp.statusCode() == 200) { // a stream: leave it
        req.reset();
        return Future.succeededFuture(200);
      }
      return resp.body().map(body -> resp.statusCode());
    })));
  }

  @Test
  void servesThePageAndItsFilesWithoutTheAdminToken() throws Exception {
    TestHttp.Answer page = http.get("/");
    assertEquals(200, page.status());
    assertEquals("text/html; charset=utf-8", page.headers().get("Content-Type"));
    assertTrue(page.body().contains("<title>Manage models"), page.body());
    String csp = page.headers().get("Content-Security-Policy");
    assertTrue(csp.contains("default-src 'none'") && csp.contains("script-src 'self'"), csp);
    assertEquals("DENY", page.headers().get("X-Frame-Options"));
    for (String file : new String[] {"app.js", "api.js", "models.js", "ollama.js", "pulls.js", "logs.js",
        "format.js", "style.css", "icon.svg", "playground.js", "activity.js", "chart.js", "memory.js", "config.js"}) {
      TestHttp.Answer asset = http.get("/ui/" + file);
      assertEquals(200, asset.status(), file);
      assertEquals("nosniff", asset.headers().get("X-Content-Type-Options"), file);
      // The SVG namespace is a name, not an address anything is loaded from.
      String body = asset.body().replace("xmlns=\"http://www.w3.org/2000/svg\"", "")
          .replace("'http://www.w3.org/2000/svg'", "");
      assertFalse(body.contains("http://") || body.contains("https://"), file + " loads nothing from elsewhere");
    }
    assertTrue(http.get("/ui/app.js").headers().get("Content-Type").contains("javascript"));
    assertEquals(404, http.get("/ui/missing.js").status());
    for (String path : new String[] {"/", "/ui/style.css"}) {
      TestHttp.Answer head = http.send(HttpMethod.HEAD, path, null, null);
      assertEquals(200, head.status(), "HEAD " + path);
      assertEquals("", head.body());
    }
    assertEquals(401, http.get("/admin/models").status(), "the data stays behind the token");
  }

  @Test
  void takesTheTokenCookieOnlyOnTheEventStreams() throws Exception {
    assertEquals(200, withCookie(HttpMethod.GET, "/admin/models/events", TOKEN));
    assertEquals(404, withCookie(HttpMethod.GET, "/admin/ollama/pulls/nope/events", TOKEN), "let in, no such pull");
    assertEquals(404, withCookie(HttpMethod.GET, "/admin/processes/nope/logs", TOKEN), "let in, no such process");
    assertEquals(401, withCookie(HttpMethod.GET, "/admin/models/events", "wrong"));
    assertEquals(200, withCookie(HttpMethod.GET, "/admin/activity/events", TOKEN));
    assertEquals(401, withCookie(HttpMethod.GET, "/admin/activity", TOKEN), "the snapshot wants the header");
    assertEquals(401, http.get("/admin/activity/events").status(), "the activity is behind the admin rule");
    assertEquals(200, http.getWithToken("/admin/activity", TOKEN).status());
    assertEquals(401, withCookie(HttpMethod.GET, "/admin/models", TOKEN));
    assertEquals(401, withCookie(HttpMethod.GET, "/admin/config", TOKEN));
    assertEquals(401, withCookie(HttpMethod.GET, "/admin/processes/x/logs/../../../config", TOKEN));
    assertEquals(401, withCookie(HttpMethod.POST, "/admin/processes/x/stop", TOKEN));
    assertEquals(401, withCookie(HttpMethod.DELETE, "/admin/ollama/pulls/x", TOKEN));
    assertEquals(401, withCookie(HttpMethod.PUT, "/admin/main", TOKEN));
    // The header still works on the streams.
    TestHttp.Answer headerOnly = http.getWithToken("/admin/ollama/pulls/nope/events", TOKEN);
    assertEquals(404, headerOnly.status());
  }

  @Test
  void neverLogsTheTokenFromTheCookie() throws Exception {
    PrintStream originalErr = System.err;
    ByteArrayOutputStream captured = new ByteArrayOutputStream();
    try {
      System.setErr(new PrintStream(captured, true));
      withCookie(HttpMethod.GET, "/admin/models/events", TOKEN);
      withCookie(HttpMethod.GET, "/admin/models/events", TOKEN + "x");
      withCookie(HttpMethod.POST, "/admin/processes/x/stop", TOKEN);
      // Each request's log line is written as its answer ends: wait for all three.
      Async.until("the three requests' log lines", () -> {
        String log = captured.toString(StandardCharsets.UTF_8);
        return log.split("path=/admin/models/events", -1).length - 1 >= 2
            && log.contains("path=/admin/processes/x/stop");
      });
    } finally {
      System.setErr(originalErr);
    }
    String log = captured.toString(StandardCharsets.UTF_8);
    assertTrue(log.contains("path=/admin/models/events"), log);
    assertFalse(log.contains("t0ken") || log.contains("t0ken".replace("0", "%30")), log);
  }

  @Test
  void modelsFeedSendsTheListAtOnceAndAgainWhenItChanges() throws Exception {
    TestHttp.Stream feed = http.openEvents("/admin/models/events", TOKEN);
    assertEquals(200, feed.response().statusCode());
    assertEquals("text/event-stream; charset=utf-8", feed.response().getHeader("Content-Type"));
    JsonObject first = nextModels(feed).data();
    assertEquals(2, first.getJsonArray("models").size());
    assertEquals("Ollama-qwen2.5-7b", mainOf(first));
    assertEquals("external", first.getJsonArray("models").getJsonObject(0).getString("state"));

    gateway.rewrite(config("local_models/Ollama-llama3.2-1b"));
    assertEquals("Ollama-llama3.2-1b", mainOf(nextModels(feed).data()), "a new config is sent");

    Async.await(ollama.close());
    JsonObject down = nextModels(feed).data(); // the next probe of the servers the gateway does not run
    assertEquals("unreachable", down.getJsonArray("models").getJsonObject(0).getString("state"));
    feed.abort();
  }

  @Test
  void modelsFeedSaysWhichFileLineAndKeyOfABrokenLlmYmlAndWhenItIsFixed() throws Exception {
    TestHttp.Stream feed = http.openEvents("/admin/models/events", TOKEN);
    assertEquals("models", Sse.next(feed).name());
    Sse ok = Sse.next(feed);
    assertEquals("config", ok.name());
    assertEquals("ok", ok.data().getString("status"));
    assertFalse(ok.data().containsKey("config"), "the status only, not the config");

    String good = config("local_models/Ollama-qwen2.5-7b");
    gateway.rewrite(good.replace("main_llm_local:", "main_llm_mode: sideways\nmain_llm_local:"));
    Sse broken;
    do {
      broken = Sse.next(feed);
    } while (!broken.name().equals("config"));
    assertEquals("error", broken.data().getString("status"));
    assertEquals(gateway.configFile().toAbsolutePath().toString(), broken.data().getString("file"));
    JsonObject problem = broken.data().getJsonObject("last_error").getJsonArray("problems").getJsonObject(0);
    assertEquals("main_llm_mode", problem.getString("key"));
    assertEquals(4, problem.getInteger("line"));

    gateway.rewrite(good);
    Sse fixed;
    do {
      fixed = Sse.next(feed);
    } while (!fixed.name().equals("config"));
    assertEquals("ok", fixed.data().getString("status"));
    feed.abort();
  }

  private static String mainOf(JsonObject list) {
    JsonArray models = list.getJsonArray("models");
    for (int i = 0; i < models.size(); i++) {
      if (models.getJsonObject(i).getJsonArray("roles").contains("main")) {
        return models.getJsonObject(i).getString("id");
      }
    }
    return null;
  }

  /** The next models list; the feed's config events (llm.yml's status) come between and are skipped. */
  static Sse nextModels(TestHttp.Stream stream) throws InterruptedException {
    Sse e;
    do {
      e = Sse.next(stream);
    } while (e.name().equals("config"));
    assertEquals("models", e.name(), e.toString());
    return e;
  }
}
