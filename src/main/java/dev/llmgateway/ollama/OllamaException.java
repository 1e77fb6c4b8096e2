package dev.llmgateway.ollama;

import dev.llmgateway.api.ApiError;
import dev.llmgateway.api.ApiFailure;

/** A failed call to Ollama, with what kind of failure it was and the address of the server. */
public final class OllamaException extends RuntimeException implements ApiFailure {

  /** What went wrong. */
  public enum Kind {
    /** Nothing answers at the address (refused, unknown host, connect timeout). */
    UNREACHABLE,
    /** Ollama does not have the model (or, for a pull, the registry does not). */
    NOT_FOUND,
    /** Ollama refused the request as invalid (HTTP 400). */
    REFUSED,
    /** Ollama answered with an error, broke off, or sent something unreadable. */
    FAILED,
    /** Ollama sent nothing for the idle timeout. */
    TIMEOUT,
    /** We cancelled the call. */
    CANCELLED
  }

  private final Kind kind;
  private final String url;

  public OllamaException(Kind kind, String url, String message) {
    super(message, null, false, false);
    this.kind = kind;
    this.url = url;
  }

  public Kind kind() {
    return kind;
  }

  public String url() {
    return url;
  }

  /** {@code Ollama is not reachable at <url> — start it with `ollama serve`}, with what failed. */
  static OllamaException unreachable(String url, String detail) {
    return new OllamaException(Kind.UNREACHABLE, url, "Ollama is not reachable at " + url
        + (detail == null ? "" : " (" + detail + ")") + " — start it with `ollama serve`");
  }

  /** The same failure as an OpenAI-shaped HTTP error. */
  public ApiError toApiError() {
    return switch (kind) {
      case UNREACHABLE -> ApiError.badGateway("ollama_unreachable", getMessage());
      case NOT_FOUND -> ApiError.modelNotFound(getMessage());
      case REFUSED -> ApiError.badRequest(getMessage(), null);
      case TIMEOUT -> new ApiError(504, "api_error", "ollama_timeout", null, getMessage());
      case CANCELLED -> new ApiError(409, "invalid_request_error", "cancelled", null, getMessage());
      case FAILED -> ApiError.badGateway("ollama_error", getMessage());
    };
  }
}
