package dev.llmgateway.testing;

import dev.llmgateway.config.OllamaNames;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArraySet;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Behaves like Ollama on the wire (BACKENDS.md). Its OpenAI-compatible {@code /v1} API: the role only
 * on the first chunk, the finish reason in its own chunk, usage in its own chunk with
 * {@code choices: []}, 404 {@code not_found_error} for a model it does not have. Its own API:
 * {@code /api/tags}, {@code /api/delete} (404 {@code model 'x' not found}), {@code /api/embed},
 * {@code /api/chat} and {@code /api/generate} (NDJSON unless {@code "stream": false}, a tool call when
 * tools are given, an empty chat or prompt loads), {@code /api/show}, {@code /api/ps} and
 * {@code /api/pull}, which streams NDJSON progress slowly, layer by layer ({@code completed} absent
 * while 0, a small layer that never reports completion), with every write boundary in the middle of
 * a JSON line; an unknown model is HTTP 200 followed by an {@code {"error": ...}} line.
 */
public final class FakeOllama extends FakeBackend {

  private static final String MODIFIED_AT = "2025-01-15T10:00:00.123456789+01:00";
  /** Fresh pulls wait here (when held) once the first progress line with bytes has gone out. */
  private static final int HOLD_AFTER_CHUNK = 3;

  private final Set<String> models = new CopyOnWriteArraySet<>();
  private final Map<String, long[]> library = new ConcurrentHashMap<>();
  private final AtomicInteger pulls = new AtomicInteger();
  private final Set<String> loaded = new CopyOnWriteArraySet<>();
  private volatile long pullDelayMs = 5;
  private volatile String version = "0.32.15";
  private volatile Future<Void> pullGate = Future.succeededFuture();

  public FakeOllama(Vertx vertx, String... models) {
    super(vertx);
    this.models.addAll(List.of(models));
    library("qwen2.5:0.5b", 397_807_936L, 68L, 1_482L);
    library("nomic-embed-text:latest", 274_290_656L, 11_357L, 420L);
  }

  public FakeOllama addModel(String name) {
    models.add(name);
    return this;
  }

  /** A model that can be pulled, with the sizes of its layers (the first one is the big one). */
  public FakeOllama library(String name, long... layers) {
    library.put(OllamaNames.canonical(name), layers.clone());
    return this;
  }

  /** The models Ollama has now (pulls add, deletes remove). */
  public Set<String> models() {
    return Set.copyOf(models);
  }

  /**
   * The version it reports and behaves as: from 0.14.0 it serves Anthropic's {@code /v1/messages}
   * (without {@code count_tokens}); from 0.13.3 the Responses API; older ones answer both 404
   * {@code 404 page not found}, as for any path they do not have.
   */
  public FakeOllama version(String value) {
    version = value;
    return this;
  }

  private boolean atLeast(int minor, int patch) {
    String[] v = version.split("\\.");
    int major = Integer.parseInt(v[0]);
    int min = Integer.parseInt(v[1]);
    int p = v.length > 2 ? Integer.parseInt(v[2]) : 0;
    return major > 0 || min > minor || (min == minor && p >= patch);
  }

  public FakeOllama pullDelayMs(long ms) {
    pullDelayMs = ms;
    return this;
  }

  /** Fresh pulls send their first progress, then wait for {@code release}. */
  public FakeOllama holdPulls(Future<Void> release) {
    pullGate = release;
    return this;
  }

  /** How many {@code POST /api/pull} requests arrived. */
  public int pullRequests() {
    return pulls.get();
  }

  @Override
  protected void routes(Router router) {
    router.get("/").handler(ctx -> ctx.response().end("Ollama is running"));
    router.get("/api/version").handler(ctx -> json(ctx, 200, new JsonObject().put("version", version)));
    router.get("/api/tags").handler(this::tags);
    router.post("/api/pull").handler(this::pull);
    router.delete("/api/delete").handler(this::delete);
    router.post("/api/embed").handler(this::embed);
    router.post("/api/embeddings").handler(this::legacyEmbeddings);
    router.post("/api/chat").handler(ctx -> nativeChat(ctx, false));
    router.post("/api/generate").handler(ctx -> nativeChat(ctx, true));
    router.post("/api/show").handler(this::show);
    router.get("/api/ps").handler(this::ps);
    router.get("/v1/models").handler(ctx -> {
      JsonArray data = new JsonArray();
      models.forEach(m -> data.add(new JsonObject().put("id", m).put("object", "model")
          .put("created", 1700000000).put("owned_by", "library")));
      JsonObject body = new JsonObject().put("object", "list");
      json(ctx, 200, data.isEmpty() ? body.putNull("data") : body.put("data", data));
    });
    router.post("/v1/chat/completions").handler(this::chat);
    router.post("/v1/messages").handler(ctx -> {
      if (!atLeast(14, 0)) {
        ctx.next();
      } else if (installed(requestedModel(ctx)) == null) {
        // Ollama's Anthropic middleware: errors in Anthropic's shape, as an HTTP status (streams too).
        json(ctx, 404, new JsonObject().put("type", "error").put("error", new JsonObject()
            .put("type", "not_found_error").put("message", "model '" + requestedModel(ctx) + "' not found")));
      } else {
        FakeAnthropicApi.messages(this, ctx, List.of("Hi", " from", " Ollama"));
      }
    });
    router.post("/v1/responses").handler(ctx -> {
      if (atLeast(13, 3)) {
        FakeResponsesApi.responses(this, ctx, List.of("Hi", " from", " Ollama"));
      } else {
        ctx.next();
      }
    });
    // Go's net/http for a path it does not have.
    router.route().handler(ctx -> ctx.response().setStatusCode(404)
        .putHeader("Content-Type", "text/plain").end("404 page not found"));
  }

  /**
   * The gateway's Ollama discovery asks {@code GET /api/tags} every few seconds: background polling,
   * not a request under test, so {@link #requests()} and {@link #lastRequest()} leave it out.
   */
  @Override
  protected boolean records(Recorded request) {
    return !(request.method().equals("GET") && request.path().equals("/api/tags"));
  }

  private String installed(String name) {
    return models.stream().filter(m -> OllamaNames.same(m, name)).findFirst().orElse(null);
  }

  private static String requestedModel(RoutingContext ctx) {
    JsonObject body = ctx.body().asJsonObject();
    return body == null ? "" : body.getString("model", body.getString("name", ""));
  }

  private void tags(RoutingContext ctx) {
    JsonArray list = new JsonArray();
    for (String m : models) {
      long[] layers = library.getOrDefault(OllamaNames.canonical(m), new long[] {4_683_087_332L});
      list.add(new JsonObject().put("name", m).put("model", m).put("modified_at", MODIFIED_AT)
          .put("size", java.util.Arrays.stream(layers).sum())
          .put("digest", digest(m + "manifest"))
          .put("details", new JsonObject().put("parent_model", "").put("format", "gguf")
              .put("family", "qwen2").put("families", new JsonArray().add("qwen2"))
              .put("parameter_size", "494.03M").put("quantization_level", "Q4_K_M"))
          .put("capabilities", new JsonArray().add(m.contains("embed") ? "embedding" : "completion")));
    }
    json(ctx, 200, new JsonObject().put("models", list));
  }

  private void delete(RoutingContext ctx) {
    String model = requestedModel(ctx);
    String have = installed(model);
    if (have == null) {
      json(ctx, 404, new JsonObject().put("error", "model '" + model + "' not found"));
      return;
    }
    models.remove(have);
    ctx.response().setStatusCode(200).end();
  }

  private void embed(RoutingContext ctx) {
    JsonObject req = ctx.body().asJsonObject();
    String model = req.getString("model", "");
    if (installed(model) == null) {
      json(ctx, 404, new JsonObject().put("error", "model \"" + model + "\" not found, try pulling it first"));
      return;
    }
    Object input = req.getValue("input");
    int count = input instanceof JsonArray a ? a.size() : 1;
    JsonArray embeddings = new JsonArray();
    for (int i = 0; i < count; i++) {
      embeddings.add(new JsonArray().add(0.5).add(-0.25).add((i + 1) * 0.125).add(0.1));
    }
    json(ctx, 200, new JsonObject().put("model", model).put("embeddings", embeddings)
        .put("total_duration", 14_143_917).put("load_duration", 1_019_500)
        .put("prompt_eval_count", 8 * count));
  }

  private void legacyEmbeddings(RoutingContext ctx) {
    JsonObject req = ctx.body().asJsonObject();
    String model = req.getString("model", "");
    if (installed(model) == null) {
      json(ctx, 404, new JsonObject().put("error", "model \"" + model + "\" not found, try pulling it first"));
      return;
    }
    json(ctx, 200, new JsonObject().put("embedding", new JsonArray().add(0.5).add(-0.25).add(0.125).add(0.1)));
  }

  // ---- Ollama's own chat and generate: NDJSON unless "stream": false ----

  private void nativeChat(RoutingContext ctx, boolean generate) {
    JsonObject req = ctx.body().asJsonObject();
    String model = req.getString("model", "");
    if (installed(model) == null) {
      json(ctx, 404, new JsonObject().put("error", "model '" + model + "' not found"));
      return;
    }
    loaded.add(installed(model));
    JsonArray messages = req.getJsonArray("messages");
    boolean load = generate ? req.getString("prompt", "").isEmpty() : messages == null || messages.isEmpty();
    if (load) {
      JsonObject out = head(model).put("done", true).put("done_reason", "load");
      json(ctx, 200, generate ? out.put("response", "") : out.put("message", new JsonObject()
          .put("role", "assistant").put("content", "")));
      return;
    }
    if (!begin(ctx)) {
      return;
    }
    JsonArray tools = req.getJsonArray("tools");
    List<JsonObject> pieces = new ArrayList<>();
    if (tools != null && !tools.isEmpty()) {
      String name = tools.getJsonObject(0).getJsonObject("function").getString("name");
      pieces.add(new JsonObject().put("role", "assistant").put("content", "").put("tool_calls", new JsonArray()
          .add(new JsonObject().put("id", "call_fake1").put("function", new JsonObject().put("index", 0)
              .put("name", name).put("arguments", new JsonObject().put("city", "Paris"))))));
    } else {
      for (String w : List.of("Hi", " from", " Ollama")) {
        pieces.add(new JsonObject().put("role", "assistant").put("content", w));
      }
    }
    JsonObject last = head(model).put("done", true).put("done_reason", "stop")
        .put("total_duration", 1_200_000L).put("load_duration", 100_000L).put("prompt_eval_count", 4)
        .put("prompt_eval_duration", 300_000L).put("eval_count", pieces.size()).put("eval_duration", 800_000L);
    if (!req.getBoolean("stream", true)) {
      StringBuilder text = new StringBuilder();
      pieces.forEach(p -> text.append(p.getString("content")));
      JsonObject message = pieces.get(0).copy().put("content", text.toString());
      json(ctx, 200, generate ? last.put("response", text.toString())
          : last.put("message", message));
      return;
    }
    List<String> chunks = new ArrayList<>();
    for (JsonObject p : pieces) {
      JsonObject line = head(model).put("done", false);
      chunks.add((generate ? line.put("response", p.getString("content")) : line.put("message", p)).encode() + "\n");
    }
    chunks.add((generate ? last.put("response", "") : last.put("message", new JsonObject()
        .put("role", "assistant").put("content", ""))).encode() + "\n");
    ctx.response().setChunked(true).putHeader("Content-Type", "application/x-ndjson");
    send(ctx, chunks, 0, Future.succeededFuture(), mode(), () -> { });
  }

  private static JsonObject head(String model) {
    return new JsonObject().put("model", model).put("created_at", java.time.Instant.now().toString());
  }

  private void show(RoutingContext ctx) {
    String model = requestedModel(ctx);
    if (installed(model) == null) {
      json(ctx, 404, new JsonObject().put("error", "model '" + model + "' not found"));
      return;
    }
    json(ctx, 200, new JsonObject().put("modelfile", "FROM " + model + "\n").put("parameters", "stop \"<|im_end|>\"")
        .put("template", "{{ .Prompt }}").put("details", details())
        .put("model_info", new JsonObject().put("general.architecture", "qwen2").put("qwen2.context_length", 32768))
        .put("capabilities", new JsonArray().add("completion").add("tools"))
        .put("modified_at", MODIFIED_AT));
  }

  private void ps(RoutingContext ctx) {
    JsonArray list = new JsonArray();
    for (String m : loaded) {
      list.add(new JsonObject().put("name", m).put("model", m).put("size", 1_234_567_890L)
          .put("digest", digest(m + "manifest").substring(7)).put("details", details())
          .put("expires_at", "2026-12-01T10:05:00.000000000Z").put("size_vram", 1_000_000_000L)
          .put("context_length", 4096));
    }
    json(ctx, 200, new JsonObject().put("models", list));
  }

  private static JsonObject details() {
    return new JsonObject().put("parent_model", "").put("format", "gguf")
        .put("family", "qwen2").put("families", new JsonArray().add("qwen2"))
        .put("parameter_size", "494.03M").put("quantization_level", "Q4_K_M");
  }

  // ---- pull ----

  private void pull(RoutingContext ctx) {
    pulls.incrementAndGet();
    String model = requestedModel(ctx);
    if (!begin(ctx)) {
      return;
    }
    boolean have = installed(model) != null;
    long[] layers = library.get(OllamaNames.canonical(model));
    List<String> lines = new ArrayList<>();
    lines.add(status("pulling manifest"));
    if (layers == null) {
      lines.add(new JsonObject().put("error", "pull model manifest: file does not exist").encode());
    } else {
      for (int i = 0; i < layers.length; i++) {
        lines.addAll(layerLines(model, i, layers[i], have));
      }
      lines.add(status("verifying sha256 digest"));
      lines.add(status("writing manifest"));
      lines.add(status("success"));
    }
    ctx.response().setChunked(true).putHeader("Content-Type", "application/x-ndjson");
    boolean installs = layers != null;
    Future<Void> gate = have || layers == null ? Future.succeededFuture() : pullGate;
    send(ctx, splitMidLine(lines), 0, gate, mode(), () -> {
      if (installs) {
        models.add(model);
      }
    });
  }

  /** The lines Ollama writes for one layer: none with completed while it is 0. */
  private static List<String> layerLines(String model, int index, long size, boolean have) {
    String digest = digest(model + index);
    JsonObject base = new JsonObject().put("status", "pulling " + digest.substring(7, 19))
        .put("digest", digest).put("total", size);
    if (have) {
      return List.of(base.copy().put("completed", size).encode());
    }
    List<String> out = new ArrayList<>();
    out.add(base.encode());
    if (index == 0) {
      for (int step = 1; step <= 5; step++) {
        out.add(base.copy().put("completed", size * step / 5).encode());
      }
    } else if (index == 2) {
      out.add(base.copy().put("completed", size).encode());
    } // the second layer is small and never reports completion, as real pulls sometimes do
    return out;
  }

  /** Chunks whose every boundary falls in the middle of a JSON line. */
  private static List<String> splitMidLine(List<String> lines) {
    List<String> chunks = new ArrayList<>();
    String carry = "";
    for (String line : lines) {
      int mid = line.length() / 2;
      chunks.add(carry + line.substring(0, mid));
      carry = line.substring(mid) + "\n";
    }
    chunks.add(carry);
    return chunks;
  }

  private void send(RoutingContext ctx, List<String> chunks, int i, Future<Void> gate, Mode current,
      Runnable onEnd) {
    HttpServerResponse resp = ctx.response();
    if (resp.closed()) {
      return;
    }
    if (current == Mode.DIE_MID_STREAM && i == HOLD_AFTER_CHUNK + 1) {
      ctx.request().connection().close(); // broken download: no error line, no success
      return;
    }
    if (i == chunks.size()) {
      onEnd.run();
      resp.end();
      return;
    }
    resp.write(chunks.get(i));
    Future<Void> next = i == HOLD_AFTER_CHUNK ? gate : Future.succeededFuture();
    next.onComplete(v -> vertx.setTimer(Math.max(1, pullDelayMs),
        t -> send(ctx, chunks, i + 1, gate, current, onEnd)));
  }

  private static String status(String status) {
    return new JsonObject().put("status", status).encode();
  }

  private static String digest(String seed) {
    StringBuilder hex = new StringBuilder("sha256:");
    long h = seed.hashCode() * 0x9E3779B97F4A7C15L;
    while (hex.length() < 71) {
      h = h * 6364136223846793005L + 1442695040888963407L;
      hex.append(String.format("%016x", h));
    }
    return hex.substring(0, 71);
  }

  // ---- /v1 chat ----

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
    List<String> words = FakeTools.words(req, List.of("Hi", " from", " Ollama"));
    String tool = FakeTools.toCall(req);
    if (tool != null) {
      // Ollama sends a call whole, in one chunk.
      JsonObject call = FakeTools.chatCall(tool);
      if (!req.getBoolean("stream", false)) {
        json(ctx, 200, new JsonObject().put("id", id).put("object", "chat.completion").put("created", created)
            .put("model", model).put("choices", new JsonArray().add(new JsonObject().put("index", 0)
                .put("message", call).put("finish_reason", "tool_calls")))
            .put("usage", new JsonObject().put("prompt_tokens", 4).put("completion_tokens", 3).put("total_tokens", 7)));
      } else {
        JsonArray calls = call.getJsonArray("tool_calls").copy();
        calls.getJsonObject(0).put("index", 0);
        streamEvents(ctx, List.of(
            chunk(id, created, model, "fp_ollama", new JsonObject().put("role", "assistant").put("content", "")
                .put("tool_calls", calls), null),
            chunk(id, created, model, "fp_ollama", new JsonObject().put("role", "assistant").put("content", ""),
                "tool_calls")));
      }
      return;
    }
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
