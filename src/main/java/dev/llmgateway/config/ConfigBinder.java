package dev.llmgateway.config;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * Turns a parsed {@code llm.yml} tree into a {@link GatewayConfig}, or a {@link ConfigException} that
 * lists every problem. Keys the gateway does not use are ignored, never rejected: real files carry
 * completion blocks, tool lists, vision settings and more.
 */
public final class ConfigBinder {

  /** The result of a successful bind: the config and any warnings worth showing. */
  public record Bound(GatewayConfig config, List<ConfigProblem> warnings) {
  }

  private ConfigBinder() {
  }

  /**
   * @param root the parsed file (null for an empty file)
   * @param file the config file, used for messages and to place the default {@code model_path}
   */
  public static Bound bind(Object root, Path file, Overrides overrides) throws ConfigException {
    String fileName = file.toString();
    List<ConfigProblem> problems = new ArrayList<>();
    if (!(root instanceof Map<?, ?>)) {
      problems.add(ConfigProblem.error("", root == null
          ? "the file is empty; it needs local_models and/or cloud_models (see conf/llm.yml)"
          : "the top level must be a mapping (`key: value` lines), not " + ValueReader.describe(root)));
      throw new ConfigException(fileName, problems);
    }
    @SuppressWarnings("unchecked")
    Map<String, Object> map = (Map<String, Object>) root;
    ValueReader in = new ValueReader(problems);
    SettingsBinder settings = new SettingsBinder(in);
    ModelEntriesBinder entries = new ModelEntriesBinder(in);

    Map<String, Object> gateway = settings.gatewayBlock(map);
    String explicitOllama = settings.explicitOllamaUrl(gateway, overrides);
    String entryDefaultHost = explicitOllama == null ? OllamaUrl.DEFAULT_HOST : OllamaUrl.host(explicitOllama);
    int entryDefaultPort = explicitOllama == null ? OllamaUrl.DEFAULT_PORT : OllamaUrl.port(explicitOllama);
    MemorySettings memory = new MemoryBinder(in).settings(gateway, map);
    List<LocalModel> local = entries.local(map, entryDefaultHost, entryDefaultPort, memory);
    List<CloudModel> cloud = entries.cloud(map);
    String ollamaUrl = explicitOllama != null ? explicitOllama : local.stream()
        .filter(LocalModel::ollama).findFirst()
        .map(m -> "http://" + m.host() + ":" + m.port()).orElse(OllamaUrl.DEFAULT_URL);

    if (local.isEmpty() && cloud.isEmpty() && problems.stream().allMatch(ConfigProblem::warning)) {
      problems.add(ConfigProblem.error("", "no models are defined: add entries under local_models "
          + "and/or cloud_models"));
    }

    Refs refs = new Refs(in, entries.localIds(), entries.cloudIds());
    String modeText = in.string(map, "main_llm_mode", "");
    MainMode mode = modeText == null ? null : MainMode.fromYaml(modeText);
    if (modeText != null && mode == null) {
      in.error("main_llm_mode", "must be local, cloud or mix (got \"" + modeText + "\")");
    }
    String mainLlm = refs.ref(map, "main_llm", null);
    String mainLocal = refs.ref(map, "main_llm_local", LocalModel.REF_PREFIX);
    String mainCloud = refs.ref(map, "main_llm_cloud", CloudModel.REF_PREFIX);
    String embedding = refs.ref(map, "embedding_llm", null);

    String modelPathText = overrides.modelPath() != null ? overrides.modelPath().value()
        : in.string(map, "model_path", "");
    Path base = file.toAbsolutePath().getParent();
    Path modelPath = base.resolve(modelPathText == null ? "models" : modelPathText).normalize();

    GatewayConfig config = new GatewayConfig(file.toAbsolutePath().toString(), modelPath.toString(),
        local, cloud, settings.llamaCpp(map), mode, mainLlm, mainLocal, mainCloud, embedding,
        settings.hybridRouter(map), settings.gateway(map, gateway, overrides, ollamaUrl, memory));

    boolean mainWritten = map.get("main_llm") != null || map.get("main_llm_local") != null
        || map.get("main_llm_cloud") != null;
    checkRoles(config, in, mainWritten);
    warnAboutAliases(local, cloud, in);

    // A key written into the wrong field would be quoted back by its problem: mask them all.
    List<ConfigProblem> safe = SecretRedactor.fromTree(map).redact(problems);
    if (safe.stream().anyMatch(p -> !p.warning())) {
      List<ConfigProblem> sorted = new ArrayList<>(safe);
      sorted.sort((a, b) -> Boolean.compare(a.warning(), b.warning()));
      throw new ConfigException(fileName, sorted);
    }
    return new Bound(config, safe);
  }

  /** Models that run at the same time (main and embedding) cannot share a llama-server port. */
  private static void checkRoles(GatewayConfig config, ValueReader in, boolean mainWritten) {
    Map<String, String> byPort = new HashMap<>();
    for (Roles.Assignment role : Roles.of(config).assignments()) {
      LocalModel m = localOf(config, role.ref());
      if (m == null || !m.llamaCpp()) {
        continue;
      }
      String hostPort = m.host() + ":" + m.port();
      String other = byPort.putIfAbsent(hostPort, m.id());
      if (other != null && !other.equals(m.id())) {
        in.error(role.key(), "local_models/" + m.id() + " and local_models/" + other
            + " both use port " + m.port() + ", but they run at the same time; give one of them "
            + "another port");
      }
    }
    if (config.mainRef() == null && !mainWritten) {
      in.warning("main_llm_local", "no main model is selected, so requests for \"main\" (or without "
          + "a model) will be answered 404; set main_llm_local: local_models/<id>");
    }
  }

  private static LocalModel localOf(GatewayConfig config, String ref) {
    return ref != null && ref.startsWith(LocalModel.REF_PREFIX)
        ? config.local(ref.substring(LocalModel.REF_PREFIX.length())) : null;
  }

  private static void warnAboutAliases(List<LocalModel> local, List<CloudModel> cloud, ValueReader in) {
    Map<String, String> owners = new HashMap<>();
    local.forEach(m -> owners.putIfAbsent(m.id(), m.ref()));
    cloud.forEach(m -> owners.putIfAbsent(m.id(), m.ref()));
    List<String[]> aliases = new ArrayList<>();
    local.stream().filter(m -> m.alias() != null).forEach(m -> aliases.add(new String[] {m.alias(), m.ref()}));
    cloud.stream().filter(m -> m.alias() != null).forEach(m -> aliases.add(new String[] {m.alias(), m.ref()}));
    for (String[] a : aliases) {
      String owner = owners.putIfAbsent(a[0], a[1]);
      if (owner != null && !owner.equals(a[1])) {
        in.warning(a[1], "alias \"" + a[0] + "\" is also the id or alias of " + owner
            + "; requests for \"" + a[0] + "\" go to " + owner);
      }
    }
  }

  /** Reads and checks {@code main_llm*} and {@code embedding_llm} refs against the ids in the file. */
  private static final class Refs {
    private final ValueReader in;
    private final Set<String> local;
    private final Set<String> cloud;

    Refs(ValueReader in, Set<String> local, Set<String> cloud) {
      this.in = in;
      this.local = local;
      this.cloud = cloud;
    }

    /** The normalised ref, or null when absent or broken (then a problem is recorded). */
    String ref(Map<String, Object> root, String key, String requiredPrefix) {
      String raw = in.string(root, key, "");
      if (raw == null) {
        return null;
      }
      String ref = resolve(raw);
      if (ref == null) {
        in.error(key, "points at \"" + raw + "\", which is not defined; known: " + known());
        return null;
      }
      if (requiredPrefix != null && !ref.startsWith(requiredPrefix)) {
        in.error(key, "must point at a " + requiredPrefix.replace("/", "") + " entry (got \"" + raw + "\")");
        return null;
      }
      return ref;
    }

    private String resolve(String raw) {
      if (raw.startsWith(LocalModel.REF_PREFIX)) {
        return local.contains(raw.substring(LocalModel.REF_PREFIX.length())) ? raw : null;
      }
      if (raw.startsWith(CloudModel.REF_PREFIX)) {
        return cloud.contains(raw.substring(CloudModel.REF_PREFIX.length())) ? raw : null;
      }
      // A bare id, as some files write it: local first, then cloud.
      if (local.contains(raw)) {
        return LocalModel.REF_PREFIX + raw;
      }
      return cloud.contains(raw) ? CloudModel.REF_PREFIX + raw : null;
    }

    private String known() {
      List<String> refs = new ArrayList<>();
      local.forEach(id -> refs.add(LocalModel.REF_PREFIX + id));
      cloud.forEach(id -> refs.add(CloudModel.REF_PREFIX + id));
      if (refs.isEmpty()) {
        return "none";
      }
      String shown = refs.stream().limit(6).collect(Collectors.joining(", "));
      return refs.size() > 6 ? shown + ", ... (" + refs.size() + " in all)" : shown;
    }
  }
}
