package dev.llmgateway.api;

import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;

/**
 * How a client's API wraps an error: the body of an error answer, and what ends an event stream that
 * broke off after it began. OpenAI's today; the Anthropic and Ollama front-ends bring their own.
 */
public interface ErrorEnvelope {

  /** {@code {"error":{"message","type","param","code"}}}; a broken stream ends with it as an event. */
  ErrorEnvelope OPENAI = new ErrorEnvelope() {
    @Override
    public Buffer body(ApiError error) {
      return error.body().toBuffer();
    }

    @Override
    public Buffer streamEnd(ApiError error) {
      return Buffer.buffer("data: " + error.body().encode() + "\n\n");
    }
  };

  /**
   * Ollama's {@code {"error": "..."}} (with the status); a broken NDJSON stream ends with it as its
   * last line, as Ollama itself ends one.
   */
  ErrorEnvelope OLLAMA = new ErrorEnvelope() {
    @Override
    public Buffer body(ApiError error) {
      return new JsonObject().put("error", error.getMessage()).toBuffer();
    }

    @Override
    public Buffer streamEnd(ApiError error) {
      return body(error).appendString("\n");
    }
  };

  Buffer body(ApiError error);

  Buffer streamEnd(ApiError error);
}
