package dev.llmgateway.admin;

import dev.llmgateway.bus.ClusterBus;
import dev.llmgateway.bus.ProcessBus;
import dev.llmgateway.bus.RoutingBus;
import dev.llmgateway.config.CloudModel;
import dev.llmgateway.config.LocalModel;
import dev.llmgateway.model.Backend;
import dev.llmgateway.model.ModelCatalog;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.PoolOptions;
import dev.llmgateway.api.Connections;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.RequestOptions;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;

/**
 * {@code GET /admin/models}: every entry with its type, backend URL, roles and state. Supervised
 * children report their own state; an Ollama server or LiteLLM proxy the gateway does not run is
 * asked directly and shows {@code external} when it answers, {@code unreachable} when not.
 */
final class ModelStates {

  private final Vertx vertx;
  private final Supplier<ModelCatalog> catalog;
  private final HttpClient probe;

  ModelStates(Vertx vertx, Supplier<ModelCatalog> catalog) {
    this.vertx = vertx;
    this.catalog = catalog;
    this.probe = Connections.client(vertx, new HttpClientOptions().setKeepAlive(false), new PoolOptions());
  }

  void handle(RoutingContext ctx) {
    snapshot().onSuccess(ctx::json).onFailure(ctx::fail);
  }

  /** {@code {"models": [...]}} as {@code GET /admin/models} answers it. */
  Future<JsonObject> snapshot() {
    ModelCatalog current = catalog.get();
    Future<JsonObject> apis = vertx.eventBus().<JsonObject>request(RoutingBus.APIS, null)
        .map(reply -> reply.body().getJsonObject("backends"))
        .otherwise(new JsonObject());
    Future<JsonObject> pools = vertx.eventBus().<JsonObject>request(RoutingBus.POOLS, null)
        .map(reply -> reply.body().getJsonObject("pools"))
        .otherwise(new JsonObject());
    Future<JsonObject> cluster = vertx.eventBus().<JsonObject>request(ClusterBus.DIRECTORY_NOW, null)
        .map(reply -> reply.body())
        .otherwise((JsonObject) null); // not in a cluster
    return Future.all(apis, pools, cluster).compose(all3 -> vertx.eventBus().<JsonObject>request(ProcessBus.LIST, null)
        .map(reply -> reply.body().getJsonArray("processes"))
        .otherwise(new JsonArray())
        .compose(all -> {
          Map<String, JsonObject> processes = new HashMap<>();
          Map<String, JsonObject> byPort = new HashMap<>();
          for (int i = 0; i < all.size(); i++) {
            JsonObject p = all.getJsonObject(i);
            processes.put(p.getString("id"), p);
            byPort.put(p.getString("host") + ":" + p.getInteger("port"), p);
          }
          List<Future<JsonObject>> rows = new ArrayList<>();
          for (Backend b : current.all()) {
            rows.add(row(current, b, processes, byPort, pools.result())
                .map(row -> withNodes(withApis(row, b, apis.result()), b, cluster.result())));
          }
          return Future.all(rows).map(done -> {
            JsonArray models = new JsonArray();
            rows.forEach(f -> models.add(f.result()));
            JsonObject answer = new JsonObject().put("models", models);
            if (cluster.result() != null) {
              answer.put("node", cluster.result().getString("node"));
            }
            return answer;
          });
        }));
  }

  /**
   * {@code "apis": {"/v1/messages": "native"|"translated"}}: what the router learnt when it first
   * asked this backend an API in front (absent until then).
   */
  private static JsonObject withApis(JsonObject row, Backend b, JsonObject known) {
    JsonObject byAddress = known.getValue(b.ref()) instanceof JsonObject o ? o : null;
    if (byAddress != null && byAddress.getValue(b.authority()) instanceof JsonObject apis) {
      row.put("apis", apis);
    }
    return row;
  }

  /**
   * In a cluster, {@code "nodes"}: the nodes where this llama.cpp model is loaded now, this one
   * first (a request for it on any node is served there).
   */
  private static JsonObject withNodes(JsonObject row, Backend b, JsonObject directory) {
    if (directory == null || b.pooled() || b.kind() != Backend.Kind.LLAMA_CPP) {
      return row;
    }
    JsonArray nodes = new JsonArray();
    if ("running".equals(row.getString("state"))) {
      nodes.add(directory.getString("node"));
    }
    JsonArray others = directory.getJsonArray("nodes", new JsonArray());
    for (int i = 0; i < others.size(); i++) {
      JsonObject node = others.getJsonObject(i);
      if (node.getJsonArray("models", new JsonArray()).contains(b.id())) {
        nodes.add(node.getString("node"));
      }
    }
    return row.put("nodes", nodes);
  }

  private Future<JsonObject> row(ModelCatalog current, Backend b, Map<String, JsonObject> processes,
      Map<String, JsonObject> byPort, JsonObject pools) {
    JsonObject row = new JsonObject().put("id", b.id()).put("ref", b.ref()).put("alias", aliasOf(current, b.ref()))
        .put("type", b.kind().label()).put("backend", b.baseUrl())
        .put("upstream_model", b.upstreamModel())
        .put("roles", new JsonArray(current.rolesOf(b.ref())));
    if (b.pooled()) {
      return pooled(row, b, pools.getValue(b.ref()) instanceof JsonObject o ? o : new JsonObject());
    }
    JsonObject process = b.kind() == Backend.Kind.LLAMA_CPP ? processes.get(b.id())
        : b.kind() == Backend.Kind.CLOUD ? byPort.get(b.host() + ":" + b.port()) : null;
    if (process != null) {
      // "process": the id to use with /admin/processes/{id}/... (a LiteLLM proxy serves several entries)
      return Future.succeededFuture(row.put("state", process.getString("state"))
          .put("message", process.getString("message")).put("pid", process.getLong("pid"))
          .put("process", process.getString("id")));
    }
    return reachable(b).map(up -> up ? row.put("state", "external")
        : row.put("state", "unreachable").put("message", "nothing answers at " + b.baseUrl() + ": "
            + b.startHint()));
  }

  /**
   * A pool: {@code "endpoints": [{"endpoint": "host:port", "state": "up"|"down"|"unreachable", ...}]};
   * the entry is {@code external} while one is up. A server no request has gone to yet is probed now.
   */
  private Future<JsonObject> pooled(JsonObject row, Backend b, JsonObject known) {
    List<Future<JsonObject>> endpoints = new ArrayList<>();
    for (Backend.Target t : b.endpoints()) {
      JsonObject seen = known.getValue(t.authority()) instanceof JsonObject o ? o.copy() : null;
      Future<JsonObject> one = seen != null ? Future.succeededFuture(seen)
          : reachable(b.at(t)).map(up -> new JsonObject().put("state", up ? "up" : "unreachable")
              .put("weight", t.weight()).put("in_flight", 0).put("requests", 0));
      endpoints.add(one.map(e -> new JsonObject().put("endpoint", t.authority()).put("host", t.host())
          .put("port", t.port()).mergeIn(e)));
    }
    return Future.all(endpoints).map(done -> {
      JsonArray list = new JsonArray();
      endpoints.forEach(f -> list.add(f.result()));
      boolean anyUp = endpoints.stream().anyMatch(f -> "up".equals(f.result().getString("state")));
      row.put("endpoints", list).put("state", anyUp ? "external" : "unreachable");
      if (!anyUp) {
        row.put("message", "no server of this pool answers: " + b.startHint());
      }
      return row;
    });
  }

  private static String aliasOf(ModelCatalog current, String ref) {
    for (LocalModel m : current.config().localModels()) {
      if (ref.equals(m.ref())) {
        return m.alias();
      }
    }
    for (CloudModel m : current.config().cloudModels()) {
      if (ref.equals(m.ref())) {
        return m.alias();
      }
    }
    return null;
  }

  private Future<Boolean> reachable(Backend b) {
    String path = b.kind() == Backend.Kind.CLOUD ? "/health/liveliness" : "/";
    RequestOptions options = new RequestOptions().setMethod(HttpMethod.GET).setHost(b.host())
        .setPort(b.port()).setURI(path).setConnectTimeout(1000).setIdleTimeout(1000);
    return probe.request(options).compose(req -> req.send())
        .compose(resp -> resp.body().map(body -> resp.statusCode() < 500))
        .otherwise(false);
  }
}
