package dev.llmgateway.api;

import io.vertx.core.Future;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.ext.web.RoutingContext;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** The one place that renders errors: OpenAI shape, right status, never a stack trace. */
public final class ErrorResponses {

  private static final Logger LOG = LoggerFactory.getLogger(ErrorResponses.class);

  private ErrorResponses() {
  }

  public static Future<Void> send(HttpServerResponse response, ApiError error) {
    return send(response, error, ErrorEnvelope.OPENAI);
  }

  /** The error in the envelope of the client's API; nothing when an answer has already begun. */
  public static Future<Void> send(HttpServerResponse response, ApiError error, ErrorEnvelope envelope) {
    if (response.headWritten() || response.closed()) {
      return Future.succeededFuture();
    }
    return response.setStatusCode(error.status())
        .putHeader(HttpHeaders.CONTENT_TYPE, "application/json")
        .end(envelope.body(error));
  }

  /** Router failure handler: ApiErrors as they are, bare statuses by their meaning, the rest 500. */
  public static void handleFailure(RoutingContext ctx) {
    Throwable failure = ctx.failure();
    // Ollama's clients read {"error": "..."} under /api/, whatever went wrong.
    ErrorEnvelope envelope = ctx.request().path().startsWith("/api/") ? ErrorEnvelope.OLLAMA : ErrorEnvelope.OPENAI;
    if (failure instanceof ApiError api) {
      send(ctx.response(), api, envelope);
      return;
    }
    int status = ctx.statusCode() > 0 ? ctx.statusCode() : 500;
    if (status >= 500) {
      internalError(ctx, failure == null ? new IllegalStateException("status " + status) : failure);
      return;
    }
    send(ctx.response(), forStatus(status, ctx.request().method() + " " + ctx.request().path()), envelope);
  }

  /** A bug on our side: one line in the log (trace at debug), a plain 500 to the client. */
  public static void internalError(RoutingContext ctx, Throwable failure) {
    internalError(ctx.request(), failure);
  }

  public static void internalError(HttpServerRequest request, Throwable failure) {
    logInternal(request, failure);
    send(request.response(), internal());
  }

  /** One line in the log for a bug on our side (the trace at debug). */
  public static void logInternal(HttpServerRequest request, Throwable failure) {
    LOG.error("{} {} failed: {}", request.method(), request.path(), failure.toString());
    LOG.debug("stack trace", failure);
  }

  /** The plain 500 a client gets for a bug on our side. */
  public static ApiError internal() {
    return forStatus(500, "");
  }

  public static ApiError forStatus(int status, String what) {
    return switch (status) {
      case 400 -> ApiError.badRequest("bad request", null);
      case 404 -> new ApiError(404, "invalid_request_error", "not_found", null,
          "no such endpoint: " + what + " (the API is under /v1: chat/completions, completions, "
          + "embeddings, models, messages, responses, rerank)");
      case 405 -> new ApiError(405, "invalid_request_error", "method_not_allowed", null,
          "method not allowed: " + what);
      case 413 -> new ApiError(413, "invalid_request_error", "request_too_large", null,
          "request body too large");
      case 415 -> new ApiError(415, "invalid_request_error", "unsupported_media_type", null,
          "Content-Type must be application/json");
      default -> new ApiError(status, status >= 500 ? "server_error" : "invalid_request_error",
          null, null, status >= 500 ? "internal error in the gateway; see its log" : "request failed");
    };
  }
}
