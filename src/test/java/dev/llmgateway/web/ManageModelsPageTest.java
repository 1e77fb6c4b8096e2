package dev.llmgateway.web;

import dev.llmgateway.testing.Ports;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.llmgateway.Gateway;
import dev.llmgateway.cli.ClusteredVertx;
import dev.llmgateway.config.ClusterSettings;
import dev.llmgateway.testing.Async;
import dev.llmgateway.testing.Browser;
import dev.llmgateway.testing.FakeLlamaServerMain;
import dev.llmgateway.testing.FakeOllama;
import dev.llmgateway.testing.GatewayHarness;
import dev.llmgateway.testing.TestHttp;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.junit5.VertxExtension;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * The "Manage models" page in a real browser (Debian's headless Chromium), against a gateway with a
 * fake Ollama, a fake llama-server the gateway runs as a child process, and a cloud entry whose
 * LiteLLM proxy is not running. One browser serves every test; each test has its own gateway.
 */
@ExtendWith(VertxExtension.class)
class ManageModelsPageTest {

  private static final String EMBEDDER = "Qwen3-Embedding-0.6B";
  private static final String TOKEN = "page-t0ken+with/odd=chars";
  private static final Path SCREENSHOTS = Path.of("target", "screenshots");

  @TempDir
  static Path browserDir;
  private static Browser browser;

  @TempDir
  Path dir;
  private FakeOllama ollama;
  private GatewayHarness gateway;
  private TestHttp http;
  private final Promise<Void> release = Promise.promise();

  @BeforeAll
  static void startBrowser() throws Exception {
    if (!Browser.installed()) {
      return; // each test says why it is skipped (or fails, in CI)
    }
    browser = Browser.start(browserDir.resolve("profile"), Path.of("target", "chromedriver.log"), 1280, 900);
  }

  @AfterAll
  static void closeBrowser() {
    if (browser != null) {
      browser.close();
    }
  }

  @BeforeEach
  void startBackends(Vertx vertx) throws Exception {
    Browser.assumeInstalled();
    ollama = new FakeOllama(vertx, "qwen2.5:7b", "llama3.2:1b").pullDelayMs(30)
        .library("llama3.2:1b", 1_321_082_688L, 1_429L, 7_711L);
    Async.await(ollama.start());
  }

  @AfterEach
  void leaveSite() {
    if (browser != null && gateway != null) {
      browser.forgetSite();
      browser.open("about:blank");
    }
  }

  private void startGateway(Vertx vertx, String gatewayExtra) throws Exception {
    startGateway(vertx, gatewayExtra, "");
  }

  /** moreModels: entries added under local_models. */
  private void startGateway(Vertx vertx, String gatewayExtra, String moreModels) throws Exception {
    startGateway(vertx, gatewayExtra, moreModels, null);
  }

  private void startGateway(Vertx vertx, String gatewayExtra, String moreModels, Gateway.ClusterNode node)
      throws Exception {
    Path llamaServer = FakeLlamaServerMain.install(dir.resolve("bin"));
    Files.createDirectories(dir.resolve("models"));
    Files.writeString(dir.resolve("models/embed.gguf"), "load_ms=300\n");
    gateway = GatewayHarness.start(vertx, dir, """
        # the page's test config
        model_path: models
        gateway:
          ollama_url: http://127.0.0.1:%1$d
          stop_grace_seconds: 2
          # Chromium opens spare connections that never carry a request; the gateway's shutdown
          # waits for those until its grace runs out (30 s by default).
          shutdown_grace_seconds: 1
          llama_server:
            command: %2$s
        %3$s
        local_models:
          - id: %4$s
            alias: embedder
            path: embed.gguf
            port: %5$d
          - id: Ollama-qwen2.5-7b
            alias: qwen-7b
            type: ollama
            path: qwen2.5:7b
            port: %1$d
        %7$s
        cloud_models:
          - id: OpenAI-GPT4o
            path: openai/gpt-4o
            port: %6$d
            api_key_name: OPENAI_API_KEY

        main_llm_mode: local
        main_llm_local: local_models/Ollama-qwen2.5-7b
        main_llm_cloud: cloud_models/OpenAI-GPT4o
        embedding_llm: local_models/%4$s
        """.formatted(ollama.port(), llamaServer, gatewayExtra.indent(2).stripTrailing(), EMBEDDER,
        Ports.free(), Ports.free(), moreModels.indent(2).stripTrailing()), Map.of(), node);
    http = new TestHttp(vertx, gateway.port());
  }

  private void openPage() {
    browser.console(); // what earlier tests left there
    browser.open("http://127.0.0.1:" + gateway.port() + "/");
  }

  private String stateOf(String id) {
    return browser.text("#models tr[data-id='" + id + "'] .state");
  }

  private void awaitState(String id, String state) {
    browser.await(id + " shown as " + state, d -> state.equals(stateOf(id)));
  }

  /** Marks the page; the mark is gone if the page reloads. */
  private void markPage() {
    browser.script("window.__sameDocument = 'yes';");
  }

  private void assertNotReloaded() {
    assertEquals("yes", browser.script("return window.__sameDocument;"), "the page reloaded");
  }


  @Test
  void listsEveryModelWithItsStateRolesAndLogsAndControlsTheServersItRuns(Vertx vertx) throws Exception {
    startGateway(vertx, "");
    openPage();
    awaitState(EMBEDDER, "running");
    awaitState("Ollama-qwen2.5-7b", "external");
    awaitState("OpenAI-GPT4o", "unreachable");
    markPage();

    String embedder = browser.text("#models tr[data-id='" + EMBEDDER + "']");
    assertTrue(embedder.contains("llama.cpp") && embedder.contains("alias embedder")
        && embedder.contains("embedding"), embedder);
    String main = browser.text("#models tr[data-id='Ollama-qwen2.5-7b']");
    assertTrue(main.contains("Ollama") && main.contains("http://127.0.0.1:" + ollama.port())
        && main.contains("main"), main);
    assertTrue(browser.text("#models tr[data-id='OpenAI-GPT4o']").contains("cloud (LiteLLM)"));
    assertEquals("main model: Ollama-qwen2.5-7b", browser.text("#main-summary"));
    assertEquals("live", browser.text("#live"));

    // The logs panel tails the llama-server the gateway runs.
    browser.await("the fake llama-server's output in the logs panel",
        d -> browser.text("#logs").contains("main: loading model"));

    // Stop and start it from the page; the table follows without a reload.
    browser.click("#models tr[data-id='" + EMBEDDER + "'] button[data-action='stop']");
    awaitState(EMBEDDER, "stopped");
    browser.click("#models tr[data-id='" + EMBEDDER + "'] button[data-action='start']");
    awaitState(EMBEDDER, "running");
    assertNotReloaded();

    // The Ollama server's models, with the size and which entry uses them.
    String qwen = browser.await("Ollama's models listed",
        d -> browser.text("#ollama-models tr[data-name='qwen2.5:7b']"));
    assertTrue(qwen.contains("4.7 GB") && qwen.contains("local_models/Ollama-qwen2.5-7b"), qwen);
    assertTrue(browser.text("#ollama-url").contains("http://127.0.0.1:" + ollama.port()));

    browser.screenshot(SCREENSHOTS.resolve("manage-models.png"));
    browser.size(390, 844);
    long overflow = browser.script("return document.documentElement.scrollWidth - window.innerWidth;");
    assertTrue(overflow <= 0, "at phone width the page is " + overflow + " px too wide");
    browser.screenshot(SCREENSHOTS.resolve("manage-models-phone.png"));
    browser.size(1280, 900);
    // GET /admin/memory answers 404 until memory-aware scheduling (issue-13) is in: the page hides
    // its memory section then, and Chromium logs the 404 as an error.
    String console = browser.console().lines()
        .filter(l -> !l.contains("/admin/memory - Failed to load resource: the server responded with a status of 404"))
        .collect(java.util.stream.Collectors.joining("\n"));
    assertFalse(console.contains("SEVERE"), "errors in the browser console:\n" + console);
  }

  @Test
  void showsEachServerOfAPooledEntryAndFollowsOneThatGoesDown(Vertx vertx) throws Exception {
    int dead = Ports.free(); // nothing listens there
    startGateway(vertx, "", """
        - id: Ollama-pool
          type: ollama
          path: qwen2.5:7b
          endpoints: [{host: 127.0.0.1, port: %d}, {host: 127.0.0.1, port: %d, weight: 2}]
        """.formatted(dead, ollama.port()));
    String row = "#models tr[data-id='Ollama-pool']";
    String deadServer = row + " li[data-endpoint='127.0.0.1:" + dead + "']";
    String liveServer = row + " li[data-endpoint='127.0.0.1:" + ollama.port() + "']";
    openPage();
    // No request went to the pool yet: the gateway probes each server for the table.
    browser.await("the answering server shown up", d -> "up".equals(browser.text(liveServer + " .endpoint-state")));
    browser.await("the silent server shown unreachable",
        d -> "unreachable".equals(browser.text(deadServer + " .endpoint-state")));
    awaitState("Ollama-pool", "external");
    assertEquals(2, browser.all(row + " .endpoint").size());
    assertTrue(browser.text(row).contains("pool of 2 servers"), browser.text(row));
    assertEquals("weight 2 · 0 in flight · 0 requests", browser.text(liveServer + " .endpoint-figures"));
    assertEquals("weight 1 · 0 in flight · 0 requests", browser.text(deadServer + " .endpoint-figures"));
    // A single gateway names no node.
    assertFalse(browser.visible("#node-summary"));
    assertTrue(browser.all("#models .nodes").isEmpty());
    markPage();

    // Requests find the silent server refusing: it is marked down, and the table follows (the feed
    // probes servers the gateway does not run every 5 s).
    for (int i = 0; i < 3; i++) {
      TestHttp.Answer chat = http.postJson("/v1/chat/completions", TestHttp.chat("Ollama-pool", false));
      assertEquals(200, chat.status(), chat.body());
    }
    browser.await("the silent server shown down", d -> "down".equals(browser.text(deadServer + " .endpoint-state")));
    String why = browser.text(deadServer + " .endpoint-message");
    assertTrue(why.contains("connection refused"), why);
    assertEquals(why, browser.find(deadServer).getAttribute("title"));
    assertEquals("weight 1 · 0 in flight · 1 request", browser.text(deadServer + " .endpoint-figures"));
    browser.await("the answering server's requests counted", d ->
        "weight 2 · 0 in flight · 3 requests".equals(browser.text(liveServer + " .endpoint-figures")));
    assertEquals("up", browser.text(liveServer + " .endpoint-state"));
    assertTrue(browser.text(liveServer + " .endpoint-message").isEmpty(), "no message while up");
    assertEquals("external", stateOf("Ollama-pool"));
    assertNotReloaded();

    browser.screenshot(SCREENSHOTS.resolve("manage-models-pool.png"));
    browser.size(390, 844);
    long overflow = browser.script("return document.documentElement.scrollWidth - window.innerWidth;");
    assertTrue(overflow <= 0, "at phone width the page is " + overflow + " px too wide");
    browser.screenshot(SCREENSHOTS.resolve("manage-models-pool-phone.png"));
    browser.size(1280, 900);
  }

  /**
   * In a cluster {@code GET /admin/models} names this node ({@code node}) and, per llama.cpp entry, the
   * nodes that have it loaded ({@code nodes}). A test gateway cannot join a cluster yet, so the
   * browser adds those two fields, as documented, to the gateway's real answers (the call and the
   * feed); this node has the llama.cpp model loaded while it runs.
   */
  @Test
  void namesThisClusterNodeAndTheNodesEachLlamaCppModelIsLoadedOn() throws Exception {
    // A real cluster of one (Hazelcast on loopback): /admin/models then has "node" and "nodes".
    int clusterPort = Ports.free();
    Vertx clustered = Async.await("a one-node cluster", ClusteredVertx.start(new ClusterSettings(true,
        List.of("127.0.0.1:" + clusterPort), null, clusterPort), "llm.yml"), Duration.ofSeconds(90));
    try {
      startGateway(clustered, "", "", new Gateway.ClusterNode("gw-b", "127.0.0.1"));
      openPage();
      awaitState(EMBEDDER, "running");
      String embedder = "#models tr[data-id='" + EMBEDDER + "']";
      browser.await("the node the llama.cpp model is loaded on",
          d -> "on gw-b (this node)".equals(browser.text(embedder + " .nodes")));
      assertEquals("gw-b (this node)", browser.text(embedder + " .this-node"));
      assertTrue(browser.visible("#node-summary"));
      assertEquals("node gw-b", browser.text("#node-name"));
      assertTrue(browser.text(".top .sub").contains("node gw-b · main model: Ollama-qwen2.5-7b"),
          browser.text(".top .sub"));
      assertTrue(browser.all("#models tr[data-id='Ollama-qwen2.5-7b'] .nodes").isEmpty(),
          "an Ollama entry runs on no node of ours");
      browser.screenshot(SCREENSHOTS.resolve("manage-models-cluster.png"));

      // Through the feed: stopped here, it is loaded on no node.
      browser.click(embedder + " button[data-action='stop']");
      awaitState(EMBEDDER, "stopped");
      browser.await("the nodes redrawn", d -> browser.all(embedder + " .nodes").isEmpty()
          || browser.text(embedder + " .nodes").isEmpty());
      assertEquals("node gw-b", browser.text("#node-name"));
    } finally {
      Async.await("the cluster's node leaves", clustered.close(), Duration.ofSeconds(90));
    }
  }

  @Test
  void pullShowsABarThatReachesOneHundredPercent(Vertx vertx) throws Exception {
    ollama.holdPulls(release.future());
    startGateway(vertx, "");
    openPage();
    browser.await("the page loaded", d -> browser.visible("#pull-input"));
    markPage();

    browser.find("#pull-input").sendKeys("qwen2.5:0.5b");
    browser.find("#pull-button").click();
    String card = "#pulls li[data-model='qwen2.5:0.5b']";
    // The fake holds the pull after the first fifth of the big layer.
    browser.await("the bar at 20 %", d -> "20".equals(browser.find(card + " progress").getAttribute("value")));
    assertEquals("20.0 %", browser.text(card + " .pull-percent"));
    assertEquals("79.6 MB of 398 MB", browser.text(card + " .pull-bytes"));
    assertTrue(browser.text(card + " .pull-status").startsWith("pulling "), browser.text(card));
    browser.screenshot(SCREENSHOTS.resolve("manage-models-pulling.png"));

    release.complete();
    browser.await("the bar at 100 %", d -> "100".equals(browser.find(card + " progress").getAttribute("value")));
    browser.await("the pull shown as done", d -> browser.text(card + " .pull-status").startsWith("done"));
    assertEquals("100.0 %", browser.text(card + " .pull-percent"));
    assertEquals("398 MB of 398 MB", browser.text(card + " .pull-bytes"));
    browser.await("the pulled model in Ollama's list",
        d -> browser.visible("#ollama-models tr[data-name='qwen2.5:0.5b']"));
    assertTrue(ollama.models().contains("qwen2.5:0.5b"));
    assertNotReloaded();
  }

  @Test
  void useAsMainMakesTheOllamaModelTheMainOneInThePageAndInLlmYml(Vertx vertx) throws Exception {
    startGateway(vertx, "");
    openPage();
    String row = "#ollama-models tr[data-name='llama3.2:1b']";
    browser.await("llama3.2:1b listed", d -> browser.visible(row));
    markPage();

    browser.click(row + " button[data-action='use-as-main']");
    String newEntry = "Ollama-llama3.2-1b";
    browser.await("the new main model in the models table", d ->
        browser.text("#models tr[data-id='" + newEntry + "']").contains("main"));
    assertEquals("main model: " + newEntry, browser.text("#main-summary"));
    assertFalse(browser.text("#models tr[data-id='Ollama-qwen2.5-7b']").contains("main"),
        "the old main lost its role");
    assertTrue(browser.text("#notice").contains(newEntry), browser.text("#notice"));
    browser.await("the Ollama list shows it as main", d ->
        "Main model".equals(browser.text(row + " button[data-action='use-as-main']")));
    assertNotReloaded();

    String yaml = Files.readString(gateway.configFile());
    assertTrue(yaml.contains("main_llm_local: local_models/" + newEntry), yaml);
    assertTrue(yaml.contains("# the page's test config"), "the rest of the file stays");
    TestHttp.Answer chat = http.postJson("/v1/chat/completions", TestHttp.chat("main", false));
    assertEquals(200, chat.status(), chat.body());
    assertEquals("llama3.2:1b", chat.json().getString("model"));
  }

  @Test
  void showsOllamaErrorsInWords(Vertx vertx) throws Exception {
    startGateway(vertx, "");
    openPage();
    browser.await("the page loaded", d -> browser.visible("#pull-input"));

    browser.find("#pull-input").sendKeys("no-such-model:1b");
    browser.find("#pull-button").click();
    String error = browser.await("the pull's error", d -> {
      String text = browser.text("#pulls li[data-model='no-such-model:1b'] .pull-error");
      return text.isEmpty() ? null : text;
    });
    assertTrue(error.contains("Ollama found no model called no-such-model:1b to pull"), error);
    assertEquals("failed", browser.text("#pulls li[data-model='no-such-model:1b'] .pull-status"));

    browser.find("#pull-button").click(); // nothing typed
    assertTrue(browser.text("#pull-error").startsWith("Type the name of a model to pull"));

    Async.await(ollama.close());
    browser.click("#ollama-refresh");
    String down = browser.await("Ollama's absence explained", d -> {
      String text = browser.text("#ollama-error");
      return text.isEmpty() ? null : text;
    });
    assertEquals("Ollama is not reachable at http://127.0.0.1:" + ollama.port()
        + " — start it with `ollama serve`", down);
    // External servers are probed again every few seconds: the table shows it too, with what to do.
    awaitState("Ollama-qwen2.5-7b", "unreachable");
    assertTrue(browser.text("#models tr[data-id='Ollama-qwen2.5-7b'] .message")
        .endsWith("is Ollama running? start it with `ollama serve`"));
    browser.find("#pull-input").sendKeys("qwen2.5:0.5b");
    browser.find("#pull-button").click();
    browser.await("a pull refused in words", d -> browser.text("#pull-error")
        .equals("Could not pull qwen2.5:0.5b: " + down));
    browser.screenshot(SCREENSHOTS.resolve("manage-models-errors.png"));
  }

  @Test
  void saysWhatToDoWhenAdminIsOffOnAPublicAddressWithoutAToken(Vertx vertx) throws Exception {
    startGateway(vertx, "host: 0.0.0.0");
    openPage();
    String banner = browser.await("the reason in the page", d -> {
      String text = browser.text("#banner");
      return text.isEmpty() ? null : text;
    });
    assertTrue(banner.contains("admin endpoints are off") && banner.contains("LLM_GATEWAY_ADMIN_TOKEN"), banner);
    assertFalse(browser.visible("#content"));
    assertFalse(browser.visible("#token-panel"));
  }

  @Test
  void asksForTheAdminTokenOnceAndUsesItForCallsAndStreams(Vertx vertx) throws Exception {
    startGateway(vertx, "admin_token: \"" + TOKEN + "\"");
    openPage();
    browser.await("the token prompt", d -> browser.visible("#token-input"));
    assertFalse(browser.visible("#content"), "nothing shown before the token");

    browser.find("#token-input").sendKeys("wrong");
    browser.find("#token-form button").click();
    browser.await("a wrong token refused", d -> browser.text("#token-error").contains("not accepted"));
    browser.screenshot(SCREENSHOTS.resolve("manage-models-token.png"));

    browser.find("#token-input").sendKeys(TOKEN);
    browser.find("#token-form button").click();
    awaitState(EMBEDDER, "running");
    assertFalse(browser.visible("#token-panel"));
    // Event streams get the token through the short-lived cookie: the models feed, logs, a pull.
    browser.await("the models feed open", d -> "live".equals(browser.text("#live")));
    browser.await("logs through the cookie", d -> browser.text("#logs").contains("main: loading model"));
    browser.find("#pull-input").sendKeys("qwen2.5:0.5b");
    browser.find("#pull-button").click();
    browser.await("the pull done", d ->
        browser.text("#pulls li[data-model='qwen2.5:0.5b'] .pull-status").startsWith("done"));
    assertEquals("100", browser.find("#pulls li[data-model='qwen2.5:0.5b'] progress").getAttribute("value"));

    // Once per tab: a reload does not ask again.
    browser.driver().navigate().refresh();
    awaitState(EMBEDDER, "running");
    assertFalse(browser.visible("#token-panel"));
    assertEquals(401, http.get("/admin/models").status(), "the API itself still wants the token");
  }
}
