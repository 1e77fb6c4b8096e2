package dev.llmgateway.routing;

import dev.llmgateway.model.ModelCatalog;
import dev.llmgateway.api.Endpoint;
import dev.llmgateway.api.ApiError;
import dev.llmgateway.config.GatewaySettings;
import io.vertx.core.http.HttpHeaders;
import java.util.Locale;
import java.util.function.Supplier;

/** {@code POST /v1/*}: read the body (with a limit), parse it, plan the route, dispatch. */
final class ProxyHandler {

  private final Dispatch.Services services;
  private final Supplier<ModelCatalog> catalog;

  ProxyHandler(Dispatch.Services services, Supplier<ModelCatalog> catalog) {
    this.services = services;
    this.catalog = catalog;
  }

  /** Handles a call; throws {@link ApiError} for what it refuses before reading the body. */
  void handle(ApiCall call, Endpoint endpoint) {
    String type = call.request().getHeader(HttpHeaders.CONTENT_TYPE);
    if (type != null && type.toLowerCase(Locale.ROOT).startsWith("multipart/")) {
      throw new ApiError(415, "invalid_request_error", "unsupported_media_type", null,
          "Content-Type must be application/json (got " + type.split(";")[0] + ")");
    }
    GatewaySettings settings = catalog.get().config().gateway();
    BodyReader.read(call.vertx(), call.request(), settings.maxBodyBytes()).onComplete(ar -> {
      if (ar.failed()) {
        refuse(call, ar.cause());
        return;
      }
      try {
        RequestBody body = RequestBody.parse(ar.result());
        AnthropicRequest.check(endpoint, body);
        RequestRecord record = call.record();
        record.requested = body.model();
        record.stream = body.stream();
        // Ollama's API: refused here what Ollama would refuse; its answers stream unless told not to.
        record.stream |= OllamaApiRequests.check(endpoint, body);
        record.bytesIn = ar.result().length();
        ModelCatalog current = catalog.get();
        RoutePlanner.Plan plan = RoutePlanner.plan(current, endpoint, body, call.request().getHeader("X-LLM-Route"));
        new Dispatch(call, services, endpoint, body, current.config(), plan, record).start();
      } catch (ApiError e) {
        call.fail(e);
      } catch (RuntimeException e) {
        call.failInternally(e);
      }
    });
  }

  /** A body we stopped reading: answer, then close, since unread bytes may still be on the wire. */
  private static void refuse(ApiCall call, Throwable cause) {
    if (cause instanceof ApiError e) {
      call.response().putHeader(HttpHeaders.CONNECTION, "close");
      call.fail(e).onComplete(v -> call.request().connection().close());
    } else {
      call.request().connection().close(); // the client broke off while sending
    }
  }
}
