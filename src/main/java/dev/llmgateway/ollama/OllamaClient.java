package dev.llmgateway.ollama;

import dev.llmgateway.config.OllamaUrl;
import io.netty.channel.ConnectTimeoutException;
import io.vertx.core.Future;
import io.vertx.core.Handler;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientRequest;
import io.vertx.core.http.HttpClientResponse;
import io.vertx.core.http.HttpClosedException;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.RequestOptions;
import io.vertx.core.http.StreamResetException;
import io.vertx.core.json.DecodeException;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.core.parsetools.RecordParser;
import java.net.ConnectException;
import java.net.UnknownHostException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeoutException;

/**
 * Ollama's own API ({@code /api/*}), non-blocking, on a Vert.x {@link HttpClient} the caller owns.
 * Every failure is an {@link OllamaException} that names the server's address.
 */
public final class OllamaClient {

  /** A pull progress line is ~150 bytes; anything near this is not Ollama talking. */
  private static final int MAX_LINE = 1 << 20;
  static final String MISSING_MANIFEST = "file does not exist";

  private final HttpClient http;
  private final String url;
  private final String host;
  private final int port;
  private final boolean ssl;
  private final long connectTimeoutMs;
  private final long idleTimeoutMs;

  /**
   * @param url a normalized address ({@link OllamaUrl#normalize}), e.g. {@code http://127.0.0.1:11434}
   * @param idleTimeoutMs the longest silence allowed from Ollama, between pull lines too
   */
  public OllamaClient(HttpClient http, String url, long connectTimeoutMs, long idleTimeoutMs) {
    this.http = http;
    this.url = url;
    this.host = OllamaUrl.host(url);
    this.port = OllamaUrl.port(url);
    this.ssl = url.startsWith("https:");
    this.connectTimeoutMs = connectTimeoutMs;
    this.idleTimeoutMs = idleTimeoutMs;
  }

  public String url() {
    return url;
  }

  /** {@code GET /api/tags}: the models Ollama has. */
  public Future<List<OllamaModel>> models() {
    return exchange(HttpMethod.GET, "/api/tags", null, null, null).map(body -> {
      JsonArray models = body.length() == 0 ? null : body.toJsonObject().getJsonArray("models");
      List<OllamaModel> out = new ArrayList<>();
      if (models != null) {
        for (int i = 0; i < models.size(); i++) {
          out.add(OllamaModel.of(models.getJsonObject(i)));
        }
      }
      return out;
    });
  }

  /** {@code GET /api/ps}: the models Ollama has loaded, as it answers. */
  public Future<JsonObject> running() {
    return exchange(HttpMethod.GET, "/api/ps", null, null, null).map(OllamaClient::jsonOrEmpty);
  }

  /** {@code POST /api/show}: what Ollama knows about a model; one it does not have fails with NOT_FOUND. */
  public Future<JsonObject> show(String model, boolean verbose) {
    JsonObject body = new JsonObject().put("model", model);
    if (verbose) {
      body.put("verbose", true);
    }
    return exchange(HttpMethod.POST, "/api/show", body, null, model).map(OllamaClient::jsonOrEmpty);
  }

  private static JsonObject jsonOrEmpty(Buffer body) {
    return body.length() == 0 ? new JsonObject() : body.toJsonObject();
  }

  /** {@code DELETE /api/delete}; a model Ollama does not have fails with NOT_FOUND. */
  public Future<Void> delete(String model) {
    return exchange(HttpMethod.DELETE, "/api/delete", new JsonObject().put("model", model), null, model)
        .mapEmpty();
  }

  /**
   * {@code POST /api/pull}: each NDJSON progress line goes to {@code onLine} as it arrives (lines are
   * split on newlines, never on network chunks). The call succeeds once Ollama says {@code success};
   * an {@code {"error": ...}} line fails it even though the HTTP status was 200, and so does a
   * stream that ends without {@code success}.
   */
  public OllamaCall<Void> pull(String model, Handler<JsonObject> onLine) {
    OllamaCall<Void> call = new OllamaCall<>(url);
    Buffer body = new JsonObject().put("model", model).toBuffer();
    // The answer's handlers are set inside the request's callback, which runs on the request's
    // event loop: chained from a caller on another thread (the CLI's), they could come after the
    // first lines, or the end, had already been delivered to nobody.
    http.request(options(HttpMethod.POST, "/api/pull")).onComplete(requested -> {
      if (requested.failed()) {
        call.fail(classify(requested.cause()));
        return;
      }
      HttpClientRequest req = requested.result();
      call.attach(req);
      req.putHeader(HttpHeaders.CONTENT_TYPE, "application/json").send(body).onComplete(ar -> {
        if (ar.failed()) {
          call.fail(classify(ar.cause()));
        } else if (ar.result().statusCode() != 200) {
          HttpClientResponse resp = ar.result();
          resp.body().onComplete(b -> call.fail(b.succeeded()
              ? answerError(resp.statusCode(), b.result(), model) : classify(b.cause())));
        } else {
          call.accepted();
          readPullLines(ar.result(), model, call, onLine);
        }
      });
    });
    return call;
  }

  private void readPullLines(HttpClientResponse resp, String model, OllamaCall<Void> call,
      Handler<JsonObject> onLine) {
    boolean[] success = {false};
    RecordParser lines = RecordParser.newDelimited("\n", resp).maxRecordSize(MAX_LINE);
    OllamaException brokeOff = new OllamaException(OllamaException.Kind.FAILED, url, "the pull of "
        + model + " ended before Ollama at " + url + " reported success (the connection closed); "
        + "pull again to resume");
    lines.exceptionHandler(err -> call.fail(err instanceof HttpClosedException
        || err instanceof StreamResetException ? brokeOff : classify(err)));
    lines.endHandler(v -> {
      if (success[0]) {
        call.complete(null);
      } else {
        call.fail(brokeOff);
      }
    });
    lines.handler(line -> {
      if (call.done()) {
        return;
      }
      String text = line.toString(StandardCharsets.UTF_8).trim();
      if (text.isEmpty()) {
        return;
      }
      JsonObject json;
      try {
        json = new JsonObject(text);
      } catch (DecodeException e) {
        call.fail(new OllamaException(OllamaException.Kind.FAILED, url, "Ollama at " + url
            + " sent a pull line that is not JSON: " + abbreviate(text)));
        return;
      }
      Object error = json.getValue("error");
      if (error != null) {
        call.fail(pullError(model, String.valueOf(error)));
        return;
      }
      if ("success".equals(json.getValue("status"))) {
        success[0] = true;
      }
      onLine.handle(json);
    });
  }

  private OllamaException pullError(String model, String error) {
    if (error.contains(MISSING_MANIFEST)) {
      return new OllamaException(OllamaException.Kind.NOT_FOUND, url, "Ollama found no model called "
          + model + " to pull (" + error + "); check the name at https://ollama.com/library");
    }
    return new OllamaException(OllamaException.Kind.FAILED, url, "Ollama could not pull " + model
        + ": " + error);
  }

  /** One request with a JSON body (or none); a 2xx answer's body, else the failure it stands for. */
  private Future<Buffer> exchange(HttpMethod method, String path, JsonObject body, OllamaCall<?> call,
      String model) {
    return http.request(options(method, path))
        .compose(req -> {
          if (call != null) {
            call.attach(req);
          }
          Future<HttpClientResponse> sent = body == null ? req.send()
              : req.putHeader(HttpHeaders.CONTENT_TYPE, "application/json").send(body.toBuffer());
          // Read the body in here, on the request's event loop (see pull)
          return sent.compose(resp -> resp.body().compose(b -> resp.statusCode() / 100 == 2
              ? Future.succeededFuture(b)
              : Future.failedFuture(answerError(resp.statusCode(), b, model))));
        })
        .recover(err -> Future.failedFuture(classify(err)));
  }

  private RequestOptions options(HttpMethod method, String path) {
    return new RequestOptions().setMethod(method).setHost(host).setPort(port).setSsl(ssl).setURI(path)
        .setConnectTimeout(connectTimeoutMs).setIdleTimeout(idleTimeoutMs);
  }

  /** Ollama's errors are {@code {"error": "..."}} with a meaningful status. */
  private OllamaException answerError(int status, Buffer body, String model) {
    String message = errorText(body);
    if (status == 404) {
      return new OllamaException(OllamaException.Kind.NOT_FOUND, url, "Ollama at " + url
          + " has no model " + (model == null ? "" : model + " ") + "(" + message + ")");
    }
    if (status == 400) {
      return new OllamaException(OllamaException.Kind.REFUSED, url, "Ollama at " + url
          + " refused the request: " + message);
    }
    return new OllamaException(OllamaException.Kind.FAILED, url, "Ollama at " + url + " answered "
        + status + ": " + message);
  }

  private static String errorText(Buffer body) {
    String text = body.toString(StandardCharsets.UTF_8).trim();
    try {
      Object error = new JsonObject(text).getValue("error");
      if (error instanceof JsonObject o && o.getString("message") != null) {
        return o.getString("message");
      }
      if (error != null) {
        return String.valueOf(error);
      }
    } catch (DecodeException e) {
      // not JSON: show the text itself
    }
    return text.isEmpty() ? "no details" : abbreviate(text);
  }

  OllamaException classify(Throwable cause) {
    if (cause instanceof OllamaException e) {
      return e;
    }
    if (cause instanceof ConnectException) {
      return OllamaException.unreachable(url, null);
    }
    if (cause instanceof ConnectTimeoutException) {
      return OllamaException.unreachable(url, "no answer within " + seconds(connectTimeoutMs));
    }
    if (cause instanceof UnknownHostException) {
      return OllamaException.unreachable(url, "unknown host " + host);
    }
    if (cause instanceof TimeoutException) {
      return new OllamaException(OllamaException.Kind.TIMEOUT, url, "Ollama at " + url
          + " sent nothing for " + seconds(idleTimeoutMs));
    }
    if (cause instanceof HttpClosedException || cause instanceof StreamResetException) {
      return new OllamaException(OllamaException.Kind.FAILED, url, "Ollama at " + url
          + " closed the connection before it finished answering");
    }
    if (cause instanceof DecodeException) {
      return new OllamaException(OllamaException.Kind.FAILED, url, "Ollama at " + url
          + " sent an answer that is not JSON");
    }
    return new OllamaException(OllamaException.Kind.FAILED, url, "request to Ollama at " + url
        + " failed: " + cause.getMessage());
  }

  private static String seconds(long ms) {
    return ms % 1000 == 0 ? ms / 1000 + " s" : ms + " ms";
  }

  private static String abbreviate(String s) {
    return s.length() > 200 ? s.substring(0, 200) + "..." : s;
  }
}
