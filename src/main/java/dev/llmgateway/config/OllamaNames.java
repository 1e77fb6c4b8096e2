package dev.llmgateway.config;

import java.util.Locale;

/** Ollama model names as Ollama reads them: {@code qwen2.5} is {@code qwen2.5:latest}, case does not matter. */
public final class OllamaNames {

  private OllamaNames() {
  }

  /** The id of the entry {@code ollama set-main} adds: {@code qwen2.5:7b} → {@code Ollama-qwen2.5-7b}. */
  public static String entryId(String name) {
    String safe = name.replaceAll("[^A-Za-z0-9._-]+", "-").replaceAll("^-+|-+$", "");
    return "Ollama-" + (safe.isEmpty() ? "model" : safe);
  }

  /** Whether two names denote the same Ollama model. */
  public static boolean same(String a, String b) {
    return a != null && b != null && canonical(a).equals(canonical(b));
  }

  /** {@code Qwen2.5} → {@code qwen2.5:latest}; {@code registry.ollama.ai/library/x:1b} → {@code x:1b}. */
  public static String canonical(String name) {
    String n = name.trim().toLowerCase(Locale.ROOT);
    if (n.startsWith("registry.ollama.ai/")) {
      n = n.substring("registry.ollama.ai/".length());
    }
    if (n.startsWith("library/")) {
      n = n.substring("library/".length());
    }
    int slash = n.lastIndexOf('/');
    return n.indexOf(':', slash + 1) >= 0 ? n : n + ":latest";
  }

  /** What is wrong with a model name, or null when it can be used (and written into llm.yml). */
  public static String problem(String name) {
    if (name == null || name.isBlank()) {
      return "the model name is empty; Ollama names look like qwen2.5:7b";
    }
    String unwritable = YamlScalars.unwritable(name);
    if (unwritable != null) {
      return "the model name " + unwritable + "; Ollama names look like qwen2.5:7b";
    }
    if (name.chars().anyMatch(Character::isWhitespace)) {
      return "the model name \"" + name + "\" contains a space; Ollama names look like qwen2.5:7b";
    }
    if (name.length() > 300) {
      return "the model name is longer than 300 characters";
    }
    return null;
  }
}
