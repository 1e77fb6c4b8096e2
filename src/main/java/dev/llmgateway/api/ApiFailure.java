package dev.llmgateway.api;

/** A failure of any layer that knows the HTTP error it should be answered with. */
public interface ApiFailure {

  ApiError toApiError();
}
