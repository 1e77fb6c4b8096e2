package dev.llmgateway.routing;

import dev.llmgateway.model.Backend;
import dev.llmgateway.model.ModelCatalog;
import dev.llmgateway.api.Endpoint;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;
import java.util.function.LongSupplier;
import java.util.function.Supplier;

/** {@code GET /v1/models} and {@code GET /v1/models/{id}} in OpenAI's list shape. */
final class ModelsHandler {

  private final Supplier<ModelCatalog> catalog;
  private final LongSupplier created;
  private final LoadStates loadStates;
  private final NodeDirectory nodes;

  ModelsHandler(Supplier<ModelCatalog> catalog, LongSupplier created, LoadStates loadStates, NodeDirectory nodes) {
    this.catalog = catalog;
    this.created = created;
    this.loadStates = loadStates;
    this.nodes = nodes;
  }

  void list(RoutingContext ctx) {
    ModelCatalog current = catalog.get();
    JsonArray data = new JsonArray();
    current.all().forEach(b -> {
      data.add(model(current, b));
      if (b.kind() == Backend.Kind.LLAMA_ROUTER) {
        // The router's own models, as it reports them, each reachable as <router id>/<model>.
        loadStates.ofRouter(b.id()).forEach(id -> data.add(model(current, current.find(id, Endpoint.CHAT))));
      }
    });
    // In a cluster: the llama.cpp models other nodes run that this one has no entry for (a request
    // for one is passed to that node).
    java.util.Set<String> here = new java.util.HashSet<>();
    current.all().forEach(b -> here.add(b.id()));
    nodes.remoteModels().forEach((id, node) -> {
      if (!here.contains(id)) {
        data.add(remote(id, node));
      }
    });
    ctx.json(new JsonObject().put("object", "list").put("data", data));
  }

  private JsonObject remote(String id, String node) {
    return new JsonObject().put("id", id).put("object", "model").put("created", created.getAsLong())
        .put("owned_by", Backend.Kind.LLAMA_CPP.label()).put("type", Backend.Kind.LLAMA_CPP.label())
        .put("node", node).put("status", new JsonObject().put("value", "loaded"));
  }

  /** Any name a request may use (id, ref, alias, Ollama name, {@code main}) finds its entry. */
  void one(RoutingContext ctx) {
    ModelCatalog current = catalog.get();
    String id = ctx.pathParam("id");
    Backend b;
    try {
      b = current.find(id, Endpoint.CHAT);
    } catch (dev.llmgateway.api.ApiError unknown) {
      String node = nodes.remoteModels().get(id);
      if (node == null) {
        throw unknown;
      }
      ctx.json(remote(id, node));
      return;
    }
    ctx.json(model(current, b));
  }

  private JsonObject model(ModelCatalog current, Backend b) {
    JsonObject out = new JsonObject()
        .put("id", b.id())
        .put("object", "model")
        .put("created", created.getAsLong())
        .put("owned_by", ownedBy(b))
        .put("llm_gateway", new JsonObject()
            .put("ref", b.ref())
            .put("type", b.kind().label())
            .put("backend", b.baseUrl())
            .put("upstream_model", b.upstreamModel())
            .put("roles", new JsonArray(current.rolesOf(b.ref()))));
    JsonObject load = b.kind() == Backend.Kind.LLAMA_CPP || b.kind() == Backend.Kind.LLAMA_ROUTER
        ? loadStates.of(b.id()) : null;
    if (load != null) {
      // The shape llama-server's router mode and llama-swap answer, which Open WebUI reads.
      out.put("status", new JsonObject().put("value", load.getString("state")));
      if (load.getValue("bytes") != null) {
        JsonObject meta = new JsonObject().put("memory_bytes", load.getLong("bytes"))
            .put("device", load.getString("device")).put("n_ctx", load.getLong("n_ctx"));
        if (load.getValue("slots") != null) {
          meta.put("slots", load.getInteger("slots")); // requests its server takes at once
        }
        out.put("meta", meta);
      }
    }
    return out;
  }

  private static String ownedBy(Backend b) {
    if (b.kind() == Backend.Kind.CLOUD) {
      int slash = b.upstreamModel().indexOf('/');
      return slash > 0 ? b.upstreamModel().substring(0, slash) : "litellm";
    }
    return b.kind().label();
  }
}
