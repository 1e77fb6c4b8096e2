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

  private OllamaBus() {
  }

  /** Where the progress of pull {@code id} is published. */
  public static String pull(String id) {
    return PULL_PREFIX + id;
  }
}
