package dev.llmgateway.routing;

import dev.llmgateway.model.ModelCatalog;
import dev.llmgateway.api.Connections;
import dev.llmgateway.api.Endpoint;
import dev.llmgateway.api.ErrorResponses;
import dev.llmgateway.api.RouteMount;
import dev.llmgateway.bus.ActivityBus;
import dev.llmgateway.bus.RoutingBus;
import dev.llmgateway.config.GatewaySettings;
import dev.llmgateway.model.LiveCatalog;
import dev.llmgateway.metrics.GatewayMetrics;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.vertx.micrometer.PrometheusScrapingHandler;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.http.PoolOptions;
import io.vertx.core.json.JsonObject;
import io.vertx.core.net.PemKeyCertOptions;
import io.vertx.ext.web.Router;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import java.util.function.Supplier;

/**
 * The HTTP server: {@code /v1/*}, {@code /health}, {@code /admin/*}. Several instances share the port
 * (one per event loop); each keeps its own snapshot of the config, replaced on
 * {@code llm.config.changed}, and its own pooled client to the backends.
 */
public final class RouterVerticle extends VerticleBase {

  private final Function<String, String> env;
  private final ConcurrencyLimiter limiter;
  private final EndpointPools pools;
  private final GatewayMetrics metrics;
  private final int randomPortShare;

  private final Supplier<List<RouteMount>> mounts;

  private LiveCatalog live;
  private HttpClient client;
  private SupervisedGate gate;
  private LoadStates loadStates;
  private NodeDirectory nodes;
  private NativeApis apis;
  private HttpServer server;
  private String listenHost;
  private final ActivityLog activity = new ActivityLog();

  /**
   * @param limiter shared by every instance: limits hold across event loops
   * @param pools shared by every instance: the state of the pools' servers
   * @param metrics shared by every verticle
   * @param randomPortShare a negative number, the same for every instance of one gateway: for
   *     {@code port: 0}, Vert.x gives instances listening on the same negative port one shared random
   *     port (and another gateway in the same Vert.x a different one)
   * @param mounts the other areas' routes ({@code /admin}, the page), fresh for each instance, in
   *     the order they are mounted
   */
  public RouterVerticle(Function<String, String> env, ConcurrencyLimiter limiter, EndpointPools pools,
      GatewayMetrics metrics, int randomPortShare, Supplier<List<RouteMount>> mounts) {
    this.pools = pools;
    this.mounts = mounts;
    this.env = env;
    this.limiter = limiter;
    this.metrics = metrics;
    this.randomPortShare = randomPortShare;
  }

  @Override
  public Future<?> start() {
    client = Connections.client(vertx, new HttpClientOptions()
            .setKeepAlive(true)
            // Under the 5 s keep-alive of llama-server (cpp-httplib) and uvicorn, so a pooled
            // connection is never reused just as the backend closes it.
            .setKeepAliveTimeout(3)
            .setTcpNoDelay(true),
        new PoolOptions().setHttp1MaxSize(1024).setMaxWaitQueueSize(-1));
    apis = new NativeApis(vertx);
    // Every instance answers from the one shared map: whichever the bus picks says the same.
    vertx.eventBus().localConsumer(RoutingBus.APIS, message -> message.reply(apis.snapshot()));
    vertx.eventBus().localConsumer(RoutingBus.POOLS,
        message -> message.reply(new JsonObject().put("pools", pools.snapshot())));
    int instances = context.getInstanceCount();
    vertx.eventBus().<JsonObject>localConsumer(ActivityBus.REPORT, msg ->
        vertx.eventBus().send(msg.body().getString("reply_to"), activity.report(instances)));
    return LiveCatalog.follow(vertx).compose(catalog -> {
      live = catalog;
      loadStates = new LoadStates(vertx);
      gate = new SupervisedGate(vertx, () -> catalog.get().config().gateway().memory().swapTimeoutMs(),
          loadStates);
      nodes = new NodeDirectory(vertx);
      return Future.all(loadStates.start(), nodes.start()).mapEmpty();
    }).compose(v -> requestHandler(live.get().config().gateway().host())).compose(handler -> {
      GatewaySettings settings = live.get().config().gateway();
      int port = settings.port() == 0 ? randomPortShare : settings.port();
      listenHost = settings.host();
      // Connections idle (nothing read or written) for longer than any backend may be silent
      // are dead weight: close them.
      int idleSeconds = (int) Math.min(Integer.MAX_VALUE, settings.requestTimeoutMs() / 1000 + 60);
      // HTTP/1.1 only (what OpenAI SDKs, curl and browsers use over plain HTTP): with h2c on, a
      // connection that has not sent its first bytes yet (browsers open spare ones) is neither
      // HTTP/1 nor HTTP/2 and holds a graceful shutdown for the whole grace.
      HeadTimeout heads = new HeadTimeout(vertx, settings.headerTimeoutMs());
      return vertx.createHttpServer(serverOptions(settings, idleSeconds))
          .connectionHandler(connection -> {
            Connections.quiet(connection);
            heads.connected(connection);
          })
          .requestHandler(heads.around(handler))
          .listen(port, settings.host())
          .recover(err -> Future.failedFuture(listenFailure(settings.host(), settings.port(), err)));
    }).onSuccess(s -> server = s);
  }

  /** HTTP/1.1, over TLS when {@code gateway.tls} is set (the handshake gets the header timeout too). */
  private static HttpServerOptions serverOptions(GatewaySettings settings, int idleSeconds) {
    HttpServerOptions options = new HttpServerOptions().setTcpNoDelay(true)
        .setHttp2ClearTextEnabled(false)
        .setIdleTimeout(idleSeconds).setIdleTimeoutUnit(TimeUnit.SECONDS);
    if (settings.tls().enabled()) {
      options.setSsl(true).setUseAlpn(false)
          .setKeyCertOptions(new PemKeyCertOptions().setCertPath(settings.tls().certPath())
              .setKeyPath(settings.tls().keyPath()))
          .setSslHandshakeTimeout(settings.headerTimeoutMs()).setSslHandshakeTimeoutUnit(TimeUnit.MILLISECONDS);
    }
    return options;
  }

  /** Stops accepting, lets requests in flight finish (up to the shutdown grace), then closes. */
  @Override
  public Future<?> stop() {
    long grace = live == null ? 0 : live.get().config().gateway().shutdownGraceMs();
    Future<Void> closed = server == null ? Future.succeededFuture()
        : server.shutdown(grace, TimeUnit.MILLISECONDS);
    return closed.eventually(() -> client.close());
  }

  private static IllegalStateException listenFailure(String host, int port, Throwable err) {
    String reason = String.valueOf(err.getMessage());
    String hint = reason.contains("already in use")
        ? "; another program holds the port: stop it or pass --port <port>"
        : reason.contains("assign requested address") || reason.contains("resolve")
        ? "; that address is not on this machine: check gateway.host or --host" : "";
    return new IllegalStateException("cannot listen on " + host + ":" + port + ": " + reason + hint);
  }

  public String listenHost() {
    return listenHost;
  }

  /** Whether the listener speaks HTTPS ({@code gateway.tls}). */
  public boolean tls() {
    return live.get().config().gateway().tls().enabled();
  }

  public boolean hasAdminToken() {
    return live.get().config().gateway().adminToken() != null;
  }

  /** The port this instance listens on (the real one when the config says 0). */
  public int actualPort() {
    return server.actualPort();
  }

  /** The fast path for the model endpoints, in front of the router for everything else. */
  private Future<RequestEntry> requestHandler(String listenHost) {
    Supplier<ModelCatalog> catalog = live;
    RequestLog requestLog = new RequestLog(metrics, () -> catalog.get().config().gateway().requestLog());
    ClientKeys clientKeys = new ClientKeys(() -> catalog.get().config().gateway().apiKeys());
    ProxyHandler proxy = new ProxyHandler(
        new Dispatch.Services(new Adapters(client, new BackendKeys(env), apis), gate, limiter, metrics, pools, loadStates), catalog,
        new ProxyHandler.Cluster(nodes, loadStates, client));
    Cors cors = new Cors(() -> catalog.get().config().gateway().corsOrigins());
    Router router = router(catalog, requestLog, cors, clientKeys);
    Future<Void> mounted = Future.succeededFuture();
    for (RouteMount mount : mounts.get()) {
      mounted = mounted.compose(v -> mount.mount(vertx, router));
    }
    return mounted.map(v -> {
      router.route().failureHandler(ErrorResponses::handleFailure);
      router.errorHandler(404, ErrorResponses::handleFailure);
      router.errorHandler(405, ErrorResponses::handleFailure);
      return new RequestEntry(vertx, router, proxy, requestLog, cors, clientKeys, activity);
    });
  }

  private Router router(Supplier<ModelCatalog> catalog, RequestLog requestLog, Cors cors,
      ClientKeys clientKeys) {
    Router router = Router.router(vertx);
    router.route().handler(requestLog);
    router.route().handler(cors);
    router.route("/v1/*").handler(clientKeys);
    router.route("/api/*").handler(clientKeys); // Ollama's API (OllamaApiRoutes mounts the rest of it)
    for (Endpoint endpoint : Endpoint.values()) {
      // POSTs to the model endpoints never get here (RequestEntry takes them): any other method is wrong.
      router.route(endpoint.path()).handler(ctx -> ErrorResponses.send(ctx.response(),
          ErrorResponses.forStatus(405, ctx.request().method() + " " + ctx.request().path()), endpoint.envelope()));
    }
    ModelsHandler models = new ModelsHandler(catalog, () -> live.snapshot().loadedAt().getEpochSecond(),
        loadStates, nodes);
    router.get("/v1/models").handler(models::list);
    router.getWithRegex("/v1/models/(?<id>.+)").handler(models::one);
    router.get("/health").handler(ctx -> ctx.json(new JsonObject().put("status", "ok")));
    if (metrics.registry() instanceof PrometheusMeterRegistry prometheus) {
      router.get("/metrics").handler(PrometheusScrapingHandler.create(prometheus));
    }
    return router;
  }
}
