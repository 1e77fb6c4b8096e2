package dev.llmgateway.testing;

import java.util.ArrayList;
import java.util.List;

/**
 * A line diff (longest common subsequence) of two texts, for asserting that an edit changed exactly
 * the intended lines. Lines keep their line breaks, so a changed break or trailing space shows.
 */
public final class LineDiff {

  private final List<String> removed = new ArrayList<>();
  private final List<String> added = new ArrayList<>();

  private LineDiff() {
  }

  public static LineDiff of(String before, String after) {
    List<String> a = lines(before);
    List<String> b = lines(after);
    int[][] lcs = new int[a.size() + 1][b.size() + 1];
    for (int i = a.size() - 1; i >= 0; i--) {
      for (int j = b.size() - 1; j >= 0; j--) {
        lcs[i][j] = a.get(i).equals(b.get(j)) ? lcs[i + 1][j + 1] + 1 : Math.max(lcs[i + 1][j], lcs[i][j + 1]);
      }
    }
    LineDiff d = new LineDiff();
    int i = 0;
    int j = 0;
    while (i < a.size() || j < b.size()) {
      if (i < a.size() && j < b.size() && a.get(i).equals(b.get(j))) {
        i++;
        j++;
      } else if (j < b.size() && (i == a.size() || lcs[i][j + 1] >= lcs[i + 1][j])) {
        d.added.add(b.get(j++));
      } else {
        d.removed.add(a.get(i++));
      }
    }
    return d;
  }

  /** Lines with their breaks: "a\n", "b" — so the concatenation is the text, byte for byte. */
  static List<String> lines(String text) {
    List<String> out = new ArrayList<>();
    int start = 0;
    for (int i = 0; i < text.length(); i++) {
      if (text.charAt(i) == '\n') {
        out.add(text.substring(start, i + 1));
        start = i + 1;
      }
    }
    if (start < text.length()) {
      out.add(text.substring(start));
    }
    return out;
  }

  public List<String> removed() {
    return removed;
  }

  public List<String> added() {
    return added;
  }

  @Override
  public String toString() {
    StringBuilder sb = new StringBuilder();
    removed.forEach(l -> sb.append("- ").append(l.endsWith("\n") ? l : l + "\\ no newline\n"));
    added.forEach(l -> sb.append("+ ").append(l.endsWith("\n") ? l : l + "\\ no newline\n"));
    return sb.toString();
  }
}
