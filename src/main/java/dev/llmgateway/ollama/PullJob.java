package dev.llmgateway.ollama;

import io.vertx.core.json.JsonObject;
import java.time.Instant;

/**
 * One pull and its state, owned by {@link OllamaVerticle} (one thread). Every change bumps
 * {@code seq}, so a reader that saw a snapshot can tell older events from newer ones.
 */
final class PullJob {

  /** Where a pull is. */
  enum State {
    RUNNING, DONE, ERROR, CANCELLED;

    String json() {
      return name().toLowerCase();
    }

    /** The SSE event a state is shown as: {@code progress}, then {@code done} or {@code error}. */
    String event() {
      return switch (this) {
        case RUNNING -> "progress";
        case DONE -> "done";
        case ERROR, CANCELLED -> "error";
      };
    }
  }

  private final String id;
  private final String model;
  private final Instant startedAt = Instant.now();
  private final PullProgress progress = new PullProgress();
  private OllamaCall<Void> call;
  private State state = State.RUNNING;
  private String error;
  private String errorCode;
  private Instant finishedAt;
  private long seq;
  private int joined;

  PullJob(String id, String model) {
    this.id = id;
    this.model = model;
  }

  String id() {
    return id;
  }

  String model() {
    return model;
  }

  State state() {
    return state;
  }

  boolean running() {
    return state == State.RUNNING;
  }

  OllamaCall<Void> call() {
    return call;
  }

  void call(OllamaCall<Void> value) {
    call = value;
  }

  void joined() {
    joined++;
  }

  long completedBytes() {
    return progress.completedBytes();
  }

  /** A progress line from Ollama. */
  void progress(JsonObject line) {
    progress.update(line);
    seq++;
  }

  void succeed() {
    progress.finished();
    finish(State.DONE, null, null);
  }

  void fail(OllamaException e) {
    String code = switch (e.kind()) {
      case UNREACHABLE -> "ollama_unreachable";
      case NOT_FOUND -> "model_not_found";
      case CANCELLED -> "cancelled";
      default -> "pull_failed";
    };
    finish(e.kind() == OllamaException.Kind.CANCELLED ? State.CANCELLED : State.ERROR, e.getMessage(), code);
  }

  private void finish(State newState, String message, String code) {
    state = newState;
    error = message;
    errorCode = code;
    finishedAt = Instant.now();
    seq++;
  }

  static String eventsPath(String id) {
    return "/admin/ollama/pulls/" + id + "/events";
  }

  JsonObject toJson() {
    JsonObject out = new JsonObject()
        .put("id", id)
        .put("model", model)
        .put("state", state.json())
        .put("event", state.event())
        .put("seq", seq)
        .mergeIn(progress.toJson())
        .put("error", error)
        .put("code", errorCode)
        .put("joined", joined)
        .put("started_at", startedAt.toString())
        .put("finished_at", finishedAt == null ? null : finishedAt.toString())
        .put("events", eventsPath(id));
    return out;
  }
}
