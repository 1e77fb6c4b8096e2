package dev.llmgateway.api;

import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;

/**
 * Anthropic's error envelope, {@code {"type":"error","error":{"type","message"}}}, with the error type
 * the Messages API gives each HTTP status (the official SDKs pick their exception class by status).
 * A broken event stream ends with {@code event: error} carrying the same body.
 */
public final class AnthropicEnvelope implements ErrorEnvelope {

  public static final AnthropicEnvelope INSTANCE = new AnthropicEnvelope();

  private AnthropicEnvelope() {
  }

  @Override
  public Buffer body(ApiError error) {
    return body(error.status(), error.getMessage()).toBuffer();
  }

  @Override
  public Buffer streamEnd(ApiError error) {
    return Buffer.buffer("event: error\ndata: " + body(error.status(), error.getMessage()).encode() + "\n\n");
  }

  /** The envelope for a status and a message. */
  public static JsonObject body(int status, String message) {
    return new JsonObject().put("type", "error")
        .put("error", new JsonObject().put("type", errorType(status)).put("message", message));
  }

  /** Anthropic's error type for an HTTP status (docs: "HTTP errors"). */
  public static String errorType(int status) {
    return switch (status) {
      case 400, 415, 422 -> "invalid_request_error";
      case 401 -> "authentication_error";
      case 402 -> "billing_error";
      case 403 -> "permission_error";
      case 404, 405 -> "not_found_error";
      case 413 -> "request_too_large";
      case 429 -> "rate_limit_error";
      case 503, 529 -> "overloaded_error";
      case 504 -> "timeout_error";
      default -> status < 500 ? "invalid_request_error" : "api_error";
    };
  }
}
