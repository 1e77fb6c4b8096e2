package dev.llmgateway.routing;

import io.vertx.core.json.DecodeException;
import io.vertx.core.json.Json;
import io.vertx.core.json.JsonObject;
import java.util.HashMap;
import java.util.Map;

/**
 * llama-server's Responses API stream, completed where it leaves out what OpenAI's events carry and
 * strict clients check (Vercel's AI SDK rejects the events otherwise and ends with
 * {@code finishReason: "error"}): {@code created_at} and {@code model} on the {@code response} of
 * {@code response.created}/{@code in_progress}, {@code output_index} on the item events,
 * {@code output_index}/{@code content_index} on the part and text events, {@code sequence_number}
 * everywhere. What is there is kept as it is; events that are not JSON objects pass unchanged.
 */
final class ResponsesEvents implements EventTranslator {

  private final String model;
  private final long createdAt = System.currentTimeMillis() / 1000;
  private final Map<String, Integer> outputIndexes = new HashMap<>();
  private long sequence;

  ResponsesEvents(String model) {
    this.model = model;
  }

  @Override
  public String onData(String data) {
    JsonObject event;
    try {
      event = Json.decodeValue(data) instanceof JsonObject o ? o : null;
    } catch (DecodeException e) {
      event = null;
    }
    if (event == null || !(event.getValue("type") instanceof String type)) {
      return "data: " + data + "\n\n";
    }
    if (event.getValue("response") instanceof JsonObject response) {
      if (!response.containsKey("created_at")) {
        response.put("created_at", createdAt);
      }
      if (!response.containsKey("model")) {
        response.put("model", model);
      }
    }
    if (event.getValue("item") instanceof JsonObject item && !event.containsKey("output_index")) {
      String id = String.valueOf(item.getValue("id"));
      Integer index = outputIndexes.get(id);
      if (index == null) {
        outputIndexes.put(id, index = outputIndexes.size());
      }
      event.put("output_index", index);
    }
    if (event.getValue("item_id") instanceof String itemId) {
      if (!event.containsKey("output_index")) {
        event.put("output_index", outputIndexes.getOrDefault(itemId, 0));
      }
      if (!event.containsKey("content_index") && (type.contains("content_part") || type.contains("output_text"))) {
        event.put("content_index", 0);
      }
    }
    if (event.containsKey("sequence_number")) {
      sequence = Math.max(sequence, event.getValue("sequence_number") instanceof Number n ? n.longValue() + 1 : sequence);
    } else {
      event.put("sequence_number", sequence++);
    }
    return "event: " + type + "\ndata: " + event.encode() + "\n\n";
  }

  @Override
  public String onComment() {
    return ": keep-alive\n\n";
  }

  @Override
  public String onEnd() {
    return "";
  }

  @Override
  public boolean finished() {
    return false;
  }

  @Override
  public boolean failed() {
    return false;
  }
}
