package dev.llmgateway;

import dev.llmgateway.configfile.ConfigVerticle;
import dev.llmgateway.config.Overrides;
import dev.llmgateway.admin.AdminAccess;
import dev.llmgateway.admin.AdminRoutes;
import dev.llmgateway.ollama.OllamaAdminRoutes;
import dev.llmgateway.ollama.OllamaApiRoutes;
import dev.llmgateway.web.WebPage;
import dev.llmgateway.metrics.GatewayMetrics;
import dev.llmgateway.process.ProcessVerticle;
import dev.llmgateway.routing.ActivityRoutes;
import dev.llmgateway.routing.ConcurrencyLimiter;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import dev.llmgateway.ollama.OllamaVerticle;
import dev.llmgateway.routing.RouterVerticle;
import io.vertx.core.DeploymentOptions;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Starts the gateway's verticles on a Vert.x instance: config first (it must have a valid config),
 * then the process supervisor, then the router on every event loop. Undeploying (closing Vert.x)
 * stops every child process. Used by {@code serve} and by the tests.
 */
public final class Gateway {

  /**
   * What to start. {@code env} is the environment the gateway sees (tests pass their own);
   * {@code registry} receives the metrics served on {@code /metrics}.
   */
  public record Options(Path configFile, Overrides overrides, int routerInstances, long scanPeriodMs,
      Map<String, String> env, PrometheusMeterRegistry registry) {

    public static Options of(Path configFile, Overrides overrides) {
      return new Options(configFile, overrides, Runtime.getRuntime().availableProcessors(), 1000,
          System.getenv(), new PrometheusMeterRegistry(PrometheusConfig.DEFAULT));
    }

    public Options withRouterInstances(int n) {
      return new Options(configFile, overrides, n, scanPeriodMs, env, registry);
    }

    public Options withRegistry(PrometheusMeterRegistry newRegistry) {
      return new Options(configFile, overrides, routerInstances, scanPeriodMs, env, newRegistry);
    }
  }

  private static final Logger LOG = LoggerFactory.getLogger(Gateway.class);

  private final Vertx vertx;
  private final String host;
  private final int port;
  private final List<String> deployments;

  private Gateway(Vertx vertx, String host, int port, List<String> deployments) {
    this.vertx = vertx;
    this.host = host;
    this.port = port;
    this.deployments = List.copyOf(deployments);
  }

  /** The address the router listens on. */
  public String host() {
    return host;
  }

  /** The port the router listens on. */
  public int port() {
    return port;
  }

  public static Future<Gateway> start(Vertx vertx, Options options) {
    Function<String, String> env = options.env()::get;
    GatewayMetrics metrics = new GatewayMetrics(options.registry());
    ConcurrencyLimiter limiter = new ConcurrencyLimiter(vertx);
    ConfigVerticle config = new ConfigVerticle(options.configFile(), options.overrides(),
        options.scanPeriodMs(), env, metrics);
    List<RouterVerticle> routers = new CopyOnWriteArrayList<>();
    List<String> ids = new CopyOnWriteArrayList<>();
    int randomPortShare = -ThreadLocalRandom.current().nextInt(1, 1 << 20);
    return vertx.deployVerticle(config)
        .compose(id -> {
          ids.add(id);
          // Both need only the config: start them side by side.
          Future<String> process = vertx.deployVerticle(new ProcessVerticle(options.env(), metrics));
          Future<String> ollama = vertx.deployVerticle(new OllamaVerticle(options.overrides(), metrics));
          return Future.all(process, ollama).map(all -> {
            ids.add(process.result());
            ids.add(ollama.result());
            return null;
          });
        })
        .compose(v -> vertx.deployVerticle(() -> {
          // The page's /admin calls pass the access rule that AdminRoutes mounts first.
          RouterVerticle router = new RouterVerticle(env, limiter, metrics, randomPortShare,
              () -> List.of(new AdminRoutes(), new ActivityRoutes(limiter), new OllamaAdminRoutes(),
                  new OllamaApiRoutes(), new WebPage()));
          routers.add(router);
          return router;
        }, new DeploymentOptions().setInstances(Math.max(1, options.routerInstances()))))
        .map(id -> {
          ids.add(id);
          RouterVerticle first = routers.get(0);
          if (!AdminAccess.isLoopback(first.listenHost()) && !first.hasAdminToken()) {
            LOG.warn("admin endpoints are off: the gateway listens on {} without an admin token; set "
                + "gateway.admin_token or LLM_GATEWAY_ADMIN_TOKEN to use them", first.listenHost());
          }
          return new Gateway(vertx, first.listenHost(), first.actualPort(), ids);
        });
  }

  /**
   * Stops in order: the routers first (no new requests; those in flight may finish within the
   * shutdown grace), then the children, then the rest. Vert.x alone would undeploy all at once.
   */
  public Future<Void> stop() {
    Future<Void> chain = Future.succeededFuture();
    for (int i = deployments.size() - 1; i >= 0; i--) {
      String id = deployments.get(i);
      chain = chain.eventually(() -> vertx.deploymentIDs().contains(id) ? vertx.undeploy(id)
          : Future.succeededFuture());
    }
    return chain;
  }
}
