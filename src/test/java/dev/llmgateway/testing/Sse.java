package dev.llmgateway.testing;

import io.vertx.core.json.JsonObject;

/** One server-sent event: {@code event: <name>} and its {@code data:} JSON. */
public record Sse(String name, JsonObject data) {

  /** Parses an event as {@link TestHttp.Stream#nextEvent()} returns it (comments are skipped). */
  public static Sse parse(String event) {
    String name = "message";
    StringBuilder data = new StringBuilder();
    for (String line : event.split("\n")) {
      if (line.startsWith("event: ")) {
        name = line.substring(7);
      } else if (line.startsWith("data: ")) {
        data.append(line.substring(6));
      }
    }
    return new Sse(name, data.length() == 0 ? null : new JsonObject(data.toString()));
  }

  /** The next event that is not a comment (heartbeat). */
  public static Sse next(TestHttp.Stream stream) throws InterruptedException {
    String event;
    do {
      event = stream.nextEvent();
    } while (event.startsWith(":"));
    return parse(event);
  }
}
