package dev.llmgateway.config;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/** Binds {@code local_models} and {@code cloud_models}: required keys, types, ranges, unique ids. */
final class ModelEntriesBinder {

  private static final java.util.regex.Pattern ENV_NAME = java.util.regex.Pattern.compile("[A-Za-z_][A-Za-z0-9_]*");

  /** LiteLLM proxy's own default port. */
  static final int LITELLM_DEFAULT_PORT = 4000;

  private final ValueReader in;
  /** Every id written in the file, valid entry or not: refs to a broken entry report the entry only. */
  private final java.util.Set<String> localIds = new java.util.LinkedHashSet<>();
  private final java.util.Set<String> cloudIds = new java.util.LinkedHashSet<>();

  ModelEntriesBinder(ValueReader in) {
    this.in = in;
  }

  java.util.Set<String> localIds() {
    return localIds;
  }

  java.util.Set<String> cloudIds() {
    return cloudIds;
  }

  List<LocalModel> local(Map<String, Object> root, String ollamaHost, int ollamaPort, MemorySettings memory) {
    List<LocalModel> out = new ArrayList<>();
    Map<String, String> seen = new HashMap<>();
    List<Object> items = in.list(root, "local_models", "");
    for (int i = 0; i < items.size(); i++) {
      String at = "local_models[" + i + "]";
      Map<String, Object> e = entry(items.get(i), at);
      if (e == null) {
        continue;
      }
      String id = id(e, at, seen);
      if (id != null) {
        localIds.add(id);
      }
      String where = id == null ? at : at + " (" + id + ")";
      String typeText = in.string(e, "type", where);
      ModelType type = typeText == null ? ModelType.LLAMA_CPP : ModelType.fromYaml(typeText);
      if (type == null) {
        in.error(where + ".type", "must be llama_cpp, ollama or llama_router (got \"" + typeText + "\")");
        continue;
      }
      String path = in.string(e, "path", where);
      if (path == null && type == ModelType.LLAMA_ROUTER) {
        path = ""; // its models are discovered from the router's /models
      } else if (path == null) {
        in.error(where + ".path", type == ModelType.OLLAMA
            ? "is required: the Ollama model name, e.g. qwen2.5:7b"
            : "is required: the GGUF file, relative to model_path");
      } else if (type == ModelType.LLAMA_CPP && escapesModelPath(path)) {
        in.error(where + ".path", "\"" + path + "\" leads outside model_path; put the file under "
            + "model_path or point model_path at its folder");
      }
      String host = in.string(e, "host", where);
      Integer port = in.integer(e, "port", where, 1, 65535);
      List<PoolEndpoint> endpoints = endpoints(e, where);
      if (!endpoints.isEmpty()) {
        host = endpoints.get(0).host();
        port = endpoints.get(0).port();
      } else if (e.containsKey("endpoints")) {
        continue; // reported
      } else if (type == ModelType.OLLAMA) {
        if (host == null) {
          host = ollamaHost;
        }
        if (port == null && !e.containsKey("port")) {
          port = ollamaPort;
        }
      } else {
        if (host == null) {
          host = GatewaySettings.DEFAULT_HOST;
        }
        if (port == null && !e.containsKey("port")) {
          in.error(where + ".port", "is required for " + type.yamlName() + " entries: the port "
              + "llama-server listens on, e.g. port: 5025");
        }
      }
      Boolean available = in.bool(e, "available", where);
      String loraBase = in.string(e, "lora_base", where);
      if (loraBase != null && type == ModelType.LLAMA_CPP) {
        in.warning(where + ".lora_base", "is ignored: current llama-server has no --lora-base "
            + "(it would refuse to start); the adapters in lora are applied to path");
      }
      LocalModel model = new LocalModel(id, in.string(e, "alias", where), type, path, host,
          port == null ? 0 : port, in.strings(e, "capabilities", where),
          in.string(e, "description", where), available == null || available,
          in.string(e, "mmproj", where), in.strings(e, "lora", where), loraBase,
          in.strings(e, "supported_media", where),
          in.integer(e, "ttl", where, 0, Integer.MAX_VALUE),
          in.integer(e, "startup_timeout", where, 1, 86_400),
          in.integer(e, "max_concurrent", where, 1, 100_000),
          in.integer(e, "request_timeout", where, 1, 86_400), endpoints,
          new MemoryBinder(in).entry(e, where, memory));
      if (id != null && path != null && port != null) {
        out.add(model);
      }
    }
    return out;
  }

  List<CloudModel> cloud(Map<String, Object> root) {
    List<CloudModel> out = new ArrayList<>();
    Map<String, String> seen = new HashMap<>();
    List<Object> items = in.list(root, "cloud_models", "");
    for (int i = 0; i < items.size(); i++) {
      String at = "cloud_models[" + i + "]";
      Map<String, Object> e = entry(items.get(i), at);
      if (e == null) {
        continue;
      }
      String id = id(e, at, seen);
      if (id != null) {
        cloudIds.add(id);
      }
      String where = id == null ? at : at + " (" + id + ")";
      String path = in.string(e, "path", where);
      if (path == null) {
        in.error(where + ".path", "is required: the LiteLLM model name, e.g. openai/gpt-4o");
      }
      String host = in.string(e, "host", where);
      Integer port = in.integer(e, "port", where, 1, 65535);
      List<PoolEndpoint> endpoints = endpoints(e, where);
      if (!endpoints.isEmpty()) {
        host = endpoints.get(0).host();
        port = endpoints.get(0).port();
      } else if (e.containsKey("endpoints")) {
        continue; // reported
      }
      Boolean available = in.bool(e, "available", where);
      String keyName = in.string(e, "api_key_name", where);
      if (keyName != null && !ENV_NAME.matcher(keyName).matches()) {
        // Most likely the key itself was pasted here: say so without repeating it.
        in.error(where + ".api_key_name", "must name an environment variable, such as OPENAI_API_KEY "
            + "(it looks like a key itself: put the key in that variable, or in api_key)");
        keyName = null;
      }
      CloudModel model = new CloudModel(id, in.string(e, "alias", where), path,
          host == null ? GatewaySettings.DEFAULT_HOST : host,
          port == null ? LITELLM_DEFAULT_PORT : port, keyName,
          in.string(e, "api_key", where), in.strings(e, "capabilities", where),
          in.string(e, "description", where), available == null || available,
          in.integer(e, "max_concurrent", where, 1, 100_000),
          in.integer(e, "request_timeout", where, 1, 86_400), endpoints);
      if (id != null && path != null && (port != null || !e.containsKey("port"))) {
        out.add(model);
      }
    }
    return out;
  }

  /**
   * {@code endpoints: [{host, port, weight}]}: the servers of a pool, instead of one host/port. Empty
   * when absent; empty too (with the problems reported) when anything in it is wrong.
   */
  private List<PoolEndpoint> endpoints(Map<String, Object> e, String where) {
    if (!e.containsKey("endpoints")) {
      return List.of();
    }
    String at = where + ".endpoints";
    if (e.containsKey("host") || e.containsKey("port")) {
      in.error(at, "replaces host and port: remove host/port from this entry, or remove endpoints");
      return List.of();
    }
    List<Object> items = in.list(e, "endpoints", where);
    if (items.isEmpty()) {
      if (e.get("endpoints") == null || e.get("endpoints") instanceof List) {
        in.error(at, "lists no server: give at least one {host: ..., port: ...}");
      }
      return List.of();
    }
    List<PoolEndpoint> out = new ArrayList<>();
    Map<String, String> seen = new HashMap<>();
    boolean broken = false;
    for (int i = 0; i < items.size(); i++) {
      String itemAt = at + "[" + i + "]";
      if (!(items.get(i) instanceof Map<?, ?>)) {
        in.error(itemAt, "must be a mapping such as {host: 10.0.0.5, port: 11434} (got "
            + ValueReader.describe(items.get(i)) + ")");
        broken = true;
        continue;
      }
      @SuppressWarnings("unchecked")
      Map<String, Object> item = (Map<String, Object>) items.get(i);
      String host = in.string(item, "host", itemAt);
      Integer port = in.integer(item, "port", itemAt, 1, 65535);
      Integer weight = in.integer(item, "weight", itemAt, 1, 1000);
      if (host == null) {
        in.error(itemAt + ".host", "is required: the address of this server, e.g. host: 10.0.0.5");
      }
      if (port == null && !item.containsKey("port")) {
        in.error(itemAt + ".port", "is required: the port this server listens on, e.g. port: 11434");
      }
      if (host == null || port == null || (weight == null && item.containsKey("weight"))) {
        broken = true;
        continue;
      }
      PoolEndpoint endpoint = new PoolEndpoint(host, port, weight == null ? 1 : weight);
      String earlier = seen.putIfAbsent(endpoint.authority(), itemAt);
      if (earlier != null) {
        in.error(itemAt, endpoint.authority() + " is listed twice (also " + earlier + ")");
        broken = true;
      }
      out.add(endpoint);
    }
    return broken ? List.of() : out;
  }

  @SuppressWarnings("unchecked")
  private Map<String, Object> entry(Object item, String at) {
    if (item instanceof Map<?, ?> m) {
      return (Map<String, Object>) m;
    }
    in.error(at, "must be a mapping with at least `id:` (got " + ValueReader.describe(item) + ")");
    return null;
  }

  private String id(Map<String, Object> e, String at, Map<String, String> seen) {
    String id = in.string(e, "id", at);
    if (id == null) {
      in.error(at + ".id", "is required: a unique name for this entry");
      return null;
    }
    String earlier = seen.putIfAbsent(id, at);
    if (earlier != null) {
      in.error(at + ".id", "duplicate id \"" + id + "\" (also used by " + earlier
          + "); ids must be unique");
      return null;
    }
    return id;
  }

  /** True for relative paths that climb out of model_path with {@code ..}. */
  static boolean escapesModelPath(String path) {
    Path p;
    try {
      p = Path.of(path);
    } catch (java.nio.file.InvalidPathException e) {
      return true;
    }
    if (p.isAbsolute()) {
      return false;
    }
    Path base = Path.of("/base");
    return !base.resolve(p).normalize().startsWith(base);
  }
}
