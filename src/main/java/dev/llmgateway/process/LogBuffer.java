package dev.llmgateway.process;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;

/** The last lines a child wrote (stdout and stderr together). Used on one event loop only. */
final class LogBuffer {

  static final int CAPACITY = 1000;
  private static final int MAX_LINE = 4096;
  private static final Pattern ERROR = Pattern.compile("\\berror\\b", Pattern.CASE_INSENSITIVE);

  private final ArrayDeque<JsonObject> lines = new ArrayDeque<>();

  JsonObject add(String text) {
    String line = text.length() > MAX_LINE ? text.substring(0, MAX_LINE) + " ..." : text;
    JsonObject entry = new JsonObject().put("time", System.currentTimeMillis()).put("line", line);
    if (lines.size() == CAPACITY) {
      lines.removeFirst();
    }
    lines.addLast(entry);
    return entry;
  }

  JsonArray all() {
    return new JsonArray(new ArrayList<>(lines));
  }

  /**
   * The last n non-blank lines as text, for failure messages. An error line just before them comes
   * first: llama-server follows "error while handling argument ..." with that flag's usage text.
   */
  String tail(int n) {
    List<String> text = new ArrayList<>();
    lines.forEach(l -> {
      if (!l.getString("line").isBlank()) {
        text.add(l.getString("line"));
      }
    });
    List<String> out = new ArrayList<>(text.subList(Math.max(0, text.size() - n), text.size()));
    for (int i = text.size() - n - 1; i >= Math.max(0, text.size() - n - 20); i--) {
      if (ERROR.matcher(text.get(i)).find()) {
        out.add(0, text.get(i));
        break;
      }
    }
    return String.join(" | ", out);
  }
}
