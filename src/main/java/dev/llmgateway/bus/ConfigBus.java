package dev.llmgateway.bus;

/**
 * Event-bus addresses of the config verticle, the one owner of {@code llm.yml}. Bodies are JSON:
 * {@link ConfigSnapshot} for {@link #CHANGED} and {@link #CURRENT}; {@link MainSelection} for
 * {@link #EDIT}.
 */
public final class ConfigBus {

  /** Published with a {@link ConfigSnapshot} for every new valid config. */
  public static final String CHANGED = "llm.config.changed";
  /** Request/reply: the current config, as a {@link ConfigSnapshot}. */
  public static final String CURRENT = "llm.config.current";
  /** Request/reply: status, last error and the redacted config, for {@code GET /admin/config}. */
  public static final String STATUS = "llm.config.status";
  /**
   * Published when the file's status changes: an edit was refused (or a refused one was replaced by
   * another broken one), or the file is valid again. The body is what {@link #STATUS} answers, without
   * the config: {@code {"status": "ok"|"error", "file", "version", "loaded_at", "last_error"}}.
   */
  public static final String STATUS_CHANGED = "llm.config.status.changed";
  /**
   * Request/reply: an edit of {@code llm.yml} ({@link MainSelection}). The reply comes once the edited
   * file is the gateway's config (published on {@link #CHANGED} first); a failure carries an
   * {@code ApiError} ({@link BusErrors}).
   */
  public static final String EDIT = "llm.config.edit";

  private ConfigBus() {
  }
}
