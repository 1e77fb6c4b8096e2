package dev.llmgateway;

import dev.llmgateway.config.ConfigVerticle;
import dev.llmgateway.config.Overrides;
import dev.llmgateway.ollama.OllamaVerticle;
import dev.llmgateway.routing.RouterVerticle;
import io.vertx.core.DeploymentOptions;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Function;

/**
 * Starts the gateway's verticles on a Vert.x instance: config first (it must have a valid config),
 * then the router on every event loop. Used by {@code serve} and by the tests.
 */
public final class Gateway {

  /** What to start. {@code env} is how environment variables are read (tests pass their own). */
  public record Options(Path configFile, Overrides overrides, int routerInstances, long scanPeriodMs,
      Function<String, String> env) {

    public static Options of(Path configFile, Overrides overrides) {
      return new Options(configFile, overrides, Runtime.getRuntime().availableProcessors(), 1000,
          System::getenv);
    }

    public Options withRouterInstances(int n) {
      return new Options(configFile, overrides, n, scanPeriodMs, env);
    }

    public Options withScanPeriodMs(long ms) {
      return new Options(configFile, overrides, routerInstances, ms, env);
    }

    public Options withEnv(Function<String, String> newEnv) {
      return new Options(configFile, overrides, routerInstances, scanPeriodMs, newEnv);
    }
  }

  private final String host;
  private final int port;

  private Gateway(String host, int port) {
    this.host = host;
    this.port = port;
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
    ConfigVerticle config = new ConfigVerticle(options.configFile(), options.overrides(),
        options.scanPeriodMs(), options.env());
    List<RouterVerticle> routers = new CopyOnWriteArrayList<>();
    return vertx.deployVerticle(config)
        .compose(id -> vertx.deployVerticle(new OllamaVerticle(options.overrides())))
        .compose(id -> vertx.deployVerticle(() -> {
          RouterVerticle router = new RouterVerticle(options.env());
          routers.add(router);
          return router;
        }, new DeploymentOptions().setInstances(Math.max(1, options.routerInstances()))))
        .map(id -> new Gateway(routers.get(0).listenHost(), routers.get(0).actualPort()));
  }
}
