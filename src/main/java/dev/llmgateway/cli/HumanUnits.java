package dev.llmgateway.cli;

import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;

/** Sizes and times the way Ollama's own CLI shows them: {@code 4.7 GB}, {@code 3 days ago}. */
final class HumanUnits {

  private static final String[] UNITS = {"B", "KB", "MB", "GB", "TB"};

  private HumanUnits() {
  }

  /** Decimal units, as Ollama uses: 397807936 → {@code 398 MB}, 4683087332 → {@code 4.7 GB}. */
  static String bytes(long n) {
    double value = n;
    int unit = 0;
    while (value >= 1000 && unit < UNITS.length - 1) {
      value /= 1000;
      unit++;
    }
    if (unit == 0) {
      return n + " B";
    }
    return (value >= 10 ? String.valueOf(Math.round(value)) : String.format("%.1f", value)) + " " + UNITS[unit];
  }

  /** {@code 2025-01-15T10:00:00.123+01:00} → {@code 3 days ago}; text it cannot read as it is. */
  static String ago(String timestamp, Instant now) {
    if (timestamp == null) {
      return "";
    }
    Instant then;
    try {
      then = OffsetDateTime.parse(timestamp).toInstant();
    } catch (DateTimeParseException e) {
      return timestamp;
    }
    long seconds = Duration.between(then, now).getSeconds();
    if (seconds < 60) {
      return "just now";
    }
    long[] limits = {3600, 86_400, 7 * 86_400L, 30 * 86_400L, 365 * 86_400L, Long.MAX_VALUE};
    long[] sizes = {60, 3600, 86_400, 7 * 86_400L, 30 * 86_400L, 365 * 86_400L};
    String[] names = {"minute", "hour", "day", "week", "month", "year"};
    for (int i = 0; i < names.length; i++) {
      if (seconds < limits[i]) {
        long count = seconds / sizes[i];
        return count + " " + names[i] + (count == 1 ? "" : "s") + " ago";
      }
    }
    return timestamp;
  }
}
