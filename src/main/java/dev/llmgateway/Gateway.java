package dev.llmgateway;

import dev.llmgateway.config.ConfigVerticle;
import dev.llmgateway.config.Overrides;
import dev.llmgateway.routing.RouterVerticle;
import io.vertx.core.DeploymentOptions;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.nio.file.Path;
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
    RouterVerticle first = new RouterVerticle(options.env(), -1);
    return vertx.deployVerticle(config)
        // The first router resolves a configured port 0 to a real one; the others share it.
        .compose(id -> vertx.deployVerticle(first))
        .compose(id -> {
          int others = options.routerInstances() - 1;
          if (others <= 0) {
            return Future.succeededFuture(new Gateway(first.listenHost(), first.actualPort()));
          }
          int port = first.actualPort();
          return vertx.deployVerticle(() -> new RouterVerticle(options.env(), port),
                  new DeploymentOptions().setInstances(others))
              .map(ignored -> new Gateway(first.listenHost(), port));
        });
  }
}
