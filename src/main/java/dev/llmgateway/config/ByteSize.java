package dev.llmgateway.config;

import java.math.BigDecimal;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Memory sizes as people write them in llm.yml: {@code 6.5GiB}, {@code 512 MiB}, {@code 24GB},
 * {@code 8G} (a bare letter is binary, as llama.cpp and Ollama print it) or a plain number of bytes.
 */
public final class ByteSize {

  private static final Pattern SIZE = Pattern.compile("(\\d+(?:\\.\\d+)?)\\s*([kmgt]?)(i?)(b?)",
      Pattern.CASE_INSENSITIVE);

  private ByteSize() {
  }

  /** The number of bytes, or null when the text is not a size (or is negative). */
  public static Long parse(Object value) {
    if (value instanceof Integer || value instanceof Long) {
      long n = ((Number) value).longValue();
      return n < 0 ? null : n;
    }
    if (!(value instanceof String text)) {
      return null;
    }
    Matcher m = SIZE.matcher(text.trim());
    if (!m.matches()) {
      return null;
    }
    String unit = m.group(2).toLowerCase(Locale.ROOT);
    boolean binary = !m.group(3).isEmpty() || m.group(4).isEmpty();
    if (unit.isEmpty() && !m.group(3).isEmpty()) {
      return null; // "5iB"
    }
    int power = unit.isEmpty() ? 0 : "kmgt".indexOf(unit) + 1;
    BigDecimal bytes = new BigDecimal(m.group(1))
        .multiply(BigDecimal.valueOf(binary ? 1024 : 1000).pow(power));
    return bytes.compareTo(BigDecimal.valueOf(Long.MAX_VALUE)) > 0 ? null : bytes.longValue();
  }

  /** {@code 6.5 GiB}: one decimal, binary units. */
  public static String format(long bytes) {
    String[] units = {"B", "KiB", "MiB", "GiB", "TiB"};
    double v = bytes;
    int u = 0;
    while (v >= 1024 && u < units.length - 1) {
      v /= 1024;
      u++;
    }
    return u == 0 ? bytes + " B" : String.format(Locale.ROOT, "%.1f %s", v, units[u]);
  }
}
