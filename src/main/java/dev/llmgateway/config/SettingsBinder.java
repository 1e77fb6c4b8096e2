package dev.llmgateway.config;

import java.util.Locale;
import java.util.Map;

/** Binds the {@code llama_cpp:}, {@code hybrid_router:} and {@code gateway:} blocks. */
final class SettingsBinder {

  private final ValueReader in;

  SettingsBinder(ValueReader in) {
    this.in = in;
  }

  LlamaCppSettings llamaCpp(Map<String, Object> root) {
    Map<String, Object> block = in.map(root, "llama_cpp", "");
    if (block == null) {
      return LlamaCppSettings.EMPTY;
    }
    Map<String, Object> embedding = in.map(block, "embedding", "llama_cpp");
    return llamaCpp(block, "llama_cpp",
        embedding == null ? null : llamaCpp(embedding, "llama_cpp.embedding", null));
  }

  private LlamaCppSettings llamaCpp(Map<String, Object> b, String at, LlamaCppSettings embedding) {
    return new LlamaCppSettings(
        in.integer(b, "ctx_size", at, 0, Integer.MAX_VALUE),
        in.integer(b, "predict", at, -2, Integer.MAX_VALUE),
        in.decimal(b, "temp", at),
        in.integer(b, "threads", at, -1, 4096),
        gpuLayers(b, at),
        flashAttn(b, at),
        in.string(b, "cache_type_k", at),
        in.string(b, "cache_type_v", at),
        in.integer(b, "batch_size", at, 1, Integer.MAX_VALUE),
        in.integer(b, "ubatch_size", at, 1, Integer.MAX_VALUE),
        in.bool(b, "cont_batching", at),
        in.bool(b, "use_mmap", at),
        in.bool(b, "function_calling", at),
        in.bool(b, "jinja", at),
        in.decimal(b, "repeat_penalty", at),
        in.integer(b, "parallel", at, 1, 4096),
        in.string(b, "pooling", at),
        embedding);
  }

  /** {@code n_gpu_layers}: a number, {@code auto} or {@code all} (llama-server's -ngl values). */
  private String gpuLayers(Map<String, Object> b, String at) {
    Object v = b.get("n_gpu_layers");
    if (v == null) {
      return null;
    }
    String s = String.valueOf(v).trim().toLowerCase(Locale.ROOT);
    if (s.equals("auto") || s.equals("all") || s.matches("-?\\d+")) {
      return s;
    }
    in.error(at + ".n_gpu_layers", "must be a number, auto or all (got " + ValueReader.describe(v) + ")");
    return null;
  }

  /** {@code flash_attn}: on/off/auto; YAML 1.1 reads a bare {@code on} as true, so booleans count too. */
  private String flashAttn(Map<String, Object> b, String at) {
    Object v = b.get("flash_attn");
    if (v == null) {
      return null;
    }
    if (v instanceof Boolean bool) {
      return bool ? "on" : "off";
    }
    String s = String.valueOf(v).trim().toLowerCase(Locale.ROOT);
    switch (s) {
      case "on", "off", "auto":
        return s;
      case "true", "yes":
        return "on";
      case "false", "no":
        return "off";
      default:
        in.error(at + ".flash_attn", "must be on, off or auto (got " + ValueReader.describe(v) + ")");
        return null;
    }
  }

  HybridRouter hybridRouter(Map<String, Object> root) {
    Map<String, Object> b = in.map(root, "hybrid_router", "");
    if (b == null) {
      return HybridRouter.DEFAULTS;
    }
    String route = in.string(b, "default_route", "hybrid_router");
    if (route != null && !route.equals("local") && !route.equals("cloud")) {
      in.error("hybrid_router.default_route", "must be local or cloud (got \"" + route + "\")");
      route = null;
    }
    Boolean fallback = in.bool(b, "fallback_on_llm_error", "hybrid_router");
    Integer longChars = in.integer(b, "prefer_cloud_if_long_chars", "hybrid_router", 0, Integer.MAX_VALUE);
    Boolean show = in.bool(b, "show_route_in_response", "hybrid_router");
    return new HybridRouter(route == null ? "local" : route, fallback != null && fallback,
        longChars == null ? 0 : longChars, show != null && show);
  }

  /** The {@code gateway:} block, read once for every setting in it (so a bad block is reported once). */
  Map<String, Object> gatewayBlock(Map<String, Object> root) {
    Map<String, Object> b = in.map(root, "gateway", "");
    return b == null ? Map.of() : b;
  }

  /**
   * The gateway's settings: the {@code gateway:} block ({@code b}, from {@link #gatewayBlock}) and
   * top-level keys, with flags and env applied on top here (the Ollama URL's in
   * {@link #explicitOllamaUrl}).
   */
  GatewaySettings gateway(Map<String, Object> root, Map<String, Object> b, Overrides ov, String ollamaUrl,
      MemorySettings memory) {
    ConcurrencySettings concurrency = concurrency(root, b);
    String host = override(ov.host(), in.string(b, "host", "gateway"));
    Integer port = ov.port() != null ? port(ov.port()) : in.integer(b, "port", "gateway", 0, 65535);
    String token = override(ov.adminToken(), in.string(b, "admin_token", "gateway"));
    Map<String, Object> llamaServer = in.map(b, "llama_server", "gateway");
    String command = override(ov.llamaServerCommand(),
        llamaServer == null ? null : in.string(llamaServer, "command", "gateway.llama_server"));
    Long maxBody = in.longValue(b, "max_body_bytes", "gateway", 1024, Integer.MAX_VALUE);
    Long connect = in.longValue(b, "connect_timeout_seconds", "gateway", 1, 3600);
    Long request = in.longValue(b, "request_timeout_seconds", "gateway", 1, 86_400);
    Long headerTimeout = in.longValue(b, "header_timeout_seconds", "gateway", 1, 3600);
    SupervisionSettings supervision = supervision(b);
    return new GatewaySettings(
        host == null ? GatewaySettings.DEFAULT_HOST : host,
        port == null ? GatewaySettings.DEFAULT_PORT : port,
        token,
        command == null ? "llama-server" : command,
        ollamaUrl,
        maxBody == null ? GatewaySettings.DEFAULT_MAX_BODY_BYTES : maxBody,
        connect == null ? GatewaySettings.DEFAULT_CONNECT_TIMEOUT_MS : connect * 1000,
        request == null ? GatewaySettings.DEFAULT_REQUEST_TIMEOUT_MS : request * 1000,
        supervision,
        concurrency,
        !Boolean.FALSE.equals(in.bool(b, "request_log", "gateway")),
        apiKeys(b, ov),
        in.strings(b, "cors_origins", "gateway"),
        grace(b),
        !Boolean.FALSE.equals(in.bool(b, "ollama_discovery", "gateway")),
        tls(b),
        headerTimeout == null ? GatewaySettings.DEFAULT_HEADER_TIMEOUT_MS : headerTimeout * 1000,
        cluster(b),
        memory);
  }

  /** {@code gateway.cluster: {enabled, members: ["host:port", ...], host, port}}. */
  private ClusterSettings cluster(Map<String, Object> b) {
    Map<String, Object> c = in.map(b, "cluster", "gateway");
    if (c == null) {
      return ClusterSettings.OFF;
    }
    java.util.List<String> members = in.strings(c, "members", "gateway.cluster");
    for (int i = 0; i < members.size(); i++) {
      String problem = ClusterSettings.problem(members.get(i));
      if (problem != null) {
        in.error("gateway.cluster.members[" + i + "]", problem);
      }
    }
    Integer port = in.integer(c, "port", "gateway.cluster", 1, 65535);
    return new ClusterSettings(Boolean.TRUE.equals(in.bool(c, "enabled", "gateway.cluster")), members,
        in.string(c, "host", "gateway.cluster"), port == null ? ClusterSettings.DEFAULT_PORT : port);
  }

  /** {@code gateway.tls: {cert: <PEM file>, key: <PEM file>}}: both or neither, and both readable. */
  private TlsSettings tls(Map<String, Object> b) {
    Map<String, Object> tls = in.map(b, "tls", "gateway");
    if (tls == null) {
      return TlsSettings.OFF;
    }
    String cert = in.string(tls, "cert", "gateway.tls");
    String key = in.string(tls, "key", "gateway.tls");
    boolean ok = true;
    for (String[] k : new String[][] {{"cert", cert, "the certificate (chain), PEM"},
        {"key", key, "the private key of the certificate, PEM"}}) {
      if (k[1] == null) {
        in.error("gateway.tls." + k[0], "is required with gateway.tls: the path of " + k[2]);
        ok = false;
      } else if (!java.nio.file.Files.isReadable(java.nio.file.Path.of(k[1]))) {
        in.error("gateway.tls." + k[0], "cannot read " + k[1] + ": give the path of " + k[2]);
        ok = false;
      }
    }
    return ok ? new TlsSettings(cert, key) : TlsSettings.OFF;
  }

  /** Client keys for /v1: {@code gateway.api_keys} plus {@code LLM_GATEWAY_API_KEYS} (comma-separated). */
  private java.util.List<String> apiKeys(Map<String, Object> b, Overrides ov) {
    java.util.List<String> keys = new java.util.ArrayList<>(in.strings(b, "api_keys", "gateway"));
    if (ov.apiKeys() != null) {
      for (String k : ov.apiKeys().value().split(",")) {
        if (!k.isBlank()) {
          keys.add(k.trim());
        }
      }
    }
    return keys;
  }

  private long grace(Map<String, Object> b) {
    Long seconds = in.longValue(b, "shutdown_grace_seconds", "gateway", 0, 3600);
    return seconds == null ? GatewaySettings.DEFAULT_SHUTDOWN_GRACE_MS : seconds * 1000;
  }

  /** Top-level {@code llm_max_concurrent_*} (as existing files name them) and the queue bounds. */
  private ConcurrencySettings concurrency(Map<String, Object> root, Map<String, Object> b) {
    Integer local = in.integer(root, "llm_max_concurrent_local", "", 1, 100_000);
    Integer cloud = in.integer(root, "llm_max_concurrent_cloud", "", 1, 100_000);
    Integer queue = in.integer(b, "queue_max_length", "gateway", 0, 1_000_000);
    Long wait = in.longValue(b, "queue_timeout_seconds", "gateway", 1, 86_400);
    return new ConcurrencySettings(local, cloud == null ? ConcurrencySettings.DEFAULT_CLOUD : cloud,
        queue == null ? ConcurrencySettings.DEFAULT_QUEUE_LENGTH : queue,
        wait == null ? ConcurrencySettings.DEFAULT_QUEUE_TIMEOUT_MS : wait * 1000);
  }

  private SupervisionSettings supervision(Map<String, Object> b) {
    Long startup = in.longValue(b, "startup_timeout_seconds", "gateway", 1, 86_400);
    Long grace = in.longValue(b, "stop_grace_seconds", "gateway", 0, 3600);
    Long ttl = in.longValue(b, "ttl", "gateway", 0, Integer.MAX_VALUE);
    Double backoff = in.decimal(b, "restart_backoff_seconds", "gateway");
    if (backoff != null && (backoff < 0.01 || backoff > 3600)) {
      in.error("gateway.restart_backoff_seconds", "must be between 0.01 and 3600 (got " + backoff + ")");
      backoff = null;
    }
    Integer maxRestarts = in.integer(b, "max_restarts", "gateway", 1, 1000);
    Long window = in.longValue(b, "restart_window_seconds", "gateway", 1, 86_400);
    Map<String, Object> litellm = in.map(b, "litellm", "gateway");
    long backoffMs = backoff == null ? SupervisionSettings.DEFAULT_RESTART_BACKOFF_MS : Math.round(backoff * 1000);
    return new SupervisionSettings(
        startup == null ? SupervisionSettings.DEFAULT_STARTUP_TIMEOUT_MS : startup * 1000,
        grace == null ? SupervisionSettings.DEFAULT_STOP_GRACE_MS : grace * 1000,
        ttl == null ? 0 : ttl * 1000,
        backoffMs,
        Math.max(backoffMs, SupervisionSettings.DEFAULT_RESTART_BACKOFF_MAX_MS),
        maxRestarts == null ? SupervisionSettings.DEFAULT_MAX_RESTARTS : maxRestarts,
        window == null ? SupervisionSettings.DEFAULT_RESTART_WINDOW_MS : window * 1000,
        in.string(b, "state_dir", "gateway"),
        litellm == null ? null : in.string(litellm, "command", "gateway.litellm"));
  }

  /** The explicitly configured Ollama URL (flag, env, then {@code gateway.ollama_url}), or null. */
  String explicitOllamaUrl(Map<String, Object> b, Overrides ov) {
    if (ov.ollamaUrl() != null) {
      String url = OllamaUrl.normalize(ov.ollamaUrl().value());
      if (url == null) {
        in.error(ov.ollamaUrl().source(), "is not an Ollama address like http://127.0.0.1:11434 (got \""
            + ov.ollamaUrl().value() + "\")");
      }
      return url;
    }
    String fromFile = in.string(b, "ollama_url", "gateway");
    if (fromFile == null) {
      return null;
    }
    String url = OllamaUrl.normalize(fromFile);
    if (url == null) {
      in.error("gateway.ollama_url", "is not an Ollama address like http://127.0.0.1:11434 (got \""
          + fromFile + "\")");
    }
    return url;
  }

  private Integer port(Overrides.Setting s) {
    try {
      int p = Integer.parseInt(s.value());
      if (p >= 0 && p <= 65535) {
        return p;
      }
    } catch (NumberFormatException e) {
      // reported below
    }
    in.error(s.source(), "must be a port number between 0 (any free port) and 65535 (got \"" + s.value() + "\")");
    return null;
  }

  private static String override(Overrides.Setting s, String fileValue) {
    return s != null ? s.value() : fileValue;
  }
}
