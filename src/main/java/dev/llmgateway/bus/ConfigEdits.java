package dev.llmgateway.bus;

import dev.llmgateway.api.ApiError;
import dev.llmgateway.config.ConfigException;
import java.io.IOException;
import java.nio.file.Path;

/** What a failed edit of {@code llm.yml} means to the client that asked for it. */
public final class ConfigEdits {

  private ConfigEdits() {
  }

  public static ApiError toApiError(Throwable failure, Path file) {
    if (failure instanceof ConfigException e) {
      return new ApiError(409, "invalid_request_error", "config_invalid", null, e.getMessage()
          + " — fix llm.yml first (`llm-gateway config check` lists every problem)");
    }
    if (failure instanceof IllegalArgumentException || failure instanceof IllegalStateException) {
      return new ApiError(409, "invalid_request_error", "config_not_editable", null,
          "cannot edit " + file + " automatically: " + failure.getMessage());
    }
    if (failure instanceof IOException) {
      return new ApiError(500, "server_error", "config_write_failed", null, failure.getMessage());
    }
    return BusErrors.toApiError(failure);
  }
}
