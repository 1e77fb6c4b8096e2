package dev.llmgateway.bus;

/**
 * Event-bus addresses of the Ollama verticle. {@code llm.ollama.pull.<id>} is the contract (DESIGN.md):
 * every change of a pull is published there as the pull's JSON state. The others are request/reply
 * services used by the admin endpoints; a failure reply carries the HTTP status as its code and the
 * OpenAI error body as its message.
 */
public final class OllamaBus {

  public static final String PULL_PREFIX = "llm.ollama.pull.";

  public static final String MODELS = "llm.ollama.models";
  public static final String DELETE_MODEL = "llm.ollama.models.delete";
  public static final String PULLS_START = "llm.ollama.pulls.start";
  public static final String PULLS_LIST = "llm.ollama.pulls.list";
  public static final String PULLS_GET = "llm.ollama.pulls.get";
  public static final String PULLS_CANCEL = "llm.ollama.pulls.cancel";
  public static final String SET_MAIN = "llm.ollama.main.set";
  /**
   * Published whenever the Ollama server's list of models changes (polled, and after pulls and
   * deletes): {@code {"url", "models": [...]}} with each model as {@code /api/tags} gives it. Empty
   * when {@code gateway.ollama_discovery} is off.
   */
  public static final String DISCOVERED = "llm.ollama.discovered";
  /** Request/reply: the latest {@link #DISCOVERED} list. */
  public static final String DISCOVERED_CURRENT = "llm.ollama.discovered.current";
  /** Request/reply {@code {"url"}}: that Ollama server's {@code /api/ps} answer. */
  public static final String RUNNING = "llm.ollama.running";
  /** Request/reply {@code {"url", "model", "verbose"}}: that Ollama server's {@code /api/show} answer. */
  public static final String SHOW = "llm.ollama.show";

  private OllamaBus() {
  }

  /** Where the progress of pull {@code id} is published. */
  public static String pull(String id) {
    return PULL_PREFIX + id;
  }
}
