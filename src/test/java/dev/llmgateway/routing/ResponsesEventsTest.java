package dev.llmgateway.routing;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.Test;

/** llama-server's Responses events (as a real build sends them), completed for strict clients. */
class ResponsesEventsTest {

  private static JsonObject data(String sse) {
    return new JsonObject(sse.substring(sse.indexOf("data: ") + 6).trim());
  }

  @Test
  void addsWhatLlamaServerLeavesOutAndKeepsTheRest() {
    ResponsesEvents events = new ResponsesEvents("tiny");
    JsonObject created = data(events.onData("""
        {"type":"response.created","response":{"id":"resp_1","object":"response","status":"in_progress"}}"""));
    assertEquals("tiny", created.getJsonObject("response").getString("model"));
    assertEquals(true, created.getJsonObject("response").getValue("created_at") instanceof Number);
    assertEquals(0, created.getInteger("sequence_number"));

    String added = events.onData("""
        {"type":"response.output_item.added","item":{"content":[],"id":"msg_1","role":"assistant","status":"in_progress","type":"message"}}""");
    assertEquals("event: response.output_item.added\n", added.substring(0, added.indexOf('\n') + 1));
    assertEquals(0, data(added).getInteger("output_index"));
    JsonObject delta = data(events.onData("""
        {"type":"response.output_text.delta","item_id":"msg_1","delta":" hi"}"""));
    assertEquals(new JsonObject().put("type", "response.output_text.delta").put("item_id", "msg_1").put("delta", " hi")
        .put("output_index", 0).put("content_index", 0).put("sequence_number", 2), delta);

    JsonObject complete = data(events.onData("""
        {"type":"response.completed","response":{"id":"resp_1","created_at":5,"model":"x","status":"completed"}}"""));
    assertEquals(5, complete.getJsonObject("response").getInteger("created_at"), "what is there stays");
    assertEquals("x", complete.getJsonObject("response").getString("model"));
    assertEquals("data: not json\n\n", events.onData("not json"));
  }
}
