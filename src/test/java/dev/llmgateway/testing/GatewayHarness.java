package dev.llmgateway.testing;

import dev.llmgateway.Gateway;
import dev.llmgateway.config.Overrides;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.vertx.core.Vertx;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Map;

/**
 * Starts the real gateway (config verticle + two router instances) on a random loopback port with
 * an {@code llm.yml} written to a temp folder, and a fixed environment instead of the process's.
 */
public final class GatewayHarness {

  private final Path configFile;
  private final Gateway gateway;

  private GatewayHarness(Path configFile, Gateway gateway) {
    this.configFile = configFile;
    this.gateway = gateway;
  }

  public static GatewayHarness start(Vertx vertx, Path dir, String yaml, Map<String, String> env)
      throws Exception {
    return start(vertx, dir, yaml, env, null);
  }

  /** On a clustered Vert.x: the gateway as node {@code node} of the cluster. */
  public static GatewayHarness start(Vertx vertx, Path dir, String yaml, Map<String, String> env,
      Gateway.ClusterNode node) throws Exception {
    if (!vertx.deploymentIDs().isEmpty()) {
      // Its event-bus addresses are global: a second gateway would answer the first one's requests.
      throw new IllegalStateException("one gateway per Vert.x instance: give the second its own Vertx");
    }
    Path file = dir.resolve("llm.yml");
    Files.writeString(file, yaml);
    // Any free port; the host is the file's (default 127.0.0.1).
    Overrides overrides = Overrides.of(null, 0, null, null, null, Map.of());
    // Children get PATH from here; their PIDs are recorded under the test's folder, not ~/.local.
    Map<String, String> fullEnv = new java.util.HashMap<>(env);
    fullEnv.putIfAbsent("PATH", System.getenv("PATH"));
    fullEnv.putIfAbsent("XDG_STATE_HOME", dir.resolve("state").toString());
    Gateway.Options options = new Gateway.Options(file, overrides, 2, 100, fullEnv,
        new PrometheusMeterRegistry(PrometheusConfig.DEFAULT), node);
    Gateway gateway = Async.await("the gateway's start", Gateway.start(vertx, options));
    return new GatewayHarness(file, gateway);
  }

  public int port() {
    return gateway.port();
  }

  public Path configFile() {
    return configFile;
  }

  /** Replaces the config file atomically, as an editor that saves via rename would. */
  public void rewrite(String yaml) throws IOException {
    Path tmp = configFile.resolveSibling("llm.yml.tmp");
    Files.writeString(tmp, yaml);
    Files.move(tmp, configFile, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
  }
}
