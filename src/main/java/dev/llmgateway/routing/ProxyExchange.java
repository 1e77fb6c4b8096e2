package dev.llmgateway.routing;

import dev.llmgateway.model.Backend;
import dev.llmgateway.api.Endpoint;
import dev.llmgateway.api.ErrorResponses;
import dev.llmgateway.api.ApiError;
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
import java.net.ConnectException;
import java.net.UnknownHostException;
import java.util.Locale;
import java.util.concurrent.TimeoutException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One attempt at one backend: sends the (already read) body and pipes the answer back with
 * backpressure, chunk by chunk. A failure before anything reached the client (refused, timed out,
 * closed, or a 5xx status) is first offered to the caller, who may try elsewhere; after that the
 * attempt answers the error itself.
 */
final class ProxyExchange {

  /** What went wrong before the first byte reached the client. */
  enum FailureKind { REFUSED, CONNECT_TIMEOUT, TIMEOUT, CLOSED, SERVER_ERROR, OTHER }

  /** Decides whether a failure before commit is retried elsewhere (true) or answered here (false). */
  interface BeforeCommit {
    boolean retry(FailureKind kind);
  }

  private static final Logger LOG = LoggerFactory.getLogger(ProxyExchange.class);
  private static final Exception CLIENT_GONE = new Exception("client went away", null, false, false) {
  };

  private final ApiCall call;
  private final HttpServerResponse response;
  private final HttpClient client;
  private final Backend backend;
  private final Endpoint endpoint;
  private final Buffer body;
  private final String authorization;
  private final long connectTimeoutMs;
  private final long idleTimeoutMs;
  private final MultiMap extraHeaders;
  private final RequestRecord record;
  private final BeforeCommit beforeCommit;

  private HttpClientRequest upstream;
  private boolean clientGone;
  private boolean abandoned;

  ProxyExchange(ApiCall call, HttpClient client, Backend backend, Endpoint endpoint, Buffer body,
      String authorization, long connectTimeoutMs, long idleTimeoutMs, MultiMap extraHeaders,
      RequestRecord record, BeforeCommit beforeCommit) {
    this.call = call;
    this.response = call.response();
    this.client = client;
    this.backend = backend;
    this.endpoint = endpoint;
    this.body = body;
    this.authorization = authorization;
    this.connectTimeoutMs = connectTimeoutMs;
    this.idleTimeoutMs = idleTimeoutMs;
    this.extraHeaders = extraHeaders;
    this.record = record;
    this.beforeCommit = beforeCommit;
  }

  void run() {
    RequestOptions options = new RequestOptions()
        .setMethod(HttpMethod.POST)
        .setHost(backend.host())
        .setPort(backend.port())
        .setURI(endpoint.path())
        .setConnectTimeout(connectTimeoutMs)
        // Idle, not total: a long generation is fine as long as bytes keep coming.
        .setIdleTimeout(idleTimeoutMs);
    MultiMap headers = HttpHeaders.headers();
    Headers.copyRequest(call.request().headers(), headers);
    headers.set(HttpHeaders.CONTENT_TYPE, "application/json");
    headers.set("X-Request-Id", record.id());
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

  /**
   * The client went away: close the upstream request at once — a pipe would only notice at its next
   * write, and a model that is still thinking writes nothing.
   */
  void clientLeft() {
    clientGone = true;
    if (upstream != null) {
      upstream.reset();
    }
  }

  private void relay(HttpClientResponse answer) {
    // An answer we drop on purpose below ends in a reset: that is expected, not an error to log.
    answer.exceptionHandler(err -> { });
    if (clientGone) {
      upstream.reset();
      return;
    }
    if (answer.statusCode() >= 500 && beforeCommit.retry(FailureKind.SERVER_ERROR)) {
      LOG.warn("{} {} -> {} answered {}: trying elsewhere", call.request().method(), endpoint.path(),
          backend.ref(), answer.statusCode());
      abandoned = true;
      upstream.reset();
      return;
    }
    response.setStatusCode(answer.statusCode());
    if (answer.statusMessage() != null) {
      response.setStatusMessage(answer.statusMessage());
    }
    Headers.copyResponse(answer.headers(), response.headers());
    setHeaders();
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
    answer.pipe().endOnFailure(false).to(new MeteredResponse(response, record))
        .onFailure(err -> failMidStream(err, eventStream));
  }

  private void failBeforeResponse(Throwable cause) {
    if (clientGone || cause == CLIENT_GONE || abandoned) {
      return;
    }
    if (beforeCommit.retry(kindOf(cause))) {
      return;
    }
    ApiError error = classify(cause);
    LOG.warn("{} {} -> {} {}: {}", call.request().method(), endpoint.path(), backend.ref(),
        error.status(), error.getMessage());
    setHeaders();
    ErrorResponses.send(response, error);
  }

  /** The answer had started; an event stream ends with an error event, anything else is cut. */
  private void failMidStream(Throwable cause, boolean eventStream) {
    // A write into a connection the client just closed fails before its close is seen: that is the
    // client leaving, not the backend failing.
    if (clientGone || response.closed() || cause instanceof java.nio.channels.ClosedChannelException) {
      if (upstream != null) {
        upstream.reset();
      }
      return;
    }
    ApiError error = classify(cause);
    LOG.warn("{} {} -> {}: the answer broke off: {}", call.request().method(), endpoint.path(),
        backend.ref(), error.getMessage());
    if (eventStream && !response.ended()) {
      // End the stream cleanly (the connection stays usable): closing it would hand clients that
      // pool connections a dead one for their next request.
      response.end("data: " + error.body().encode() + "\n\n");
    } else {
      response.reset();
    }
  }

  /** Ours win over the backend's (MultiMap.setAll would clear everything else). */
  private void setHeaders() {
    extraHeaders.forEach(h -> response.headers().set(h.getKey(), h.getValue()));
    response.headers().set("X-Request-Id", record.id());
  }

  private static FailureKind kindOf(Throwable cause) {
    if (cause instanceof ConnectTimeoutException) {
      return FailureKind.CONNECT_TIMEOUT;
    }
    if (cause instanceof TimeoutException) {
      return FailureKind.TIMEOUT;
    }
    if (cause instanceof ConnectException) {
      return FailureKind.REFUSED;
    }
    if (cause instanceof HttpClosedException || cause instanceof StreamResetException) {
      return FailureKind.CLOSED;
    }
    return FailureKind.OTHER;
  }

  private ApiError classify(Throwable cause) {
    String where = "model " + backend.id() + " at " + backend.authority();
    return switch (kindOf(cause)) {
      case CONNECT_TIMEOUT -> ApiError.gatewayTimeout(where + " did not accept a connection within "
          + seconds(connectTimeoutMs) + "; " + backend.startHint());
      case TIMEOUT -> ApiError.gatewayTimeout(where + " sent nothing for " + seconds(idleTimeoutMs)
          + " (gateway.request_timeout_seconds)");
      case REFUSED -> ApiError.badGateway("backend_unreachable", "cannot reach " + where
          + ": connection refused; " + backend.startHint());
      case CLOSED -> ApiError.badGateway("backend_closed", where + " closed the connection before it "
          + "finished answering");
      default -> cause instanceof UnknownHostException
          ? ApiError.badGateway("backend_unreachable", "cannot resolve host " + backend.host()
              + " of model " + backend.id())
          : ApiError.badGateway("backend_error", where + " failed: " + cause.getMessage());
    };
  }

  private static String seconds(long ms) {
    return ms % 1000 == 0 ? ms / 1000 + " s" : ms + " ms";
  }
}
