package dev.llmgateway.config;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/** Splices into a text: each edit replaces one range; everything outside the ranges stays as it was. */
public final class TextEdits {

  private record Edit(int start, int end, String replacement, int order) {
  }

  private final String text;
  private final List<Edit> edits = new ArrayList<>();

  public TextEdits(String text) {
    this.text = text;
  }

  /** Replaces {@code [start, end)}. Insertions at one offset keep the order they were added in. */
  public TextEdits replace(int start, int end, String replacement) {
    if (start < 0 || end < start || end > text.length()) {
      throw new IllegalArgumentException("bad range [" + start + ", " + end + ")");
    }
    edits.add(new Edit(start, end, replacement, edits.size()));
    return this;
  }

  public TextEdits insert(int at, String insertion) {
    return replace(at, at, insertion);
  }

  public boolean isEmpty() {
    return edits.isEmpty();
  }

  public String apply() {
    List<Edit> sorted = new ArrayList<>(edits);
    sorted.sort(Comparator.comparingInt(Edit::start).thenComparingInt(Edit::order));
    StringBuilder out = new StringBuilder(text.length() + 256);
    int at = 0;
    for (Edit e : sorted) {
      if (e.start() < at) {
        throw new IllegalStateException("overlapping edits at offset " + e.start());
      }
      out.append(text, at, e.start()).append(e.replacement());
      at = e.end();
    }
    return out.append(text, at, text.length()).toString();
  }
}
