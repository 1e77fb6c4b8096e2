package dev.llmgateway.api;

import io.vertx.core.json.JsonObject;

/**
 * A failure with the HTTP status and the OpenAI error body it is answered with:
 * {@code {"error":{"message","type","param","code"}}}. No stack trace is captured or shown.
 */
public final class ApiError extends RuntimeException {

  private final int status;
  private final String type;
  private final String code;
  private final String param;

  public ApiError(int status, String type, String code, String param, String message) {
    super(message, null, false, false);
    this.status = status;
    this.type = type;
    this.code = code;
    this.param = param;
  }

  public static ApiError badRequest(String message, String param) {
    return new ApiError(400, "invalid_request_error", "invalid_request", param, message);
  }

  public static ApiError modelNotFound(String message) {
    return new ApiError(404, "invalid_request_error", "model_not_found", "model", message);
  }

  public static ApiError tooLarge(long limit) {
    return new ApiError(413, "invalid_request_error", "request_too_large", null,
        "request body is larger than the gateway's limit of " + limit + " bytes (gateway.max_body_bytes)");
  }

  public static ApiError badGateway(String code, String message) {
    return new ApiError(502, "api_error", code, null, message);
  }

  public static ApiError gatewayTimeout(String message) {
    return new ApiError(504, "api_error", "backend_timeout", null, message);
  }

  /** The machine-readable code ({@code model_not_found}, ...), or null. */
  public String code() {
    return code;
  }

  public int status() {
    return status;
  }

  public JsonObject body() {
    return body(getMessage(), type, param, code);
  }

  public static JsonObject body(String message, String type, String param, String code) {
    return new JsonObject().put("error", new JsonObject()
        .put("message", message)
        .put("type", type)
        .put("param", param)
        .put("code", code));
  }
}
