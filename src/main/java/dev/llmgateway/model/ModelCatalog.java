package dev.llmgateway.model;

import dev.llmgateway.api.Endpoint;
import dev.llmgateway.api.ApiError;
import dev.llmgateway.config.CloudModel;
import dev.llmgateway.config.ConcurrencySettings;
import dev.llmgateway.config.GatewayConfig;
import dev.llmgateway.config.LocalModel;
import dev.llmgateway.config.OllamaNames;
import dev.llmgateway.config.OllamaUrl;
import dev.llmgateway.config.PoolEndpoint;
import dev.llmgateway.config.Roles;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * Resolves the {@code model} of a request to a backend, as DESIGN.md says: {@code main} or nothing →
 * the main model of the current mode (for embeddings, nothing or {@code embedding} → embedding_llm);
 * {@code local_models/<id>} and {@code cloud_models/<id>}; a bare id (local first); an alias; an
 * Ollama model name of an {@code ollama} entry; with {@code gateway.ollama_discovery}, any model the
 * Ollama server has ({@code ollama/<name>}, configured entries win). Built once per config and list of
 * Ollama's models; lookups are map reads.
 */
public final class ModelCatalog {

  private final GatewayConfig config;
  private final Map<String, Backend> byRef = new LinkedHashMap<>();
  private final Map<String, Backend> byName = new HashMap<>();
  private final Roles roles;

  /** Prefix of the refs of models found on the Ollama server rather than configured. */
  public static final String DISCOVERED_PREFIX = "ollama/";

  public ModelCatalog(GatewayConfig config) {
    this(config, List.of());
  }

  /**
   * @param ollamaModels the names of the models the Ollama server at {@code gateway.ollama_url} has;
   *     used only with {@code gateway.ollama_discovery}
   */
  public ModelCatalog(GatewayConfig config, List<String> ollamaModels) {
    this.config = config;
    this.roles = Roles.of(config);
    for (LocalModel m : config.localModels()) {
      byRef.put(m.ref(), backend(m));
    }
    for (CloudModel m : config.cloudModels()) {
      byRef.put(m.ref(), backend(m));
    }
    // Precedence, first wins: local ids, cloud ids, aliases, Ollama model names.
    config.localModels().forEach(m -> byName.putIfAbsent(m.id(), byRef.get(m.ref())));
    config.cloudModels().forEach(m -> byName.putIfAbsent(m.id(), byRef.get(m.ref())));
    config.localModels().stream().filter(m -> m.alias() != null)
        .forEach(m -> byName.putIfAbsent(m.alias(), byRef.get(m.ref())));
    config.cloudModels().stream().filter(m -> m.alias() != null)
        .forEach(m -> byName.putIfAbsent(m.alias(), byRef.get(m.ref())));
    config.localModels().stream().filter(LocalModel::ollama)
        .forEach(m -> byName.putIfAbsent(m.path(), byRef.get(m.ref())));
    if (config.gateway().ollamaDiscovery()) {
      ollamaModels.forEach(this::discovered);
    }
  }

  /**
   * A model of the Ollama server, usable by its name (and {@code x} for {@code x:latest}, as Ollama
   * reads it) unless an entry already has that name or serves that Ollama model: entries win.
   */
  private void discovered(String name) {
    boolean configured = config.localModels().stream()
        .anyMatch(m -> m.ollama() && OllamaNames.same(m.path(), name));
    String ref = DISCOVERED_PREFIX + OllamaNames.canonical(name);
    if (configured || byName.containsKey(name) || byRef.containsKey(ref)) {
      return;
    }
    String url = config.gateway().ollamaUrl();
    String host = OllamaUrl.host(url).replaceAll("^\\[|]$", ""); // an IPv6 address without brackets
    ConcurrencySettings c = config.gateway().concurrency();
    Backend b = new Backend(ref, name, Backend.Kind.OLLAMA, host, OllamaUrl.port(url), name, null, null,
        c.maxConcurrentLocal() != null ? c.maxConcurrentLocal() : ConcurrencySettings.DEFAULT_OLLAMA,
        config.gateway().requestTimeoutMs(), Backend.Serves.ANYTHING, 0,
        config.gateway().supervision().startupTimeoutMs(), List.of());
    byRef.put(ref, b);
    byName.putIfAbsent(name, b);
    String latest = ":latest";
    int colon = name.indexOf(':', name.lastIndexOf('/') + 1);
    byName.putIfAbsent(colon < 0 ? name + latest
        : name.endsWith(latest) ? name.substring(0, name.length() - latest.length()) : name, b);
  }

  public GatewayConfig config() {
    return config;
  }

  /** The backend of a ref ({@code local_models/<id>}), or null. */
  public Backend backend(String ref) {
    return ref == null ? null : byRef.get(ref);
  }

  /** Every entry, local then cloud, in file order, then the Ollama server's other models. */
  public List<Backend> all() {
    return List.copyOf(byRef.values());
  }

  /**
   * The backend for a requested model name, or an {@link ApiError}: 404 saying what exists, 400 when
   * the model cannot answer this endpoint (an embedding-only llama-server and chat, or the reverse).
   */
  public Backend resolve(String requested, Endpoint endpoint) {
    return checkServes(find(requested, endpoint), endpoint);
  }

  /** The backend a name means, whatever it can answer (404 when none). */
  public Backend find(String requested, Endpoint endpoint) {
    String name = requested == null ? "" : requested;
    if (endpoint.embeds() && (name.isEmpty() || name.equals("embedding"))) {
      return roleOrError(config.embeddingLlm(), "no embedding model is selected: set embedding_llm "
          + "in " + config.file());
    }
    if (name.isEmpty() || name.equals("main")) {
      return roleOrError(config.mainRef(), "no main model is selected for main_llm_mode "
          + mode() + ": set main_llm_local (or main_llm_cloud) in " + config.file());
    }
    Backend b = byRef.get(name);
    if (b == null) {
      b = byName.get(name);
    }
    if (b == null) {
      b = routed(name);
    }
    if (b == null) {
      if (name.length() > 200) {
        name = name.substring(0, 200) + "...";
      }
      throw ApiError.modelNotFound("The model `" + name + "` does not exist. Known models: " + known()
          + " (GET /v1/models lists them; \"main\" is the selected main model)");
    }
    return b;
  }

  /**
   * {@code <id>/<model>} of a {@code llama_router} entry: that router, asked for that model (which
   * the router loads on demand; an unknown one it answers 400 "model 'x' not found").
   */
  private Backend routed(String name) {
    int slash = name.indexOf('/');
    if (slash <= 0 || slash == name.length() - 1) {
      return null;
    }
    Backend router = byName.get(name.substring(0, slash));
    if (router == null || router.kind() != Backend.Kind.LLAMA_ROUTER) {
      return null;
    }
    return new Backend(router.ref(), name, router.kind(), router.host(), router.port(),
        name.substring(slash + 1), null, null, router.maxConcurrent(), router.timeoutMs(), router.serves(),
        0, router.startupTimeoutMs(), List.of());
  }

  /** A llama-server started for embeddings answers nothing else, and the others no embeddings. */
  static Backend checkServes(Backend b, Endpoint endpoint) {
    if (endpoint.rerank() != (b.serves() == Backend.Serves.RERANK)) {
      throw endpoint.rerank()
          ? new ApiError(400, "invalid_request_error", "model_not_reranker", "model", "model " + b.id()
              + " cannot rerank: " + endpoint.path() + " goes to llama.cpp entries with capabilities: "
              + "[rerank] (the gateway starts them with --reranking)")
          : new ApiError(400, "invalid_request_error", "model_is_reranker", "model", "model " + b.id()
              + " is a reranker (its llama-server runs with --reranking); it answers /v1/rerank only");
    }
    if (b.serves() == Backend.Serves.GENERATION && endpoint.embeds()) {
      throw new ApiError(400, "invalid_request_error", "model_not_embedding", "model", "model " + b.id()
          + " is not an embedding model (its llama-server runs without --embedding); use the "
          + "embedding_llm, or give this entry capabilities: [embedding]");
    }
    if (b.serves() == Backend.Serves.EMBEDDINGS && !endpoint.embeds()) {
      throw new ApiError(400, "invalid_request_error", "model_is_embedding", "model", "model " + b.id()
          + " is an embedding model (its llama-server runs with --embedding); send "
          + endpoint.path() + " to a chat model");
    }
    return b;
  }

  /** Roles of an entry: main and/or embedding ({@link Roles} decides). */
  public List<String> rolesOf(String ref) {
    return roles.of(ref);
  }

  private Backend roleOrError(String ref, String message) {
    Backend b = ref == null ? null : byRef.get(ref);
    if (b == null) {
      throw ApiError.modelNotFound(message);
    }
    return b;
  }

  private String mode() {
    return config.mainMode() == null ? "(not set)" : config.mainMode().yamlName();
  }

  private String known() {
    List<String> ids = byRef.values().stream().map(Backend::id).distinct().toList();
    String shown = ids.stream().limit(8).collect(Collectors.joining(", "));
    return ids.size() > 8 ? shown + ", ... (" + ids.size() + " in all)" : shown;
  }

  private Backend backend(LocalModel m) {
    Backend.Kind kind = m.ollama() ? Backend.Kind.OLLAMA
        : m.llamaRouter() ? Backend.Kind.LLAMA_ROUTER : Backend.Kind.LLAMA_CPP;
    // llama-server serves one model and echoes the request's model: send our id, not "main".
    String upstream = m.ollama() ? m.path() : m.id();
    Backend.Serves serves = m.ollama() || m.llamaRouter() ? Backend.Serves.ANYTHING
        : m.reranker() ? Backend.Serves.RERANK
        : config.embeddingModel(m) ? Backend.Serves.EMBEDDINGS : Backend.Serves.GENERATION;
    return new Backend(m.ref(), m.id(), kind, m.host(), m.port(), upstream, null, null, limit(m),
        timeout(m.requestTimeoutSeconds()), serves,
        m.ttlSeconds() != null ? m.ttlSeconds() * 1000L : config.gateway().supervision().ttlMs(),
        m.startupTimeoutSeconds() != null ? m.startupTimeoutSeconds() * 1000L
            : config.gateway().supervision().startupTimeoutMs(), targets(m.endpoints()));
  }

  private Backend backend(CloudModel m) {
    int limit = m.maxConcurrent() != null ? m.maxConcurrent()
        : config.gateway().concurrency().maxConcurrentCloud();
    return new Backend(m.ref(), m.id(), Backend.Kind.CLOUD, m.host(), m.port(), m.path(),
        m.apiKeyName(), m.apiKey(), limit, timeout(m.requestTimeoutSeconds()), Backend.Serves.ANYTHING,
        0, config.gateway().supervision().startupTimeoutMs(), targets(m.endpoints()));
  }

  private static List<Backend.Target> targets(List<PoolEndpoint> endpoints) {
    return endpoints.stream().map(e -> new Backend.Target(e.host(), e.port(), e.weight())).toList();
  }

  /** An entry's request_timeout, else the gateway's request_timeout_seconds. */
  private long timeout(Integer seconds) {
    return seconds != null ? seconds * 1000L : config.gateway().requestTimeoutMs();
  }

  /**
   * An entry's max_concurrent, else llm_max_concurrent_local, else what the server itself takes:
   * llama-server serves its {@code parallel} slots (when not set, as many as the server reports:
   * {@link Backend#SERVER_SLOTS}), Ollama queues by itself.
   */
  private int limit(LocalModel m) {
    ConcurrencySettings c = config.gateway().concurrency();
    if (m.maxConcurrent() != null) {
      return m.maxConcurrent();
    }
    if (c.maxConcurrentLocal() != null) {
      return c.maxConcurrentLocal();
    }
    if (m.ollama() || m.llamaRouter()) {
      return ConcurrencySettings.DEFAULT_OLLAMA;
    }
    Integer parallel = config.llamaCpp().parallel();
    return parallel != null && parallel > 0 ? parallel : Backend.SERVER_SLOTS;
  }
}
