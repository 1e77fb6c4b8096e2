package dev.llmgateway.ollama;

import dev.llmgateway.config.ConfigException;
import dev.llmgateway.config.ConfigReader;
import dev.llmgateway.config.GatewayConfig;
import dev.llmgateway.config.LocalModel;
import dev.llmgateway.config.MainMode;
import dev.llmgateway.config.MainSelectionEdit;
import dev.llmgateway.config.MainSelectionFile;
import dev.llmgateway.bus.BusErrors;
import dev.llmgateway.bus.ConfigBus;
import dev.llmgateway.bus.ConfigEdits;
import dev.llmgateway.config.OllamaNames;
import dev.llmgateway.config.OllamaUrl;
import dev.llmgateway.config.Overrides;
import dev.llmgateway.config.YamlScalars;
import dev.llmgateway.api.ApiError;
import dev.llmgateway.model.Backend;
import dev.llmgateway.api.Endpoint;
import dev.llmgateway.model.ModelCatalog;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import java.nio.file.Path;
import java.util.function.Function;

/**
 * Selects the main model: the one implementation behind {@code ollama set-main} and
 * {@code PUT /admin/main}. A name that is already configured (ref, id, alias, Ollama name of an
 * entry) selects that entry; any other name is an Ollama model, which must be in Ollama (unless the
 * check is off) and gets an entry. The file itself is written by {@link MainSelectionFile}: through
 * the config verticle in a running gateway ({@link #throughConfigVerticle}), in-process on the
 * command line ({@link #inProcess}).
 */
public final class MainSwitch {

  /** Who asked: decides the comment on a new entry and the hints in messages. */
  public enum Origin {
    CLI("added by `ollama set-main`"), ADMIN("added by PUT /admin/main");

    private final String comment;

    Origin(String comment) {
      this.comment = comment;
    }

    String pullHint(String model) {
      return this == CLI ? "pull it first: llm-gateway ollama pull " + model
          + " (or pass --no-check to select it anyway)"
          : "pull it first: POST /admin/ollama/pulls {\"model\": \"" + model + "\"} (or send "
          + "\"check\": false to select it anyway)";
    }
  }

  /** What to select; {@code mode} null means the rule (mix stays mix, else local or cloud). */
  public record Request(String model, MainMode mode, boolean check, Origin origin) {
  }

  private final Vertx vertx;
  private final Path file;
  private final Overrides overrides;
  private final Function<String, OllamaClient> clients;
  private final Function<MainSelectionFile.Request, Future<MainSelectionFile.Result>> writer;

  /**
   * @param clients an Ollama client for a normalized URL
   * @param writer writes the selection, failing with an {@link ApiError}
   */
  public MainSwitch(Vertx vertx, Path file, Overrides overrides, Function<String, OllamaClient> clients,
      Function<MainSelectionFile.Request, Future<MainSelectionFile.Result>> writer) {
    this.vertx = vertx;
    this.file = file;
    this.overrides = overrides;
    this.clients = clients;
    this.writer = writer;
  }

  /** A running gateway's writer: the config verticle edits, reloads, then answers. */
  public static Function<MainSelectionFile.Request, Future<MainSelectionFile.Result>> throughConfigVerticle(
      Vertx vertx) {
    return request -> vertx.eventBus().<JsonObject>request(ConfigBus.EDIT, request.toJson())
        .map(reply -> MainSelectionFile.Result.fromJson(reply.body()))
        .recover(err -> Future.failedFuture(BusErrors.toApiError(err)));
  }

  /** With no gateway running (the command line): the same edit, here, on a worker thread. */
  public static Function<MainSelectionFile.Request, Future<MainSelectionFile.Result>> inProcess(
      Vertx vertx, Path file, Overrides overrides) {
    return request -> vertx.<MainSelectionFile.Result>executeBlocking(() ->
        MainSelectionFile.write(file, overrides, request))
        .recover(err -> Future.failedFuture(ConfigEdits.toApiError(err, file)));
  }

  /** Fails with an {@link ApiError} or an {@link OllamaException}, each saying what to do. */
  public Future<MainSelectionFile.Result> run(Request request) {
    String unwritable = request.model() == null ? "is missing" : YamlScalars.unwritable(request.model());
    if (unwritable != null) {
      return Future.failedFuture(invalidName("the model name " + unwritable));
    }
    return vertx.executeBlocking(this::currentConfig)
        .compose(config -> target(config, request))
        .compose(target -> check(target, request).map(target))
        .compose(target -> writer.apply(new MainSelectionFile.Request(target.selection(), request.mode(),
            request.origin().comment)));
  }

  /** The selection, and where Ollama should have the model (null: no Ollama involved). */
  private record Target(MainSelectionEdit.Target selection, String ollamaUrl, String ollamaName) {
  }

  private GatewayConfig currentConfig() {
    try {
      return ConfigReader.read(file, overrides).config();
    } catch (ConfigException e) {
      throw new ApiError(409, "invalid_request_error", "config_invalid", null, e.getMessage()
          + " — fix llm.yml first (`llm-gateway config check` lists every problem)");
    }
  }

  private Future<Target> target(GatewayConfig config, Request request) {
    if (request.model() == null || request.model().isBlank()) {
      // A request may leave the model out (it means main); a selection may not.
      return Future.failedFuture(invalidName(OllamaNames.problem(request.model())));
    }
    Backend configured;
    try {
      configured = new ModelCatalog(config).resolve(request.model(), Endpoint.CHAT);
    } catch (ApiError notConfigured) {
      String problem = OllamaNames.problem(request.model());
      if (problem != null) {
        return Future.failedFuture(invalidName(problem));
      }
      String url = config.gateway().ollamaUrl();
      return checkMode(request, true).map(v -> new Target(new MainSelectionEdit.OllamaModel(
          request.model().trim(), OllamaUrl.host(url), OllamaUrl.port(url)), url, request.model().trim()));
    }
    boolean local = configured.ref().startsWith(LocalModel.REF_PREFIX);
    String explicit = overrides.ollamaUrl() == null ? null : OllamaUrl.normalize(overrides.ollamaUrl().value());
    if (configured.kind() == Backend.Kind.OLLAMA && explicit != null && !explicit.equals(configured.baseUrl())) {
      // Asked for another Ollama server (--ollama-url, OLLAMA_HOST): the entry moves there.
      String name = configured.upstreamModel();
      return checkMode(request, true).map(v -> new Target(new MainSelectionEdit.OllamaModel(
          name, OllamaUrl.host(explicit), OllamaUrl.port(explicit)), explicit, name));
    }
    Target target = configured.kind() == Backend.Kind.OLLAMA
        ? new Target(new MainSelectionEdit.Entry(configured.ref()), configured.baseUrl(), configured.upstreamModel())
        : new Target(new MainSelectionEdit.Entry(configured.ref()), null, null);
    return checkMode(request, local).map(target);
  }

  private static ApiError invalidName(String problem) {
    return new ApiError(400, "invalid_request_error", "invalid_model_name", "model", problem);
  }

  private static Future<Void> checkMode(Request request, boolean local) {
    MainMode mode = request.mode();
    if (mode == null || mode == MainMode.MIX || (mode == MainMode.LOCAL) == local) {
      return Future.succeededFuture();
    }
    return Future.failedFuture(ApiError.badRequest("mode " + mode.yamlName() + " does not fit "
        + request.model() + ", a " + (local ? "local" : "cloud") + " model: use "
        + (local ? "local" : "cloud") + " or mix", "mode"));
  }

  private Future<Void> check(Target target, Request request) {
    if (!request.check() || target.ollamaUrl() == null) {
      return Future.succeededFuture();
    }
    return clients.apply(target.ollamaUrl()).models().recover(err -> {
      if (err instanceof OllamaException e && e.kind() == OllamaException.Kind.UNREACHABLE
          && target.selection() instanceof MainSelectionEdit.Entry entry) {
        return Future.failedFuture(new OllamaException(e.kind(), e.url(), e.getMessage() + " ("
            + entry.ref() + " is set up to use it)"));
      }
      return Future.failedFuture(err);
    }).compose(models -> {
      if (models.stream().anyMatch(m -> OllamaNames.same(m.name(), target.ollamaName()))) {
        return Future.succeededFuture();
      }
      return Future.failedFuture(new ApiError(404, "invalid_request_error", "model_not_pulled", "model",
          "Ollama at " + target.ollamaUrl() + " does not have " + target.ollamaName() + "; "
          + request.origin().pullHint(target.ollamaName())));
    });
  }

}
