package dev.llmgateway.config;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;

/**
 * Selects the main model in {@code llm.yml} on disk: {@link MainSelectionEdit} applied through
 * {@link ConfigFileWriter}, with a check that the written file selects what was asked. The one
 * piece of code that writes a selection: the config verticle runs it for the running gateway, the
 * command line runs it in-process. Blocking.
 */
public final class MainSelectionFile {

  /** What to select; {@code mode} null means the rule (mix stays mix, else local or cloud). */
  public record Request(MainSelectionEdit.Target target, MainMode mode, String comment) {

    public JsonObject toJson() {
      JsonObject json = new JsonObject().put("mode", mode == null ? null : mode.yamlName())
          .put("comment", comment);
      if (target instanceof MainSelectionEdit.Entry e) {
        json.put("entry", e.ref());
      } else if (target instanceof MainSelectionEdit.OllamaModel m) {
        json.put("ollama", new JsonObject().put("name", m.name()).put("host", m.host()).put("port", m.port()));
      }
      return json;
    }

    /** @throws IllegalArgumentException for a body that is not a request */
    public static Request fromJson(JsonObject json) {
      JsonObject ollama = json.getJsonObject("ollama");
      MainSelectionEdit.Target target = json.getString("entry") != null
          ? new MainSelectionEdit.Entry(json.getString("entry"))
          : ollama != null ? new MainSelectionEdit.OllamaModel(ollama.getString("name"),
              ollama.getString("host"), ollama.getInteger("port")) : null;
      String mode = json.getString("mode");
      if (target == null || mode != null && MainMode.fromYaml(mode) == null) {
        throw new IllegalArgumentException("not a main-model selection: " + json.encode());
      }
      return new Request(target, mode == null ? null : MainMode.fromYaml(mode), json.getString("comment"));
    }
  }

  /** What was done. */
  public record Result(String ref, MainMode mode, List<String> changes, boolean entryAdded, Path file,
      Path backup) {

    public boolean changed() {
      return !changes.isEmpty();
    }

    public JsonObject toJson() {
      return new JsonObject().put("main", ref).put("mode", mode.yamlName())
          .put("changed", changed()).put("changes", new JsonArray(changes))
          .put("entry_added", entryAdded).put("file", file.toString())
          .put("backup", backup == null ? null : backup.toString());
    }

    public static Result fromJson(JsonObject json) {
      return new Result(json.getString("main"), MainMode.fromYaml(json.getString("mode")),
          json.getJsonArray("changes").stream().map(String::valueOf).toList(),
          json.getBoolean("entry_added"), Path.of(json.getString("file")),
          json.getString("backup") == null ? null : Path.of(json.getString("backup")));
    }

    /** True when {@code config} selects this result's main model and mode. */
    public boolean appliedIn(GatewayConfig config) {
      String current = ref.startsWith(LocalModel.REF_PREFIX) ? config.mainLlmLocal() : config.mainLlmCloud();
      return ref.equals(current) && config.mainMode() == mode;
    }
  }

  private MainSelectionFile() {
  }

  /**
   * @throws ConfigException when the file as it is now does not load (fix it first)
   * @throws IllegalArgumentException when the file cannot be edited automatically
   * @throws IllegalStateException when the edit would make the file invalid or miss its purpose
   * @throws IOException when the file cannot be read or replaced
   */
  public static Result write(Path file, Overrides overrides, Request request)
      throws ConfigException, IOException {
    ConfigFileWriter.Written<MainSelectionEdit.Outcome> written = ConfigFileWriter.update(file, overrides,
        text -> {
          MainSelectionEdit.Outcome o = MainSelectionEdit.apply(text, request.target(), request.mode(),
              request.comment());
          return new ConfigFileWriter.Change<>(o.text(), o, config -> intended(config, o, request.target()));
        });
    MainSelectionEdit.Outcome o = written.value();
    return new Result(o.ref(), o.mode(), o.changes(), o.entryAdded(), file, written.backup());
  }

  /** The edited file, bound, selects what was asked: guards the file against a wrong splice. */
  private static boolean intended(GatewayConfig config, MainSelectionEdit.Outcome o,
      MainSelectionEdit.Target selection) {
    String key = o.ref().startsWith(LocalModel.REF_PREFIX) ? config.mainLlmLocal() : config.mainLlmCloud();
    if (!o.ref().equals(key) || config.mainMode() != o.mode()) {
      return false;
    }
    if (selection instanceof MainSelectionEdit.OllamaModel m) {
      LocalModel entry = config.local(o.ref().substring(LocalModel.REF_PREFIX.length()));
      return entry != null && entry.ollama() && OllamaNames.same(entry.path(), m.name());
    }
    return o.ref().startsWith(LocalModel.REF_PREFIX) || o.ref().startsWith(CloudModel.REF_PREFIX);
  }
}
