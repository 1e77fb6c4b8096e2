package dev.llmgateway.process;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;

/** The last lines a child wrote (stdout and stderr together). Used on one event loop only. */
final class LogBuffer {

  static final int CAPACITY = 1000;
  private static final int MAX_LINE = 4096;

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

  /** The last n lines as text, for failure messages. */
  String tail(int n) {
    List<String> out = new ArrayList<>();
    lines.stream().skip(Math.max(0, lines.size() - n)).forEach(l -> out.add(l.getString("line")));
    return String.join(" | ", out);
  }
}
