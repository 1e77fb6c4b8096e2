package dev.llmgateway.routing;

import dev.llmgateway.model.Backend;
import dev.llmgateway.model.ModelCatalog;
import dev.llmgateway.api.Endpoint;
import dev.llmgateway.api.ApiError;
import dev.llmgateway.config.GatewayConfig;
import dev.llmgateway.config.HybridRouter;
import dev.llmgateway.config.MainMode;
import java.util.Locale;

/**
 * Chooses where a request goes first and where it may go if that fails. Outside mix mode this is the
 * model the request names. In mix mode a request for {@code main} goes to the side the client forces
 * ({@code X-LLM-Route: local|cloud}), else to cloud when the prompt is longer than
 * {@code prefer_cloud_if_long_chars}, else to {@code hybrid_router.default_route}; with
 * {@code fallback_on_llm_error} the other side is its fallback.
 */
final class RoutePlanner {

  static final String LOCAL = "local";
  static final String CLOUD = "cloud";

  /** The first target, and the one to try when it fails before answering (or null). */
  record Plan(Backend primary, String route, Backend fallback, String fallbackRoute) {
  }

  private RoutePlanner() {
  }

  static Plan plan(ModelCatalog catalog, Endpoint endpoint, RequestBody body, String routeHeader) {
    GatewayConfig config = catalog.config();
    String name = body.model() == null ? "" : body.model();
    boolean main = name.isEmpty() || name.equals("main");
    if (config.mainMode() != MainMode.MIX || !main || endpoint.embeds() || endpoint.rerank()) {
      Backend b = catalog.resolve(body.model(), endpoint);
      return new Plan(b, routeOf(b), null, null);
    }
    Backend local = catalog.backend(firstNonNull(config.mainLlmLocal(), side(config.mainLlm(), LOCAL)));
    Backend cloud = catalog.backend(firstNonNull(config.mainLlmCloud(), side(config.mainLlm(), CLOUD)));
    if (local == null && cloud == null) {
      return new Plan(catalog.resolve("main", endpoint), LOCAL, null, null);
    }
    String route = choose(config.hybridRouter(), routeHeader, body, local != null, cloud != null);
    Backend primary = route.equals(LOCAL) ? local : cloud;
    Backend other = route.equals(LOCAL) ? cloud : local;
    boolean fallback = config.hybridRouter().fallbackOnLlmError() && other != null;
    return new Plan(primary, route, fallback ? other : null, fallback ? opposite(route) : null);
  }

  private static String choose(HybridRouter hr, String header, RequestBody body, boolean hasLocal, boolean hasCloud) {
    if (header != null && !header.isBlank()) {
      String forced = header.trim().toLowerCase(Locale.ROOT);
      if (!forced.equals(LOCAL) && !forced.equals(CLOUD)) {
        throw ApiError.badRequest("X-LLM-Route must be local or cloud (got \"" + header + "\")", null);
      }
      if (forced.equals(LOCAL) ? hasLocal : hasCloud) {
        return forced;
      }
      throw ApiError.modelNotFound("X-LLM-Route: " + forced + " asks for the " + forced
          + " main model, but main_llm_" + forced + " is not set");
    }
    if (!hasLocal) {
      return CLOUD;
    }
    if (!hasCloud) {
      return LOCAL;
    }
    if (hr.preferCloudIfLongChars() > 0 && body.promptChars() > hr.preferCloudIfLongChars()) {
      return CLOUD;
    }
    return CLOUD.equals(hr.defaultRoute()) ? CLOUD : LOCAL;
  }

  static String routeOf(Backend b) {
    return b.kind() == Backend.Kind.CLOUD ? CLOUD : LOCAL;
  }

  private static String opposite(String route) {
    return route.equals(LOCAL) ? CLOUD : LOCAL;
  }

  /** The legacy {@code main_llm} counts for the side its ref is on. */
  private static String side(String ref, String wanted) {
    if (ref == null) {
      return null;
    }
    boolean isCloud = ref.startsWith("cloud_models/");
    return isCloud == wanted.equals(CLOUD) ? ref : null;
  }

  private static String firstNonNull(String a, String b) {
    return a != null ? a : b;
  }
}
