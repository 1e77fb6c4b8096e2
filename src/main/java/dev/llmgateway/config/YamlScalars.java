package dev.llmgateway.config;

import java.util.regex.Pattern;
import org.yaml.snakeyaml.DumperOptions.ScalarStyle;
import org.yaml.snakeyaml.nodes.NodeId;
import org.yaml.snakeyaml.nodes.Tag;
import org.yaml.snakeyaml.resolver.Resolver;

/** Writes string values as YAML scalars: plain when that reads back as the same string, else quoted. */
public final class YamlScalars {

  /** Characters that are safe in a plain scalar anywhere, flow collections included. */
  private static final Pattern PLAIN = Pattern.compile("[A-Za-z0-9_][A-Za-z0-9_./-]*");
  private static final Resolver RESOLVER = new Resolver();

  private YamlScalars() {
  }

  /**
   * {@code value} as YAML: plain when it is made of safe characters and YAML 1.1 would not read it as
   * a number, boolean or null ({@code yes}, {@code 1.5}, {@code ~}); double-quoted otherwise, e.g. any
   * name with a {@code :} such as {@code "qwen2.5:7b"}.
   */
  public static String format(String value) {
    if (PLAIN.matcher(value).matches()
        && RESOLVER.resolve(NodeId.scalar, value, true).equals(Tag.STR)) {
      return value;
    }
    return doubleQuoted(value);
  }

  /** {@code value} in the quoting style an existing scalar used, so an edit keeps the file's style. */
  public static String format(String value, ScalarStyle style) {
    if (style == ScalarStyle.DOUBLE_QUOTED) {
      return doubleQuoted(value);
    }
    if (style == ScalarStyle.SINGLE_QUOTED) {
      return "'" + value.replace("'", "''") + "'";
    }
    return format(value);
  }

  public static String doubleQuoted(String value) {
    StringBuilder sb = new StringBuilder(value.length() + 2).append('"');
    for (int i = 0; i < value.length(); i++) {
      char c = value.charAt(i);
      switch (c) {
        case '"' -> sb.append("\\\"");
        case '\\' -> sb.append("\\\\");
        default -> {
          if (c < 0x20 || c == 0x7f) {
            sb.append(String.format("\\x%02x", (int) c));
          } else {
            sb.append(c);
          }
        }
      }
    }
    return sb.append('"').toString();
  }

  /**
   * Why a value cannot be written into llm.yml at all, or null when it can: newlines and other
   * control characters would break the line structure of the file.
   */
  public static String unwritable(String value) {
    for (int i = 0; i < value.length(); i++) {
      char c = value.charAt(i);
      if (Character.isISOControl(c) || c == '\u2028' || c == '\u2029' || c == '\uFEFF') {
        return "contains a " + (c == '\n' || c == '\r' ? "line break" : "control character")
            + String.format(" (U+%04X)", (int) c);
      }
    }
    return null;
  }
}
