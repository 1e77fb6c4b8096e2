package dev.llmgateway.routing;

import dev.llmgateway.model.ModelCatalog;
import dev.llmgateway.api.Endpoint;
import dev.llmgateway.api.ApiError;
import dev.llmgateway.bus.ClusterBus;
import dev.llmgateway.config.GatewaySettings;
import dev.llmgateway.config.LocalModel;
import dev.llmgateway.model.Backend;
import io.vertx.core.http.HttpClient;
import io.vertx.core.json.JsonObject;
import io.vertx.core.http.HttpHeaders;
import java.util.Locale;
import java.util.function.Supplier;

/**
 * {@code POST /v1/*}: read the body (with a limit), parse it, plan the route, dispatch — here, or on
 * the node of the cluster that has the model loaded when this one does not.
 */
final class ProxyHandler {

  private final Dispatch.Services services;
  private final Supplier<ModelCatalog> catalog;
  private final Cluster cluster;
  /** How to reach other nodes over TLS, made once per {@code gateway.tls} (an SSL context each is costly). */
  private dev.llmgateway.config.TlsSettings nodeTlsOf;
  private io.vertx.core.net.ClientSSLOptions nodeTls;

  /** What the proxy knows of the cluster: where models are loaded, here and on the other nodes. */
  record Cluster(NodeDirectory nodes, LoadStates here, HttpClient client) {
  }

  ProxyHandler(Dispatch.Services services, Supplier<ModelCatalog> catalog, Cluster cluster) {
    this.services = services;
    this.catalog = catalog;
    this.cluster = cluster;
  }

  /** Handles a call; throws {@link ApiError} for what it refuses before reading the body. */
  void handle(ApiCall call, Endpoint endpoint) {
    String type = call.request().getHeader(HttpHeaders.CONTENT_TYPE);
    if (type != null && type.toLowerCase(Locale.ROOT).startsWith("multipart/")) {
      throw new ApiError(415, "invalid_request_error", "unsupported_media_type", null,
          "Content-Type must be application/json (got " + type.split(";")[0] + ")");
    }
    GatewaySettings settings = catalog.get().config().gateway();
    String self = cluster.nodes().self();
    if (self != null) {
      call.response().headers().set(ClusterBus.NODE_HEADER, self);
    }
    BodyReader.read(call.vertx(), call.request(), settings.maxBodyBytes()).onComplete(ar -> {
      if (ar.failed()) {
        refuse(call, ar.cause());
        return;
      }
      try {
        RequestBody body = RequestBody.parse(ar.result());
        AnthropicRequest.check(endpoint, body);
        RequestRecord record = call.record();
        record.requested = body.model();
        record.stream = body.stream();
        // Ollama's API: refused here what Ollama would refuse; its answers stream unless told not to.
        record.stream |= OllamaApiRequests.check(endpoint, body);
        record.bytesIn = ar.result().length();
        ModelCatalog current = catalog.get();
        GatewaySettings now = current.config().gateway();
        RoutePlanner.Plan plan;
        try {
          plan = RoutePlanner.plan(current, endpoint, body, call.request().getHeader("X-LLM-Route"));
        } catch (ApiError unknown) {
          // No entry here: another node of the cluster may run a model of that name.
          NodeDirectory.Node node = "model_not_found".equals(unknown.code()) ? unknownHere(call, body.model()) : null;
          if (node == null) {
            throw unknown;
          }
          Backend there = Backend.onAnotherNode(stripRef(body.model()), node.host(), node.port(), now.requestTimeoutMs());
          forward(call, endpoint, body, node, there, now, () -> call.fail(unknown));
          return;
        }
        Runnable here = () -> new Dispatch(call, services, endpoint, body, current.config(), plan, record).start();
        NodeDirectory.Node node = elsewhere(call, plan.primary());
        if (node == null) {
          here.run();
        } else {
          forward(call, endpoint, body, node, plan.primary(), now, here);
        }
      } catch (ApiError e) {
        call.fail(e);
      } catch (RuntimeException e) {
        call.failInternally(e);
      }
    });
  }

  /**
   * The other node to pass the request to: one that has the model loaded, when this node has not
   * (nor is loading it) — a llama.cpp model runs once in the cluster instead of being loaded again
   * on every node a request reaches. A request passed by another node is served here.
   */
  private NodeDirectory.Node elsewhere(ApiCall call, Backend backend) {
    if (cluster.nodes().self() == null || call.request().getHeader(ClusterBus.FORWARDED_BY_HEADER) != null
        || backend.pooled() || backend.kind() != Backend.Kind.LLAMA_CPP) {
      return null;
    }
    JsonObject here = cluster.here().of(backend.id());
    String state = here == null ? null : here.getString("state");
    if ("loaded".equals(state) || "loading".equals(state)) {
      return null;
    }
    return cluster.nodes().running(backend.id());
  }

  private void forward(ApiCall call, Endpoint endpoint, RequestBody body, NodeDirectory.Node node,
      Backend backend, GatewaySettings now, Runnable orHere) {
    new NodeForward(call, cluster.client(), cluster.nodes(), node,
        NodeForward.attempt(call, backend, node, endpoint, body, now.connectTimeoutMs()),
        nodeTls(now.tls()), orHere).start();
  }

  private io.vertx.core.net.ClientSSLOptions nodeTls(dev.llmgateway.config.TlsSettings tls) {
    if (!tls.equals(nodeTlsOf)) {
      nodeTlsOf = tls;
      nodeTls = NodeForward.tls(tls);
    }
    return nodeTls;
  }

  /** Another node running a llama.cpp model this node has no entry for (by id, or local_models/id). */
  private NodeDirectory.Node unknownHere(ApiCall call, String model) {
    if (cluster.nodes().self() == null || model == null || model.isEmpty()
        || call.request().getHeader(ClusterBus.FORWARDED_BY_HEADER) != null) {
      return null;
    }
    return cluster.nodes().running(stripRef(model));
  }

  private static String stripRef(String model) {
    return model.startsWith(LocalModel.REF_PREFIX) ? model.substring(LocalModel.REF_PREFIX.length()) : model;
  }

  /** A body we stopped reading: answer, then close, since unread bytes may still be on the wire. */
  private static void refuse(ApiCall call, Throwable cause) {
    if (cause instanceof ApiError e) {
      call.response().putHeader(HttpHeaders.CONNECTION, "close");
      call.fail(e).onComplete(v -> call.request().connection().close());
    } else {
      call.request().connection().close(); // the client broke off while sending
    }
  }
}
