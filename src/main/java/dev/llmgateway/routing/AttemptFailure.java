package dev.llmgateway.routing;

import dev.llmgateway.api.ApiError;
import dev.llmgateway.model.Backend;
import io.netty.channel.ConnectTimeoutException;
import io.vertx.core.http.HttpClosedException;
import io.vertx.core.http.StreamResetException;
import java.net.ConnectException;
import java.net.UnknownHostException;
import java.util.concurrent.TimeoutException;

/**
 * An attempt that failed before anything reached the client: what kind of failure (which decides
 * whether another backend, or a restarted one, may be tried) and the error to answer otherwise.
 */
final class AttemptFailure extends RuntimeException {

  /** What went wrong. */
  enum Kind { REFUSED, CONNECT_TIMEOUT, TIMEOUT, CLOSED, SERVER_ERROR, OTHER }

  /** The call was cancelled by us (the client left): nothing to answer. */
  static final AttemptFailure CANCELLED = new AttemptFailure(Kind.OTHER, null);

  private final Kind kind;
  private final ApiError error;

  AttemptFailure(Kind kind, ApiError error) {
    super(error == null ? "cancelled" : error.getMessage(), null, false, false);
    this.kind = kind;
    this.error = error;
  }

  /** A failure that is not worth trying elsewhere: the backend's answer to this request. */
  static AttemptFailure answer(ApiError error) {
    return new AttemptFailure(Kind.OTHER, error);
  }

  Kind kind() {
    return kind;
  }

  ApiError error() {
    return error;
  }

  /** A network-level failure of a request to {@code backend}, explained for the client. */
  static AttemptFailure of(Throwable cause, Attempt attempt) {
    if (cause instanceof AttemptFailure f) {
      return f;
    }
    if (cause instanceof ApiError e) { // an answer made on our side (a refused translation)
      return answer(e);
    }
    Backend backend = attempt.backend();
    String where = "model " + backend.id() + " at " + backend.authority();
    Kind kind = kindOf(cause);
    ApiError error = switch (kind) {
      case CONNECT_TIMEOUT -> ApiError.gatewayTimeout(where + " did not accept a connection within "
          + seconds(attempt.connectTimeoutMs()) + "; " + backend.startHint());
      case TIMEOUT -> ApiError.gatewayTimeout(where + " sent nothing for " + seconds(attempt.idleTimeoutMs())
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
    return new AttemptFailure(kind, error);
  }

  private static Kind kindOf(Throwable cause) {
    if (cause instanceof ConnectTimeoutException) {
      return Kind.CONNECT_TIMEOUT;
    }
    if (cause instanceof TimeoutException) {
      return Kind.TIMEOUT;
    }
    if (cause instanceof ConnectException) {
      return Kind.REFUSED;
    }
    if (cause instanceof HttpClosedException || cause instanceof StreamResetException) {
      return Kind.CLOSED;
    }
    return Kind.OTHER;
  }

  static String seconds(long ms) {
    return ms % 1000 == 0 ? ms / 1000 + " s" : ms + " ms";
  }
}
