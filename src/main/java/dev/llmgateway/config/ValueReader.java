package dev.llmgateway.config;

import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Typed reads from a parsed YAML tree that never throw: a value of the wrong type becomes a problem
 * naming its key path, and the read returns null so binding can go on and report everything at once.
 * Accepts what YAML 1.1 produces for hand-written files: numbers written as strings, {@code on}/{@code
 * off} parsed as booleans, {@code key:} with nothing after it parsed as null (= absent).
 */
final class ValueReader {

  private final List<ConfigProblem> problems;

  ValueReader(List<ConfigProblem> problems) {
    this.problems = problems;
  }

  void error(String key, String message) {
    problems.add(ConfigProblem.error(key, message));
  }

  void warning(String key, String message) {
    problems.add(ConfigProblem.warning(key, message));
  }

  static String child(String path, String key) {
    return path == null || path.isEmpty() ? key : path + "." + key;
  }

  /** A mapping, or null when absent; anything else is a problem. */
  @SuppressWarnings("unchecked")
  Map<String, Object> map(Map<String, Object> parent, String key, String path) {
    Object v = parent.get(key);
    if (v == null) {
      return null;
    }
    if (v instanceof Map<?, ?> m) {
      return (Map<String, Object>) m;
    }
    error(child(path, key), "must be a mapping of `key: value` lines (got " + describe(v) + ")");
    return null;
  }

  /** A list, or an empty list when absent; anything else is a problem. */
  @SuppressWarnings("unchecked")
  List<Object> list(Map<String, Object> parent, String key, String path) {
    Object v = parent.get(key);
    if (v == null) {
      return List.of();
    }
    if (v instanceof List<?> l) {
      return (List<Object>) l;
    }
    error(child(path, key), "must be a list of entries, each starting with `- ` (got " + describe(v) + ")");
    return List.of();
  }

  /** A scalar as text (numbers and booleans too: {@code id: 7} is the id "7"); blank = absent. */
  String string(Map<String, Object> parent, String key, String path) {
    Object v = parent.get(key);
    if (v == null) {
      return null;
    }
    if (v instanceof Map || v instanceof List) {
      error(child(path, key), "must be a single value, not a " + describe(v));
      return null;
    }
    String s = scalarText(v).trim();
    return s.isEmpty() ? null : s;
  }

  Integer integer(Map<String, Object> parent, String key, String path, long min, long max) {
    Long l = longValue(parent, key, path, min, max);
    return l == null ? null : l.intValue();
  }

  Long longValue(Map<String, Object> parent, String key, String path, long min, long max) {
    Object v = parent.get(key);
    if (v == null) {
      return null;
    }
    BigDecimal n = number(v);
    String where = child(path, key);
    if (n == null || n.stripTrailingZeros().scale() > 0) {
      error(where, "must be a whole number (got " + describe(v) + ")");
      return null;
    }
    if (n.compareTo(BigDecimal.valueOf(min)) < 0 || n.compareTo(BigDecimal.valueOf(max)) > 0) {
      error(where, "must be between " + min + " and " + max + " (got " + n.toPlainString() + ")");
      return null;
    }
    return n.longValue();
  }

  Double decimal(Map<String, Object> parent, String key, String path) {
    Object v = parent.get(key);
    if (v == null) {
      return null;
    }
    BigDecimal n = number(v);
    if (n == null) {
      error(child(path, key), "must be a number (got " + describe(v) + ")");
      return null;
    }
    return n.doubleValue();
  }

  Boolean bool(Map<String, Object> parent, String key, String path) {
    Object v = parent.get(key);
    if (v == null) {
      return null;
    }
    if (v instanceof Boolean b) {
      return b;
    }
    if (v instanceof String s) {
      switch (s.trim().toLowerCase(Locale.ROOT)) {
        case "true", "yes", "on", "y":
          return true;
        case "false", "no", "off", "n":
          return false;
        default:
          break;
      }
    }
    error(child(path, key), "must be true or false (got " + describe(v) + ")");
    return null;
  }

  /** A list of scalars; a single scalar counts as a one-element list ({@code lora: a.gguf}). */
  List<String> strings(Map<String, Object> parent, String key, String path) {
    Object v = parent.get(key);
    if (v == null) {
      return List.of();
    }
    List<?> items = v instanceof List<?> l ? l : List.of(v);
    List<String> out = new ArrayList<>();
    for (int i = 0; i < items.size(); i++) {
      Object item = items.get(i);
      if (item == null) {
        continue;
      }
      if (item instanceof Map || item instanceof List) {
        error(child(path, key) + (v instanceof List ? "[" + i + "]" : ""),
            "must be a plain value (got " + describe(item) + ")");
        continue;
      }
      String s = scalarText(item).trim();
      if (!s.isEmpty()) {
        out.add(s);
      }
    }
    return out;
  }

  private static BigDecimal number(Object v) {
    if (v instanceof Integer || v instanceof Long || v instanceof java.math.BigInteger) {
      return new BigDecimal(v.toString());
    }
    if (v instanceof Double d && !d.isNaN() && !d.isInfinite()) {
      return BigDecimal.valueOf(d);
    }
    if (v instanceof Float f && !f.isNaN() && !f.isInfinite()) {
      return BigDecimal.valueOf(f);
    }
    if (v instanceof String s) {
      try {
        return new BigDecimal(s.trim().replace("_", ""));
      } catch (NumberFormatException e) {
        return null;
      }
    }
    return null;
  }

  private static String scalarText(Object v) {
    if (v instanceof Double d && d == Math.rint(d) && !d.isInfinite()) {
      return BigDecimal.valueOf(d).stripTrailingZeros().toPlainString();
    }
    return String.valueOf(v);
  }

  /** A short, secret-free description of a value for messages. */
  static String describe(Object v) {
    if (v instanceof Map) {
      return "a mapping";
    }
    if (v instanceof List) {
      return "a list";
    }
    if (v instanceof Boolean) {
      return v.toString();
    }
    if (v instanceof Number) {
      return v.toString();
    }
    String s = String.valueOf(v);
    return "\"" + (s.length() > 40 ? s.substring(0, 40) + "..." : s) + "\"";
  }
}
