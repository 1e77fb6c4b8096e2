package dev.llmgateway.routing;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.llmgateway.api.ApiError;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The translation between the Messages API and Chat Completions, on the examples of Anthropic's
 * documentation (Messages, vision, tool use, streaming) and the answers llama-server and Ollama give.
 */
class AnthropicTranslationTest {

  private static final JsonObject WEATHER_TOOL = new JsonObject("""
      {"name": "get_weather", "description": "Get the current weather in a given location",
       "input_schema": {"type": "object", "properties": {"location": {"type": "string",
         "description": "The city and state, e.g. San Francisco, CA"}}, "required": ["location"]}}""");

  @Test
  void basicRequest() {
    JsonObject chat = AnthropicToChat.request(new JsonObject("""
        {"model": "claude-sonnet-4-5", "max_tokens": 1024,
         "messages": [{"role": "user", "content": "Hello, world"}]}"""), "qwen2.5:0.5b");
    assertEquals(new JsonObject("""
        {"model": "qwen2.5:0.5b", "messages": [{"role": "user", "content": "Hello, world"}], "max_tokens": 1024}"""),
        chat);
  }

  @Test
  void multipleTurnsSystemBlocksStopSequencesAndSampling() {
    JsonObject chat = AnthropicToChat.request(new JsonObject("""
        {"model": "m", "max_tokens": 100, "temperature": 0.2, "top_p": 0.9, "top_k": 40,
         "stop_sequences": ["\\n\\nHuman:"], "metadata": {"user_id": "u-1"},
         "system": [{"type": "text", "text": "You are terse."},
                    {"type": "text", "text": "Answer in English.", "cache_control": {"type": "ephemeral"}}],
         "messages": [{"role": "user", "content": "Hello there."},
                      {"role": "assistant", "content": "Hi, I'm Claude. How can I help you?"},
                      {"role": "user", "content": "Can you explain LLMs in plain English?"}]}"""), "m");
    JsonArray messages = chat.getJsonArray("messages");
    assertEquals(new JsonObject().put("role", "system").put("content", "You are terse.\n\nAnswer in English."),
        messages.getJsonObject(0));
    assertEquals("Hi, I'm Claude. How can I help you?", messages.getJsonObject(2).getString("content"));
    assertEquals(4, messages.size());
    assertEquals(new JsonArray().add("\n\nHuman:"), chat.getJsonArray("stop"));
    assertEquals(0.2, chat.getDouble("temperature"));
    assertEquals(40, chat.getInteger("top_k"));
    assertEquals("u-1", chat.getString("user"));
  }

  @Test
  void imagesBecomeDataUrlsOrUrls() {
    JsonObject chat = AnthropicToChat.request(new JsonObject("""
        {"model": "m", "max_tokens": 1024, "messages": [{"role": "user", "content": [
          {"type": "image", "source": {"type": "base64", "media_type": "image/jpeg", "data": "/9j/4AAQSkZJRg=="}},
          {"type": "image", "source": {"type": "url", "url": "https://upload.wikimedia.org/a.jpg"}},
          {"type": "text", "text": "What is in the above image?"}]}]}"""), "m");
    JsonArray parts = chat.getJsonArray("messages").getJsonObject(0).getJsonArray("content");
    assertEquals("data:image/jpeg;base64,/9j/4AAQSkZJRg==",
        parts.getJsonObject(0).getJsonObject("image_url").getString("url"));
    assertEquals("https://upload.wikimedia.org/a.jpg", parts.getJsonObject(1).getJsonObject("image_url").getString("url"));
    assertEquals(new JsonObject().put("type", "text").put("text", "What is in the above image?"), parts.getJsonObject(2));
  }

  @Test
  void toolsToolUseAndToolResults() {
    JsonObject chat = AnthropicToChat.request(new JsonObject().put("model", "m").put("max_tokens", 1024)
        .put("tools", new JsonArray().add(WEATHER_TOOL))
        .put("tool_choice", new JsonObject().put("type", "tool").put("name", "get_weather")
            .put("disable_parallel_tool_use", true))
        .put("messages", new JsonArray("""
            [{"role": "user", "content": "What's the weather like in San Francisco?"},
             {"role": "assistant", "content": [
               {"type": "text", "text": "I'll check the current weather in San Francisco for you."},
               {"type": "tool_use", "id": "toolu_01A09q90qw90lq917835lq9", "name": "get_weather",
                "input": {"location": "San Francisco, CA"}}]},
             {"role": "user", "content": [
               {"type": "tool_result", "tool_use_id": "toolu_01A09q90qw90lq917835lq9", "content": "15 degrees"},
               {"type": "text", "text": "Thanks! And in Paris?"}]}]""")), "m");
    assertEquals(new JsonObject().put("type", "function").put("function", new JsonObject()
        .put("name", "get_weather").put("parameters", WEATHER_TOOL.getJsonObject("input_schema"))
        .put("description", "Get the current weather in a given location")), chat.getJsonArray("tools").getJsonObject(0));
    assertEquals(new JsonObject().put("type", "function").put("function", new JsonObject().put("name", "get_weather")),
        chat.getJsonObject("tool_choice"));
    assertEquals(false, chat.getBoolean("parallel_tool_calls"));
    JsonArray messages = chat.getJsonArray("messages");
    JsonObject call = messages.getJsonObject(1);
    assertEquals("I'll check the current weather in San Francisco for you.", call.getString("content"));
    JsonObject toolCall = call.getJsonArray("tool_calls").getJsonObject(0);
    assertEquals("toolu_01A09q90qw90lq917835lq9", toolCall.getString("id"));
    assertEquals(new JsonObject().put("location", "San Francisco, CA"),
        new JsonObject(toolCall.getJsonObject("function").getString("arguments")));
    assertEquals(new JsonObject().put("role", "tool").put("tool_call_id", "toolu_01A09q90qw90lq917835lq9")
        .put("content", "15 degrees"), messages.getJsonObject(2), "the result comes right after the call");
    assertEquals(new JsonObject().put("role", "user").put("content", "Thanks! And in Paris?"), messages.getJsonObject(3));
  }

  @Test
  void toolChoicesAndErrorResults() {
    JsonObject base = new JsonObject().put("model", "m").put("messages", new JsonArray().add(new JsonObject()
        .put("role", "user").put("content", new JsonArray().add(new JsonObject().put("type", "tool_result")
            .put("tool_use_id", "t1").put("is_error", true)
            .put("content", new JsonArray().add(new JsonObject().put("type", "text").put("text", "timeout")))))));
    assertEquals("required", AnthropicToChat.request(base.copy().put("tool_choice",
        new JsonObject().put("type", "any")), "m").getString("tool_choice"));
    assertEquals("none", AnthropicToChat.request(base.copy().put("tool_choice",
        new JsonObject().put("type", "none")), "m").getString("tool_choice"));
    JsonObject chat = AnthropicToChat.request(base.copy().put("tool_choice", new JsonObject().put("type", "auto")), "m");
    assertEquals("auto", chat.getString("tool_choice"));
    assertEquals("Error: timeout", chat.getJsonArray("messages").getJsonObject(0).getString("content"));
  }

  @Test
  void whatChatCompletionsCannotSayIsA400() {
    JsonObject document = new JsonObject("""
        {"model": "m", "messages": [{"role": "user", "content": [{"type": "document",
          "source": {"type": "base64", "media_type": "application/pdf", "data": "JVBERi0="}}]}]}""");
    ApiError e = assertThrows(ApiError.class, () -> AnthropicToChat.request(document, "m"));
    assertEquals(400, e.status());
    assertTrue(e.getMessage().contains("document"), e.getMessage());
    JsonObject serverTool = new JsonObject().put("model", "m").put("messages", new JsonArray())
        .put("tools", new JsonArray().add(new JsonObject().put("type", "web_search_20250305").put("name", "web_search")));
    assertEquals(400, assertThrows(ApiError.class, () -> AnthropicToChat.request(serverTool, "m")).status());
  }

  @Test
  void streamAsksForUsage() {
    JsonObject chat = AnthropicToChat.request(new JsonObject("""
        {"model": "m", "max_tokens": 5, "stream": true, "messages": [{"role": "user", "content": "Hi"}]}"""), "m");
    assertEquals(true, chat.getBoolean("stream"));
    assertEquals(true, chat.getJsonObject("stream_options").getBoolean("include_usage"));
  }

  @Test
  void answerWithTextAndToolUse() {
    JsonObject message = ChatToAnthropic.message(new JsonObject("""
        {"id": "chatcmpl-abc", "object": "chat.completion", "model": "qwen2.5:7b",
         "choices": [{"index": 0, "finish_reason": "tool_calls", "message": {"role": "assistant",
           "content": "I'll check the current weather in San Francisco for you.",
           "tool_calls": [{"id": "call_1", "type": "function", "function": {"name": "get_weather",
             "arguments": "{\\"location\\": \\"San Francisco, CA\\"}"}}]}}],
         "usage": {"prompt_tokens": 384, "completion_tokens": 92, "total_tokens": 476}}"""), "fallback");
    assertEquals(new JsonObject("""
        {"id": "msg_abc", "type": "message", "role": "assistant", "model": "qwen2.5:7b",
         "content": [{"type": "text", "text": "I'll check the current weather in San Francisco for you."},
                     {"type": "tool_use", "id": "call_1", "name": "get_weather",
                      "input": {"location": "San Francisco, CA"}}],
         "stop_reason": "tool_use", "stop_sequence": null,
         "usage": {"input_tokens": 384, "output_tokens": 92}}"""), message);
  }

  @Test
  void reasoningBecomesAThinkingBlockAndFinishReasonsMap() {
    JsonObject message = ChatToAnthropic.message(new JsonObject("""
        {"choices": [{"finish_reason": "length", "message": {"role": "assistant",
          "reasoning_content": "Let me think.", "content": "Partial"}}]}"""), "fallback");
    assertEquals("fallback", message.getString("model"));
    assertEquals("max_tokens", message.getString("stop_reason"));
    assertEquals("thinking", message.getJsonArray("content").getJsonObject(0).getString("type"));
    assertEquals("Let me think.", message.getJsonArray("content").getJsonObject(0).getString("thinking"));
    assertEquals("end_turn", ChatToAnthropic.stopReason("stop"));
    assertEquals("refusal", ChatToAnthropic.stopReason("content_filter"));
    assertEquals(new JsonObject(), ChatToAnthropic.input("{not json"));
  }

  @Test
  void backendErrorsInAnthropicsEnvelope() {
    JsonObject llama = ChatToAnthropic.error(400, Buffer.buffer("""
        {"error":{"code":400,"message":"'messages' is required","type":"invalid_request_error"}}"""), "model x")
        .toJsonObject();
    assertEquals("error", llama.getString("type"));
    assertEquals("invalid_request_error", llama.getJsonObject("error").getString("type"));
    assertEquals("model x answered 400: 'messages' is required", llama.getJsonObject("error").getString("message"));
    JsonObject ollama = ChatToAnthropic.error(500, Buffer.buffer("{\"error\":\"out of memory\"}"), "model y").toJsonObject();
    assertEquals("api_error", ollama.getJsonObject("error").getString("type"));
    assertTrue(ollama.getJsonObject("error").getString("message").endsWith("out of memory"));
    String already = "{\"type\":\"error\",\"error\":{\"type\":\"not_found_error\",\"message\":\"model 'x' not found\"}}";
    assertEquals(already, ChatToAnthropic.error(404, Buffer.buffer(already), "z").toString());
    assertEquals("overloaded_error", ChatToAnthropic.error(503, Buffer.buffer("busy"), "z").toJsonObject()
        .getJsonObject("error").getString("type"));
  }

  @Test
  void textStreamAsAnthropicsStreamingExample() {
    List<JsonObject> events = translate(List.of(
        chunk(new JsonObject().put("role", "assistant").putNull("content"), null),
        chunk(new JsonObject().put("content", "Hello"), null),
        chunk(new JsonObject().put("content", "!"), null),
        chunk(new JsonObject(), "stop"),
        new JsonObject().put("id", "chatcmpl-1").put("model", "m").put("choices", new JsonArray())
            .put("usage", new JsonObject().put("prompt_tokens", 25).put("completion_tokens", 15)).encode(),
        "[DONE]"));
    assertEquals(List.of("message_start", "ping", "content_block_start", "content_block_delta",
        "content_block_delta", "content_block_stop", "message_delta", "message_stop"), types(events));
    JsonObject start = events.get(0).getJsonObject("message");
    assertEquals("msg_1", start.getString("id"));
    assertEquals("m", start.getString("model"));
    assertEquals(new JsonObject().put("type", "text").put("text", ""), events.get(2).getJsonObject("content_block"));
    assertEquals(new JsonObject().put("type", "text_delta").put("text", "Hello"), events.get(3).getJsonObject("delta"));
    assertEquals(new JsonObject("""
        {"type": "message_delta", "delta": {"stop_reason": "end_turn", "stop_sequence": null},
         "usage": {"input_tokens": 25, "output_tokens": 15}}"""), events.get(6));
  }

  @Test
  void toolStreamAsAnthropicsToolUseStreamingExample() {
    List<String> fragments = List.of("{\"location\": \"San Fra", "ncisco, CA\"", ", \"unit\": \"fah", "renheit\"}");
    List<String> chunks = new ArrayList<>();
    chunks.add(chunk(new JsonObject().put("content", "Okay, let's check the weather."), null));
    chunks.add(chunk(new JsonObject().put("tool_calls", new JsonArray().add(new JsonObject().put("index", 0)
        .put("id", "toolu_01T1x1fJ34qAmk2tNTrN7Up6").put("type", "function")
        .put("function", new JsonObject().put("name", "get_weather").put("arguments", "")))), null));
    for (String f : fragments) {
      chunks.add(chunk(new JsonObject().put("tool_calls", new JsonArray().add(new JsonObject().put("index", 0)
          .put("function", new JsonObject().put("arguments", f)))), null));
    }
    chunks.add(chunk(new JsonObject(), "tool_calls"));
    chunks.add("[DONE]");
    List<JsonObject> events = translate(chunks);
    assertEquals(List.of("message_start", "ping", "content_block_start", "content_block_delta", "content_block_stop",
        "content_block_start", "content_block_delta", "content_block_delta", "content_block_delta",
        "content_block_delta", "content_block_stop", "message_delta", "message_stop"), types(events));
    assertEquals(new JsonObject("""
        {"type": "content_block_start", "index": 1, "content_block": {"type": "tool_use",
         "id": "toolu_01T1x1fJ34qAmk2tNTrN7Up6", "name": "get_weather", "input": {}}}"""), events.get(5));
    assertEquals(new JsonObject("""
        {"type": "content_block_delta", "index": 1,
         "delta": {"type": "input_json_delta", "partial_json": "{\\"location\\": \\"San Fra"}}"""), events.get(6));
    assertEquals("tool_use", events.get(11).getJsonObject("delta").getString("stop_reason"));
  }

  @Test
  void aBackendErrorOrAnEarlyEndIsAnErrorEvent() {
    List<JsonObject> failed = translate(List.of(chunk(new JsonObject().put("content", "Hel"), null),
        "{\"error\":{\"code\":500,\"message\":\"slot crashed\",\"type\":\"server_error\"}}",
        chunk(new JsonObject().put("content", "lo"), null)));
    JsonObject last = failed.get(failed.size() - 1);
    assertEquals("error", last.getString("type"));
    assertTrue(last.getJsonObject("error").getString("message").contains("slot crashed"));
    assertEquals(1, failed.stream().filter(e -> e.getString("type").equals("content_block_delta")).count(),
        "nothing after the error");

    AnthropicStream cut = new AnthropicStream("m");
    cut.onData(chunk(new JsonObject().put("content", "Hel"), null));
    assertTrue(cut.onEnd().startsWith("event: error\n"));
  }

  @Test
  void backendKeepAlivesBecomePings() {
    AnthropicStream stream = new AnthropicStream("qwen");
    List<JsonObject> first = parse(stream.onComment());
    assertEquals(List.of("message_start", "ping"), types(first), "a message starts before its first ping");
    assertEquals("qwen", first.get(0).getJsonObject("message").getString("model"));
    assertEquals(List.of("ping"), types(parse(stream.onComment())));
    StringBuilder rest = new StringBuilder(stream.onData(chunk(new JsonObject().put("content", "Hi"), "stop")));
    rest.append(stream.onData("[DONE]"));
    assertEquals(List.of("content_block_start", "content_block_delta", "content_block_stop", "message_delta",
        "message_stop"), types(parse(rest.toString())), "one message_start only");
    assertEquals("", stream.onComment(), "nothing after message_stop");
  }

  static String chunk(JsonObject delta, String finish) {
    JsonObject choice = new JsonObject().put("index", 0).put("delta", delta);
    choice.put("finish_reason", finish);
    return new JsonObject().put("id", "chatcmpl-1").put("object", "chat.completion.chunk").put("model", "m")
        .put("choices", new JsonArray().add(choice)).encode();
  }

  /** Feeds data payloads; the events' data objects. */
  static List<JsonObject> translate(List<String> data) {
    AnthropicStream stream = new AnthropicStream("m");
    StringBuilder out = new StringBuilder();
    data.forEach(d -> out.append(stream.onData(d)));
    out.append(stream.onEnd());
    return parse(out.toString());
  }

  static List<JsonObject> parse(String sse) {
    List<JsonObject> events = new ArrayList<>();
    for (String event : sse.split("\n\n")) {
      if (event.isBlank()) {
        continue;
      }
      String[] lines = event.split("\n");
      assertTrue(lines[0].startsWith("event: ") && lines[1].startsWith("data: "), event);
      JsonObject data = new JsonObject(lines[1].substring(6));
      assertEquals(lines[0].substring(7), data.getString("type"), "event name = data type");
      events.add(data);
    }
    return events;
  }

  private static List<String> types(List<JsonObject> events) {
    return events.stream().map(e -> e.getString("type")).toList();
  }
}
