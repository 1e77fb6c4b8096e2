package dev.llmgateway.testing;

import io.vertx.core.Future;
import io.vertx.core.MultiMap;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.BodyHandler;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * Base of the fake backends: a real HTTP server on a random loopback port that records every request
 * (raw body bytes and headers) and can be told how to misbehave. Subclasses add the routes of the
 * server they imitate.
 */
public abstract class FakeBackend {

  /** A request as the backend received it. */
  public record Recorded(String method, String path, MultiMap headers, Buffer body) {
    public JsonObject json() {
      return body.toJsonObject();
    }
  }

  /** What the next chat/completion requests do. */
  public enum Mode {
    /** Answer normally. */
    NORMAL,
    /** Accept the request and never answer. */
    SILENT,
    /** For streams: send two chunks, then close the connection. */
    DIE_MID_STREAM,
    /** Answer 500 with an error body. */
    SERVER_ERROR,
    /** Close the connection as soon as the request arrives. */
    CLOSE_AT_ONCE
  }

  protected final Vertx vertx;
  private final List<Recorded> requests = new CopyOnWriteArrayList<>();
  private HttpServer server;
  private volatile Promise<Void> upstreamClosed = Promise.promise();
  private volatile Future<Void> gate = Future.succeededFuture();
  private volatile Mode mode = Mode.NORMAL;
  private volatile long chunkDelayMs = 5;
  private volatile java.util.function.Consumer<Recorded> onRequest = r -> { };
  private final java.util.concurrent.atomic.AtomicInteger openConnections = new java.util.concurrent.atomic.AtomicInteger();

  protected FakeBackend(Vertx vertx) {
    this.vertx = vertx;
  }

  public Future<FakeBackend> start() {
    return start("127.0.0.1", 0);
  }

  public Future<FakeBackend> start(String host, int port) {
    Router router = Router.router(vertx);
    router.route().handler(BodyHandler.create());
    router.route().handler(ctx -> {
      Recorded r = new Recorded(ctx.request().method().name(), ctx.request().path(),
          MultiMap.caseInsensitiveMultiMap().addAll(ctx.request().headers()),
          ctx.body().buffer() == null ? Buffer.buffer() : ctx.body().buffer().copy());
      if (records(r)) {
        requests.add(r);
      }
      onRequest.accept(r);
      ctx.next();
    });
    routes(router);
    // A field of the wrong type throws in a handler: answer 400, as real servers do.
    router.route().failureHandler(ctx -> {
      if (!ctx.response().headWritten()) {
        json(ctx, 400, new JsonObject().put("error", new JsonObject().put("code", 400)
            .put("message", "a field has the wrong type").put("type", "invalid_request_error")));
      }
    });
    return vertx.createHttpServer().connectionHandler(conn -> {
      openConnections.incrementAndGet();
      conn.closeHandler(v -> openConnections.decrementAndGet());
    }).requestHandler(router).listen(port, host)
        .map(s -> {
          server = s;
          return this;
        });
  }

  protected abstract void routes(Router router);

  /** Whether {@link #requests()} keeps a request (all do, unless a fake leaves out background polls). */
  protected boolean records(Recorded request) {
    return true;
  }

  public int port() {
    return server.actualPort();
  }

  public Future<Void> close() {
    return server == null ? Future.succeededFuture() : server.close();
  }

  /** Connections the gateway (or anyone) has open to this backend now. */
  public int openConnections() {
    return openConnections.get();
  }

  public List<Recorded> requests() {
    return List.copyOf(requests);
  }

  public Recorded lastRequest() {
    return requests.isEmpty() ? null : requests.get(requests.size() - 1);
  }

  /** Called for every request as it arrives (the child-process fake logs them). */
  public FakeBackend onRequest(java.util.function.Consumer<Recorded> listener) {
    this.onRequest = listener;
    return this;
  }

  public FakeBackend mode(Mode newMode) {
    this.mode = newMode;
    return this;
  }

  protected Mode mode() {
    return mode;
  }

  public FakeBackend chunkDelayMs(long ms) {
    this.chunkDelayMs = ms;
    return this;
  }

  /** Streams send their first event, then wait for this future before sending the rest. */
  public FakeBackend holdAfterFirstChunk(Future<Void> release) {
    this.gate = release;
    return this;
  }

  /** Completes when the connection of a request that was still being answered is closed. */
  public Future<Void> upstreamClosed() {
    return upstreamClosed.future();
  }

  /**
   * Takes over a request that is answered later (or never): notes when the gateway closes it.
   * Returns false when the mode has already dealt with the request (or must never answer it).
   */
  protected boolean begin(RoutingContext ctx) {
    if (mode == Mode.SERVER_ERROR) {
      json(ctx, 500, new JsonObject().put("error", new JsonObject().put("code", 500)
          .put("message", "fake server error").put("type", "server_error")));
      return false;
    }
    if (mode == Mode.CLOSE_AT_ONCE) {
      ctx.request().connection().close();
      return false;
    }
    Promise<Void> closed = upstreamClosed;
    ctx.addEndHandler(ar -> {
      if (ar.failed()) { // closed before the answer ended
        closed.tryComplete();
      }
    });
    return mode != Mode.SILENT;
  }

  /** Sends {@code data: <event>} lines with a delay between them, as backends do; then [DONE]. */
  protected void streamEvents(RoutingContext ctx, List<String> events) {
    List<String> frames = new java.util.ArrayList<>();
    events.forEach(e -> frames.add("data: " + e + "\n\n"));
    frames.add("data: [DONE]\n\n");
    streamFrames(ctx, frames);
  }

  /** Sends whole SSE frames ({@code event: x\ndata: y\n\n}) with a delay between them, then ends. */
  protected void streamFrames(RoutingContext ctx, List<String> frames) {
    HttpServerResponse resp = ctx.response();
    resp.setChunked(true)
        .putHeader(HttpHeaders.CONTENT_TYPE, "text/event-stream")
        .putHeader("Cache-Control", "no-cache")
        .putHeader("X-Accel-Buffering", "no");
    Future<Void> release = gate;
    Mode current = mode;
    sendFrom(ctx, frames, 0, release, current);
  }

  private void sendFrom(RoutingContext ctx, List<String> events, int i, Future<Void> release, Mode current) {
    HttpServerResponse resp = ctx.response();
    if (resp.closed()) {
      return;
    }
    if (current == Mode.DIE_MID_STREAM && i == 2) {
      ctx.request().connection().close();
      return;
    }
    if (i == events.size()) {
      resp.end();
      return;
    }
    resp.write(events.get(i));
    Future<Void> next = Future.succeededFuture();
    if (i == 0) {
      // A promise of this request's own, given up when the request ends: a shared release that
      // never comes must not keep every stalled request alive.
      Promise<Void> mine = Promise.promise();
      release.onComplete(ar -> mine.tryComplete());
      ctx.addEndHandler(ar -> mine.tryFail("request over"));
      next = mine.future();
    }
    next.onSuccess(v -> vertx.setTimer(Math.max(1, chunkDelayMs),
        t -> sendFrom(ctx, events, i + 1, release, current)));
  }

  /** One {@code chat.completion.chunk} as OpenAI-compatible servers write it. */
  protected static String chunk(String id, long created, String model, String fingerprint,
      JsonObject delta, String finish) {
    JsonObject choice = new JsonObject().put("index", 0).put("delta", delta);
    if (finish == null) {
      choice.putNull("finish_reason");
    } else {
      choice.put("finish_reason", finish);
    }
    return new JsonObject().put("id", id).put("object", "chat.completion.chunk").put("created", created)
        .put("model", model).put("system_fingerprint", fingerprint)
        .put("choices", new io.vertx.core.json.JsonArray().add(choice)).encode();
  }

  protected static void json(RoutingContext ctx, int status, JsonObject body) {
    ctx.response().setStatusCode(status)
        .putHeader(HttpHeaders.CONTENT_TYPE, "application/json; charset=utf-8")
        .end(body.encode());
  }
}
