package dev.llmgateway.routing;

import dev.llmgateway.api.Endpoint;
import dev.llmgateway.bus.ClusterBus;
import dev.llmgateway.model.Backend;
import io.vertx.core.Future;
import io.vertx.core.MultiMap;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.RequestOptions;
import io.vertx.core.net.ClientSSLOptions;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A request for a llama.cpp model that is not loaded on this node but is on another gateway of the
 * cluster: passed to that node's API as the client sent it (same path, body and credentials; that
 * node resolves, translates and meters it itself) and its answer relayed back, streamed, with
 * {@code X-LLM-Node}. If the node cannot be reached before anything reached the client, the request
 * is served here, as without a cluster ({@code orHere}), and the node is avoided for a few seconds.
 */
final class NodeForward {

  private static final Logger LOG = LoggerFactory.getLogger(NodeForward.class);
  static final String REMOTE = "remote";
  private final ApiCall call;
  private final HttpClient client;
  private final NodeDirectory directory;
  private final NodeDirectory.Node node;
  private final Attempt attempt;
  private final Runnable orHere;
  private final ClientSSLOptions tls;
  private UpstreamCall upstream;

  /** @param tls how to reach a node over https (see {@link #tls}) */
  NodeForward(ApiCall call, HttpClient client, NodeDirectory directory, NodeDirectory.Node node,
      Attempt attempt, ClientSSLOptions tls, Runnable orHere) {
    this.tls = tls;
    this.call = call;
    this.client = client;
    this.directory = directory;
    this.node = node;
    this.attempt = attempt;
    this.orHere = orHere;
  }

  /** An attempt at {@code backend} on {@code node}: where the request goes, and its limits. */
  static Attempt attempt(ApiCall call, Backend backend, NodeDirectory.Node node, Endpoint endpoint,
      RequestBody body, long connectTimeoutMs) {
    Backend there = backend.at(new Backend.Target(node.host(), node.port(), 1));
    return new Attempt(there, endpoint, body, call.request().headers(), call.record().id(), connectTimeoutMs,
        backend.timeoutMs());
  }

  /**
   * The gateways of one cluster trust the certificates of this node's {@code gateway.tls.cert} (the
   * same certificate on every node, or a file that also holds their CA). They are addressed by IP,
   * so the names in a certificate are not checked.
   */
  static ClientSSLOptions tls(dev.llmgateway.config.TlsSettings settings) {
    ClientSSLOptions options = new ClientSSLOptions().setHostnameVerificationAlgorithm("");
    if (settings.enabled()) {
      options.setTrustOptions(new io.vertx.core.net.PemTrustOptions().addCertPath(settings.certPath()));
    }
    return options;
  }

  void start() {
    // Counted here under route "remote" (the serving node counts it as its own, under its route).
    call.record().target(attempt.backend(), REMOTE);
    call.record().node = node.name();
    call.onEnd(clientLeft -> {
      if (clientLeft && upstream != null) {
        upstream.cancel();
      }
    });
    UpstreamCall mine = new UpstreamCall();
    upstream = mine;
    mine.settle(send(mine), attempt);
    mine.answer().onComplete(ar -> {
      if (mine.cancelled()) {
        if (ar.succeeded()) {
          ar.result().discard();
        }
      } else if (ar.failed()) {
        LOG.warn("{} {}: node {} of the cluster could not be reached at {}:{} ({}); serving it here",
            call.request().method(), attempt.endpoint().path(), node.name(), node.host(), node.port(),
            ar.cause().getMessage());
        directory.avoid(node);
        call.record().node = null;
        orHere.run();
      } else {
        Relay.run(call, attempt, ar.result(), HttpHeaders.headers().set(ClusterBus.NODE_HEADER, node.name()));
      }
    });
  }

  private Future<UpstreamAnswer> send(UpstreamCall mine) {
    MultiMap headers = HttpHeaders.headers();
    Headers.copyToNode(call.request().headers(), headers);
    headers.set("X-Request-Id", attempt.requestId());
    headers.set(ClusterBus.FORWARDED_BY_HEADER, String.valueOf(directory.self()));
    RequestOptions options = new RequestOptions().setMethod(HttpMethod.POST)
        .setHost(node.host()).setPort(node.port()).setURI(call.request().uri())
        .setConnectTimeout(attempt.connectTimeoutMs())
        .setIdleTimeout(attempt.idleTimeoutMs())
        .setHeaders(headers);
    if (node.tls()) {
      options.setSsl(true).setSslOptions(tls);
    }
    return mine.send(client, options, attempt.body().raw());
  }
}
