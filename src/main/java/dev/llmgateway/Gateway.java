package dev.llmgateway;

import dev.llmgateway.cluster.ClusterVerticle;
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
import dev.llmgateway.routing.EndpointPools;
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
      Map<String, String> env, PrometheusMeterRegistry registry, ClusterNode clusterNode) {

    /** A gateway on its own (no cluster). */
    public Options(Path configFile, Overrides overrides, int routerInstances, long scanPeriodMs,
        Map<String, String> env, PrometheusMeterRegistry registry) {
      this(configFile, overrides, routerInstances, scanPeriodMs, env, registry, null);
    }

    public static Options of(Path configFile, Overrides overrides) {
      return new Options(configFile, overrides, Runtime.getRuntime().availableProcessors(), 1000,
          System.getenv(), new PrometheusMeterRegistry(PrometheusConfig.DEFAULT));
    }

    public Options withRouterInstances(int n) {
      return new Options(configFile, overrides, n, scanPeriodMs, env, registry, clusterNode);
    }

    public Options withRegistry(PrometheusMeterRegistry newRegistry) {
      return new Options(configFile, overrides, routerInstances, scanPeriodMs, env, newRegistry, clusterNode);
    }

    /** On a clustered Vert.x: this gateway is that node of the cluster. */
    public Options inCluster(ClusterNode node) {
      return new Options(configFile, overrides, routerInstances, scanPeriodMs, env, registry, node);
    }
  }

  /**
   * This gateway as a node of a cluster: its name (its cluster address, {@code host:port}) and the
   * host the other nodes reach its API on (its cluster host, unless the API listens on one address).
   */
  public record ClusterNode(String name, String host) {
  }

  private static final Logger LOG = LoggerFactory.getLogger(Gateway.class);

  private final Vertx vertx;
  private final String host;
  private final int port;
  private final List<String> deployments;
  private final boolean tls;

  private Gateway(Vertx vertx, String host, int port, boolean tls, List<String> deployments) {
    this.vertx = vertx;
    this.tls = tls;
    this.host = host;
    this.port = port;
    this.deployments = List.copyOf(deployments);
  }

  /** The address the router listens on. */
  public String host() {
    return host;
  }

  /** Whether the router listens with TLS (https). */
  public boolean tls() {
    return tls;
  }

  /** The port the router listens on. */
  public int port() {
    return port;
  }

  public static Future<Gateway> start(Vertx vertx, Options options) {
    Function<String, String> env = options.env()::get;
    GatewayMetrics metrics = new GatewayMetrics(options.registry());
    ConcurrencyLimiter limiter = new ConcurrencyLimiter(vertx);
    EndpointPools pools = new EndpointPools(vertx, metrics);
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
          RouterVerticle router = new RouterVerticle(env, limiter, pools, metrics, randomPortShare,
              () -> List.of(new AdminRoutes(), new ActivityRoutes(limiter), new OllamaAdminRoutes(),
                  new OllamaApiRoutes(), new WebPage()));
          routers.add(router);
          return router;
        }, new DeploymentOptions().setInstances(Math.max(1, options.routerInstances()))))
        .compose(id -> {
          ids.add(id);
          RouterVerticle first = routers.get(0);
          if (!AdminAccess.isLoopback(first.listenHost()) && !first.hasAdminToken()) {
            LOG.warn("admin endpoints are off: the gateway listens on {} without an admin token; set "
                + "gateway.admin_token or LLM_GATEWAY_ADMIN_TOKEN to use them", first.listenHost());
          }
          // Last, so that it is stopped first: the others hear this node leave before its routers close.
          Future<String> cluster = options.clusterNode() == null ? Future.succeededFuture(null)
              : vertx.deployVerticle(new ClusterVerticle(options.clusterNode().name(),
                  apiUrl(options.clusterNode(), first)));
          return cluster.map(clusterId -> {
            if (clusterId != null) {
              ids.add(clusterId);
            }
            return new Gateway(vertx, first.listenHost(), first.actualPort(), first.tls(), ids);
          });
        });
  }

  /**
   * Where the other nodes send the requests they pass to this one: the API's own address when it
   * listens on one, else the cluster address (the API listens on every address then).
   */
  private static String apiUrl(ClusterNode node, RouterVerticle router) {
    String listen = router.listenHost();
    boolean anyAddress = listen == null || listen.equals("0.0.0.0") || listen.equals("::") || listen.equals("[::]");
    String host = anyAddress ? node.host() : listen;
    if (AdminAccess.isLoopback(host) && !AdminAccess.isLoopback(node.host())) {
      LOG.warn("the API listens on {} only: the other gateways of the cluster cannot pass requests for "
          + "the models running here; listen on {} or 0.0.0.0 (gateway.host)", listen, node.host());
    }
    String hostPart = host.contains(":") && !host.startsWith("[") ? "[" + host + "]" : host;
    return (router.tls() ? "https://" : "http://") + hostPart + ":" + router.actualPort();
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
