package dev.llmgateway.bench;

import java.util.HashMap;
import java.util.Map;

/** {@code --name value} options of the bench programs; an unknown or valueless one is an error. */
final class BenchArgs {

  private final Map<String, String> values = new HashMap<>();

  BenchArgs(String[] args, Map<String, String> defaults) {
    values.putAll(defaults);
    for (int i = 0; i < args.length; i++) {
      String name = args[i];
      if (!name.startsWith("--") || !defaults.containsKey(name.substring(2)) || i + 1 >= args.length) {
        throw new IllegalArgumentException("usage: " + usage(defaults) + " (bad option: " + name + ")");
      }
      values.put(name.substring(2), args[++i]);
    }
  }

  private static String usage(Map<String, String> defaults) {
    StringBuilder s = new StringBuilder();
    defaults.forEach((k, v) -> s.append("[--").append(k).append(' ').append(v).append("] "));
    return s.toString().trim();
  }

  String string(String name) {
    return values.get(name);
  }

  int integer(String name) {
    return Integer.parseInt(values.get(name));
  }

  double number(String name) {
    return Double.parseDouble(values.get(name));
  }
}
