package dev.llmgateway.bench;

/**
 * Reads one top-level-looking field of a small JSON text without parsing it: enough for the bench
 * upstream to learn {@code stream}, {@code max_tokens} and {@code bench_interval_ms} from bodies the
 * bench itself sends, at a fraction of a parser's cost.
 */
final class JsonPeek {

  private JsonPeek() {
  }

  static boolean isTrue(String json, String field) {
    int at = valueStart(json, field);
    return at >= 0 && json.startsWith("true", at);
  }

  static long number(String json, String field, long otherwise) {
    int at = valueStart(json, field);
    if (at < 0) {
      return otherwise;
    }
    long value = 0;
    int digits = 0;
    for (int i = at; i < json.length() && Character.isDigit(json.charAt(i)); i++, digits++) {
      value = value * 10 + (json.charAt(i) - '0');
    }
    return digits == 0 ? otherwise : value;
  }

  /** Where the value of {@code "field":} starts, or -1. */
  private static int valueStart(String json, String field) {
    int at = json.indexOf("\"" + field + "\"");
    if (at < 0) {
      return -1;
    }
    int i = at + field.length() + 2;
    while (i < json.length() && (json.charAt(i) == ' ' || json.charAt(i) == ':')) {
      i++;
    }
    return i;
  }
}
