package dev.llmgateway.testing;

import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpClientRequest;
import io.vertx.core.http.HttpClientResponse;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonObject;
import java.util.concurrent.TimeUnit;

/** A small blocking client for tests (called from the JUnit thread, never an event loop). */
public final class TestHttp {

  /** A complete answer. */
  public record Answer(int status, io.vertx.core.MultiMap headers, String body) {
    public JsonObject json() {
      return new JsonObject(body);
    }

    public JsonObject error() {
      return json().getJsonObject("error");
    }
  }

  private final HttpClient client;
  private final int port;

  public TestHttp(Vertx vertx, int port) {
    this(vertx, port, new HttpClientOptions());
  }

  private TestHttp(Vertx vertx, int port, HttpClientOptions options) {
    this.client = vertx.createHttpClient(options.setDefaultHost("127.0.0.1").setDefaultPort(port));
    this.port = port;
  }

  /** Over HTTPS to a gateway with {@code gateway.tls}, trusting the certificate in {@code certPem}. */
  public static TestHttp https(Vertx vertx, int port, java.nio.file.Path certPem) {
    return new TestHttp(vertx, port, new HttpClientOptions().setSsl(true)
        .setTrustOptions(new io.vertx.core.net.PemTrustOptions().addCertPath(certPem.toString())));
  }

  public int port() {
    return port;
  }

  public HttpClient raw() {
    return client;
  }

  /** A supervised process as {@code GET /admin/processes} lists it, or null (none, or no answer yet). */
  public JsonObject process(String id) {
    return Async.quietly(() -> {
      io.vertx.core.json.JsonArray all = get("/admin/processes").json().getJsonArray("processes");
      for (int i = 0; i < all.size(); i++) {
        if (id.equals(all.getJsonObject(i).getString("id"))) {
          return all.getJsonObject(i);
        }
      }
      return null;
    });
  }

  /** The state of a supervised process ({@code running}, {@code stopped}, ...), or null. */
  public String processState(String id) {
    JsonObject p = process(id);
    return p == null ? null : p.getString("state");
  }

  public Answer get(String path) throws Exception {
    return send(HttpMethod.GET, path, null, null);
  }

  public Answer postJson(String path, String body) throws Exception {
    return send(HttpMethod.POST, path, body, "application/json");
  }

  /** A JSON POST with extra headers (an API key, {@code anthropic-version}). */
  public Answer postJson(String path, String body, java.util.Map<String, String> headers) throws Exception {
    return Async.await("the answer to POST " + path, client.request(HttpMethod.POST, path).compose(req -> {
      req.putHeader("Content-Type", "application/json");
      headers.forEach(req::putHeader);
      return req.send(body).compose(resp -> resp.body().map(b -> new Answer(resp.statusCode(), resp.headers(),
          b.toString())));
    }));
  }

  public Answer send(HttpMethod method, String path, String body, String contentType) throws Exception {
    return Async.await("the answer to " + method + " " + path, exchange(method, path, body, contentType, null));
  }

  public Answer getWithToken(String path, String token) throws Exception {
    return Async.await("the answer to GET " + path, exchange(HttpMethod.GET, path, null, null, token));
  }

  private Future<Answer> exchange(HttpMethod method, String path, String body, String contentType,
      String token) {
    return client.request(method, path).compose(req -> {
      if (contentType != null) {
        req.putHeader("Content-Type", contentType);
      }
      if (token != null) {
        req.putHeader("Authorization", "Bearer " + token);
      }
      Future<HttpClientResponse> sent = body == null ? req.send() : req.send(body);
      return sent.compose(resp -> resp.body().map(b -> new Answer(resp.statusCode(), resp.headers(),
          b.toString())));
    });
  }

  /**
   * Opens a streaming request and returns once the response head has arrived; the caller reads
   * events with {@link Stream#nextEvent()}.
   */
  public Stream openStream(String path, String body) throws Exception {
    // Handlers must be set on the event loop as the head arrives, or early chunks are dropped: the
    // whole chain is built inside the request's callback, which runs there (see onLoop).
    return Async.await("the head of POST " + path, client.request(HttpMethod.POST, path)
        .compose(req -> req.putHeader("Content-Type", "application/json").send(body).map(resp -> new Stream(req, resp))));
  }

  /** Opens {@code GET path} as an event stream (server-sent events), once its head has arrived. */
  public Stream openEvents(String path) throws Exception {
    return openEvents(path, null);
  }

  /** Like {@link #openEvents(String)}, with {@code Authorization: Bearer <token>} unless null. */
  public Stream openEvents(String path, String token) throws Exception {
    return Async.await("the head of GET " + path, client.request(HttpMethod.GET, path).compose(req -> {
      if (token != null) {
        req.putHeader("Authorization", "Bearer " + token);
      }
      return req.send().map(resp -> new Stream(req, resp));
    }));
  }

  /**
   * Builds a request chain on an event loop and returns its result. A chain built on the test's
   * own thread races the event loop: when the answer arrives before a step like {@code
   * resp.body()} is attached, Vert.x (5.0.x) hands its bytes and end to nobody, and the future never
   * completes (vert.x #6038, #5904). Steps nested inside the request's callback are safe already.
   */
  public static <T> Future<T> onLoop(Vertx vertx, java.util.function.Supplier<Future<T>> chain) {
    Promise<T> done = Promise.promise();
    vertx.getOrCreateContext().runOnContext(v -> {
      try {
        chain.get().onComplete(done);
      } catch (RuntimeException e) {
        done.fail(e);
      }
    });
    return done.future();
  }

  /** An open event stream, read event by event. */
  public static final class Stream {
    private final HttpClientRequest request;
    private final HttpClientResponse response;
    private final StringBuilder pending = new StringBuilder();
    private final StringBuilder all = new StringBuilder();
    private final java.util.concurrent.LinkedBlockingQueue<String> events =
        new java.util.concurrent.LinkedBlockingQueue<>();
    private final Promise<Void> ended = Promise.promise();

    Stream(HttpClientRequest request, HttpClientResponse response) {
      this.request = request;
      this.response = response;
      response.handler(this::onData);
      response.endHandler(v -> ended.tryComplete());
      response.exceptionHandler(ended::tryFail);
    }

    private synchronized void onData(Buffer data) {
      pending.append(data.toString());
      all.append(data.toString());
      int cut;
      while ((cut = pending.indexOf("\n\n")) >= 0) {
        events.add(pending.substring(0, cut));
        pending.delete(0, cut + 2);
      }
    }

    public HttpClientResponse response() {
      return response;
    }

    /** The next {@code data: ...} event (without the blank line), waiting up to 10 s. */
    public String nextEvent() throws InterruptedException {
      String e = events.poll(10, TimeUnit.SECONDS);
      if (e == null) {
        throw new AssertionError("no event within 10 s; received so far: " + all);
      }
      return e;
    }

    /** Waits for the end of the stream and returns everything received. */
    public String rest() throws Exception {
      Async.await("the end of the stream", ended.future());
      synchronized (this) {
        return all.toString();
      }
    }

    /** The client goes away mid-stream. */
    public void abort() {
      request.connection().close();
    }
  }

  public static String chat(String model, boolean stream) {
    return new JsonObject().put("model", model).put("stream", stream)
        .put("messages", new io.vertx.core.json.JsonArray().add(new JsonObject()
            .put("role", "user").put("content", "Say hi"))).encode();
  }
}
