package dev.llmgateway.routing;

import dev.llmgateway.config.GatewaySettings;
import dev.llmgateway.ollama.OllamaEmbeddingExchange;
import io.vertx.core.Handler;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpHeaders;
import io.vertx.ext.web.RoutingContext;
import java.util.Locale;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** {@code POST /v1/*}: read the body, resolve {@code model}, rewrite it, forward. */
final class ProxyHandler {

  private static final Logger LOG = LoggerFactory.getLogger(ProxyHandler.class);

  private final HttpClient client;
  private final Supplier<ModelCatalog> catalog;
  private final Function<String, String> env;
  private final Set<String> warnedMissingKeys = ConcurrentHashMap.newKeySet();

  ProxyHandler(HttpClient client, Supplier<ModelCatalog> catalog, Function<String, String> env) {
    this.client = client;
    this.catalog = catalog;
    this.env = env;
  }

  Handler<RoutingContext> forEndpoint(Endpoint endpoint) {
    return ctx -> handle(ctx, endpoint);
  }

  private void handle(RoutingContext ctx, Endpoint endpoint) {
    String type = ctx.request().getHeader(HttpHeaders.CONTENT_TYPE);
    if (type != null && type.toLowerCase(Locale.ROOT).startsWith("multipart/")) {
      throw new ApiError(415, "invalid_request_error", "unsupported_media_type", null,
          "Content-Type must be application/json (got " + type.split(";")[0] + ")");
    }
    GatewaySettings settings = catalog.get().config().gateway();
    BodyReader.read(ctx.request(), settings.maxBodyBytes()).onComplete(ar -> {
      if (ar.failed()) {
        refuse(ctx, ar.cause());
        return;
      }
      try {
        RequestBody body = RequestBody.parse(ar.result());
        Backend backend = catalog.get().resolve(body.model(), endpoint);
        forward(ctx, endpoint, backend, body, settings);
      } catch (ApiError e) {
        ErrorResponses.send(ctx.response(), e);
      } catch (RuntimeException e) {
        ErrorResponses.internalError(ctx, e);
      }
    });
  }

  /** Sends a parsed, resolved request to its backend. */
  private void forward(RoutingContext ctx, Endpoint endpoint, Backend backend, RequestBody body,
      GatewaySettings settings) {
    if (endpoint == Endpoint.EMBEDDINGS && backend.kind() == Backend.Kind.OLLAMA) {
      OllamaEmbeddingExchange.forward(ctx, client, backend, body, settings); // /api/embed, OpenAI shape
      return;
    }
    new ProxyExchange(ctx, client, backend, endpoint, body.withModel(backend.upstreamModel()),
        authorization(backend), settings.connectTimeoutMs(), settings.requestTimeoutMs()).run();
  }

  /** A body we stopped reading: answer, then close, since unread bytes may still be on the wire. */
  private static void refuse(RoutingContext ctx, Throwable cause) {
    if (cause instanceof ApiError e) {
      ctx.response().putHeader(HttpHeaders.CONNECTION, "close");
      ErrorResponses.send(ctx.response(), e).onComplete(v -> ctx.request().connection().close());
    } else {
      ctx.request().connection().close(); // the client broke off while sending
    }
  }

  /** {@code Bearer <key>} for cloud models: the env var named by api_key_name, else api_key. */
  private String authorization(Backend backend) {
    if (backend.kind() != Backend.Kind.CLOUD) {
      return null;
    }
    String key = backend.apiKeyName() == null ? null : env.apply(backend.apiKeyName());
    if (key == null || key.isBlank()) {
      key = backend.apiKey();
    }
    if (key == null || key.isBlank()) {
      if (backend.apiKeyName() != null && warnedMissingKeys.add(backend.ref())) {
        LOG.warn("{}: environment variable {} is not set; sending requests without an API key",
            backend.ref(), backend.apiKeyName());
      }
      return null;
    }
    return "Bearer " + key;
  }
}
