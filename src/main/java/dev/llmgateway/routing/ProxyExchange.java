package dev.llmgateway.routing;

import io.netty.channel.ConnectTimeoutException;
import io.vertx.core.Future;
import io.vertx.core.MultiMap;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientRequest;
import io.vertx.core.http.HttpClientResponse;
import io.vertx.core.http.HttpClosedException;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.core.http.RequestOptions;
import io.vertx.core.http.StreamResetException;
import io.vertx.ext.web.RoutingContext;
import java.net.ConnectException;
import java.net.UnknownHostException;
import java.util.Locale;
import java.util.concurrent.TimeoutException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One forwarded request: sends the (already read) body to the backend and pipes the answer back with
 * backpressure, chunk by chunk. When the client leaves, the upstream request is reset at once — a
 * pipe would only notice at its next write, and a model that is still thinking writes nothing.
 */
final class ProxyExchange {

  private static final Logger LOG = LoggerFactory.getLogger(ProxyExchange.class);
  private static final Exception CLIENT_GONE = new Exception("client went away", null, false, false) {
  };

  private final RoutingContext ctx;
  private final HttpServerResponse response;
  private final HttpClient client;
  private final Backend backend;
  private final Endpoint endpoint;
  private final Buffer body;
  private final String authorization;
  private final long connectTimeoutMs;
  private final long idleTimeoutMs;

  private final Runnable onDone;
  private final Runnable onRefused;

  private HttpClientRequest upstream;
  private boolean clientGone;

  /**
   * @param onDone runs once when the exchange is over, however it ended
   * @param onRefused when not null, runs instead of answering 502 if the backend refused the
   *     connection (nothing was sent, so the caller may try again)
   */
  ProxyExchange(RoutingContext ctx, HttpClient client, Backend backend, Endpoint endpoint, Buffer body,
      String authorization, long connectTimeoutMs, long idleTimeoutMs, Runnable onDone, Runnable onRefused) {
    this.onRefused = onRefused;
    this.ctx = ctx;
    this.response = ctx.response();
    this.client = client;
    this.backend = backend;
    this.endpoint = endpoint;
    this.body = body;
    this.authorization = authorization;
    this.connectTimeoutMs = connectTimeoutMs;
    this.idleTimeoutMs = idleTimeoutMs;
    this.onDone = new Runnable() {
      private boolean ran;

      @Override
      public void run() {
        if (!ran) {
          ran = true;
          onDone.run();
        }
      }
    };
  }

  void run() {
    response.closeHandler(v -> {
      clientLeft();
      onDone.run();
    });
    response.endHandler(v -> onDone.run());
    RequestOptions options = new RequestOptions()
        .setMethod(HttpMethod.POST)
        .setHost(backend.host())
        .setPort(backend.port())
        .setURI(endpoint.path())
        .setConnectTimeout(connectTimeoutMs)
        // Idle, not total: a long generation is fine as long as bytes keep coming.
        .setIdleTimeout(idleTimeoutMs);
    MultiMap headers = HttpHeaders.headers();
    Headers.copyRequest(ctx.request().headers(), headers);
    headers.set(HttpHeaders.CONTENT_TYPE, "application/json");
    if (authorization != null) {
      headers.set(HttpHeaders.AUTHORIZATION, authorization);
    }
    options.setHeaders(headers);
    client.request(options)
        .compose(request -> {
          if (clientGone) {
            request.reset();
            return Future.failedFuture(CLIENT_GONE);
          }
          upstream = request;
          return request.send(body);
        })
        .onComplete(ar -> {
          if (ar.succeeded()) {
            relay(ar.result());
          } else {
            failBeforeResponse(ar.cause());
          }
        });
  }

  private void relay(HttpClientResponse answer) {
    if (clientGone) {
      upstream.reset();
      return;
    }
    response.setStatusCode(answer.statusCode());
    if (answer.statusMessage() != null) {
      response.setStatusMessage(answer.statusMessage());
    }
    Headers.copyResponse(answer.headers(), response.headers());
    String type = answer.getHeader(HttpHeaders.CONTENT_TYPE);
    boolean eventStream = type != null && type.toLowerCase(Locale.ROOT).startsWith("text/event-stream");
    if (eventStream) {
      response.putHeader("X-Accel-Buffering", "no");
      if (!response.headers().contains(HttpHeaders.CACHE_CONTROL)) {
        response.putHeader(HttpHeaders.CACHE_CONTROL, "no-cache");
      }
    }
    if (!response.headers().contains(HttpHeaders.CONTENT_LENGTH)) {
      response.setChunked(true);
    }
    answer.pipe().endOnFailure(false).to(response).onFailure(err -> failMidStream(err, eventStream));
  }

  private void clientLeft() {
    if (response.ended()) {
      return;
    }
    clientGone = true;
    if (upstream != null) {
      upstream.reset();
    }
    LOG.debug("client left {} for {}; upstream request closed", endpoint.path(), backend.ref());
  }

  private void failBeforeResponse(Throwable cause) {
    if (clientGone || cause == CLIENT_GONE) {
      return;
    }
    if (onRefused != null && cause instanceof ConnectException && !(cause instanceof ConnectTimeoutException)) {
      onRefused.run();
      return;
    }
    ApiError error = classify(cause);
    LOG.warn("{} {} -> {} {}: {}", ctx.request().method(), endpoint.path(), backend.ref(),
        error.status(), error.getMessage());
    ErrorResponses.send(response, error);
  }

  /** The answer had started; an event stream ends with an error event, anything else is cut. */
  private void failMidStream(Throwable cause, boolean eventStream) {
    if (clientGone || response.closed()) {
      if (upstream != null) {
        upstream.reset();
      }
      return;
    }
    ApiError error = classify(cause);
    LOG.warn("{} {} -> {}: the answer broke off: {}", ctx.request().method(), endpoint.path(),
        backend.ref(), error.getMessage());
    if (eventStream && !response.ended()) {
      // End the stream cleanly (the connection stays usable): closing it would hand clients that
      // pool connections a dead one for their next request.
      response.end("data: " + error.body().encode() + "\n\n");
    } else {
      response.reset();
    }
  }

  private ApiError classify(Throwable cause) {
    String where = "model " + backend.id() + " at " + backend.authority();
    if (cause instanceof ConnectTimeoutException) {
      return ApiError.gatewayTimeout(where + " did not accept a connection within "
          + seconds(connectTimeoutMs) + "; " + backend.startHint());
    }
    if (cause instanceof TimeoutException) {
      return ApiError.gatewayTimeout(where + " sent nothing for " + seconds(idleTimeoutMs)
          + " (gateway.request_timeout_seconds)");
    }
    if (cause instanceof ConnectException) {
      return ApiError.badGateway("backend_unreachable", "cannot reach " + where
          + ": connection refused; " + backend.startHint());
    }
    if (cause instanceof UnknownHostException) {
      return ApiError.badGateway("backend_unreachable", "cannot resolve host " + backend.host()
          + " of model " + backend.id());
    }
    if (cause instanceof HttpClosedException || cause instanceof StreamResetException) {
      return ApiError.badGateway("backend_closed", where + " closed the connection before it "
          + "finished answering");
    }
    return ApiError.badGateway("backend_error", where + " failed: " + cause.getMessage());
  }

  private static String seconds(long ms) {
    return ms % 1000 == 0 ? ms / 1000 + " s" : ms + " ms";
  }
}
