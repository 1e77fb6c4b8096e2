package dev.llmgateway.bus;

import dev.llmgateway.api.ApiError;
import dev.llmgateway.api.ApiFailure;
import io.vertx.core.eventbus.Message;
import io.vertx.core.eventbus.ReplyException;
import io.vertx.core.json.DecodeException;
import io.vertx.core.json.JsonObject;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Carries an {@link ApiError} across the event bus: status as the failure code, body as the message. */
public final class BusErrors {

  private static final Logger LOG = LoggerFactory.getLogger(BusErrors.class);

  private BusErrors() {
  }

  public static void fail(Message<?> msg, Throwable failure) {
    ApiError error = toApiError(failure);
    msg.fail(error.status(), error.body().encode());
  }

  /** Any failure as the HTTP error to answer with. */
  public static ApiError toApiError(Throwable failure) {
    if (failure instanceof ApiError e) {
      return e;
    }
    if (failure instanceof ApiFailure e) {
      return e.toApiError();
    }
    if (failure instanceof ReplyException e) {
      switch (e.failureType()) {
        case RECIPIENT_FAILURE:
          return decode(e);
        case NO_HANDLERS:
          return new ApiError(503, "server_error", "service_down", null,
              "the gateway service behind this endpoint is not running; see the gateway's log");
        case TIMEOUT:
          return new ApiError(504, "server_error", "service_timeout", null,
              "the gateway service behind this endpoint did not answer in time; try again");
        default:
          break;
      }
    }
    LOG.error("gateway service failed: {}", String.valueOf(failure));
    LOG.debug("stack trace", failure);
    return new ApiError(500, "server_error", null, null, "internal error in the gateway; see its log");
  }

  private static ApiError decode(ReplyException e) {
    try {
      JsonObject error = new JsonObject(e.getMessage()).getJsonObject("error");
      return new ApiError(e.failureCode(), error.getString("type"), error.getString("code"),
          error.getString("param"), error.getString("message"));
    } catch (DecodeException | NullPointerException | ClassCastException notOurs) {
      return new ApiError(e.failureCode() >= 400 ? e.failureCode() : 500, "server_error", null, null,
          String.valueOf(e.getMessage()));
    }
  }
}
