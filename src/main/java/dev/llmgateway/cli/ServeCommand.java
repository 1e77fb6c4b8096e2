package dev.llmgateway.cli;

import dev.llmgateway.Gateway;
import dev.llmgateway.config.ClusterSettings;
import dev.llmgateway.config.ConfigException;
import dev.llmgateway.config.ConfigReader;
import dev.llmgateway.config.Overrides;
import dev.llmgateway.metrics.GatewayMetrics;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import java.io.PrintWriter;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code serve}: run the gateway until stopped. */
@Command(name = "serve", mixinStandardHelpOptions = true,
    description = "Run the gateway (OpenAI API on /v1, admin on /admin).")
final class ServeCommand implements Callable<Integer> {

  @Mixin
  private ConfigOption config;

  @Option(names = "--host", description = "address to listen on (default: gateway.host, else 127.0.0.1)")
  private String host;

  @Option(names = "--port", description = "port to listen on (default: gateway.port, else 8080; 0 = any free port)")
  private Integer port;

  @Option(names = "--llama-server", paramLabel = "PATH", description = "llama-server executable")
  private String llamaServer;

  @Option(names = "--ollama-url", paramLabel = "URL", description = "Ollama server, e.g. http://127.0.0.1:11434")
  private String ollamaUrl;

  @Option(names = "--model-path", paramLabel = "DIR", description = "folder of GGUF files")
  private String modelPath;

  @Option(names = "--instances", description = "HTTP server instances (default: one per CPU core)")
  private Integer instances;

  @Option(names = "--cluster", description = "join the other gateways of gateway.cluster.members "
      + "(Hazelcast, TCP/IP; also gateway.cluster.enabled: true)")
  private boolean cluster;

  @Option(names = "--cluster-members", split = ",", paramLabel = "HOST:PORT",
      description = "the cluster's members (default: gateway.cluster.members)")
  private java.util.List<String> clusterMembers;

  @Option(names = "--cluster-host", description = "this node's cluster address (default: gateway.cluster.host)")
  private String clusterHost;

  @Option(names = "--cluster-port", description = "this node's cluster port (default: gateway.cluster.port, else 5701)")
  private Integer clusterPort;

  @Spec
  private CommandSpec spec;

  @Override
  public Integer call() throws InterruptedException {
    PrintWriter out = spec.commandLine().getOut();
    PrintWriter err = spec.commandLine().getErr();
    Overrides overrides = Overrides.of(host, port, llamaServer, ollamaUrl, modelPath, System.getenv());
    Gateway.Options options = Gateway.Options.of(config.path(), overrides);
    if (instances != null) {
      options = options.withRouterInstances(Math.max(1, instances));
    }
    // Vert.x's own metrics SPI is left off: its per-request HTTP metrics duplicate the gateway's
    // (with worse labels), and starting it costs ~100 ms; JVM metrics are bound once listening.
    Vertx vertx;
    try {
      ClusterSettings clustering = clustering(overrides);
      if (clustering.enabled()) {
        String clusterHost = ClusteredVertx.check(clustering, config.path().toString());
        options = options.inCluster(new Gateway.ClusterNode(clusterHost + ":" + clustering.port(), clusterHost));
        vertx = ClusteredVertx.start(clustering, config.path().toString()).await();
      } else {
        vertx = Vertx.vertx(new VertxOptions().setPreferNativeTransport(true));
      }
    } catch (Throwable failure) {
      return explain(failure, err);
    }
    Gateway gateway;
    try {
      gateway = Gateway.start(vertx, options).await();
    } catch (Throwable failure) {
      closeQuietly(vertx);
      return explain(failure, err);
    }
    Gateway running = gateway;
    Runtime.getRuntime().addShutdownHook(new Thread(() -> {
      // SIGTERM or Ctrl-C: stop accepting, let requests in flight finish, stop the children, exit 0.
      try {
        running.stop().await(5, TimeUnit.MINUTES);
      } catch (Exception e) {
        // closing anyway
      }
      closeQuietly(vertx);
      Runtime.getRuntime().halt(Main.OK);
    }, "llm-gateway-shutdown"));
    GatewayMetrics jvmMetrics = new GatewayMetrics(options.registry());
    vertx.executeBlocking(() -> {
      jvmMetrics.bindJvm();
      return null;
    });
    out.printf("llm-gateway listening on %s://%s:%d (config %s)%n", gateway.tls() ? "https" : "http",
        gateway.host(), gateway.port(), config.path());
    out.flush();
    new CountDownLatch(1).await(); // until a signal runs the shutdown hook
    return Main.OK;
  }

  /**
   * The cluster settings, read before Vert.x starts (the clustered one is another kind of Vert.x).
   * The file is parsed here only when it can turn clustering on: a single node starts as fast as before.
   */
  private ClusterSettings clustering(Overrides overrides) throws Exception {
    boolean mentioned = java.nio.file.Files.isReadable(config.path())
        && java.nio.file.Files.readString(config.path()).contains("cluster:");
    if (!cluster && !mentioned) {
      return ClusterSettings.OFF;
    }
    ClusterSettings inFile = ConfigReader.read(config.path(), overrides).config().gateway().cluster();
    return cluster || inFile.enabled() ? inFile.enabledWith(clusterMembers, clusterHost, clusterPort)
        : ClusterSettings.OFF;
  }

  private static void closeQuietly(Vertx vertx) {
    try {
      vertx.close().await(15, TimeUnit.SECONDS);
    } catch (Exception e) {
      // exiting anyway
    }
  }

  private int explain(Throwable failure, PrintWriter err) {
    if (failure instanceof ConfigException e) {
      err.println(e.describeAll());
      err.println("The gateway did not start: fix the file above (check it with `config check`).");
      return Main.USAGE;
    }
    err.println("error: the gateway did not start: " + failure.getMessage());
    return Main.FAILURE;
  }
}
