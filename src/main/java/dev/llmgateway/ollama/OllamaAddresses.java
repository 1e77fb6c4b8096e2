package dev.llmgateway.ollama;

/**
 * Event-bus addresses of the Ollama verticle. {@code llm.ollama.pull.<id>} is the contract (DESIGN.md):
 * every change of a pull is published there as the pull's JSON state. The others are request/reply
 * services used by the admin endpoints; a failure reply carries the HTTP status as its code and the
 * OpenAI error body as its message.
 */
public final class OllamaAddresses {

  public static final String PULL_PREFIX = "llm.ollama.pull.";

  static final String MODELS = "llm.ollama.models";
  static final String DELETE_MODEL = "llm.ollama.models.delete";
  static final String PULLS_START = "llm.ollama.pulls.start";
  static final String PULLS_LIST = "llm.ollama.pulls.list";
  static final String PULLS_GET = "llm.ollama.pulls.get";
  static final String PULLS_CANCEL = "llm.ollama.pulls.cancel";
  static final String SET_MAIN = "llm.ollama.main.set";

  private OllamaAddresses() {
  }

  /** Where the progress of pull {@code id} is published. */
  public static String pull(String id) {
    return PULL_PREFIX + id;
  }
}
