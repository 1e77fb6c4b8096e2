package dev.llmgateway.routing;

import io.vertx.core.Handler;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClosedException;
import io.vertx.core.json.DecodeException;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.core.parsetools.RecordParser;
import io.vertx.core.streams.ReadStream;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.TreeMap;

/**
 * A {@code /v1/chat/completions} event stream read as Ollama's NDJSON answer to {@code /api/chat} or
 * {@code /api/generate}: one {@code {"model","created_at","message"|"response","done":false}} line
 * per piece of text, the tool calls whole (OpenAI streams their arguments in fragments, Ollama sends
 * each call complete) once the model has finished, then the {@code "done": true} line with
 * {@code done_reason}, counts and durations. Events are read line by line, never by network chunk,
 * and only as fast as the client takes them (the backend's stream is paused with this one). A stream
 * that ends before the model finished fails, so the client gets Ollama's {@code {"error"}} line.
 */
final class OllamaApiStream implements ReadStream<Buffer> {

  /** A backend's event is a few hundred bytes; anything near this is not a chat stream. */
  private static final int MAX_LINE = 8 * 1024 * 1024;

  private final RecordParser lines;
  private final String model;
  private final boolean generate;
  private final OllamaApiTranslation.Clock clock;
  private final Map<Integer, JsonObject> toolCalls = new TreeMap<>();
  private Handler<Buffer> handler;
  private Handler<Void> endHandler;
  private Handler<Throwable> exceptionHandler;
  private String finishReason;
  private JsonObject usage;
  private JsonObject timings;
  private boolean finished;

  OllamaApiStream(ReadStream<Buffer> sse, String model, boolean generate, OllamaApiTranslation.Clock clock) {
    this.lines = RecordParser.newDelimited("\n", sse).maxRecordSize(MAX_LINE);
    this.model = model;
    this.generate = generate;
    this.clock = clock;
    lines.endHandler(v -> ended());
    lines.exceptionHandler(this::fail);
  }

  @Override
  public OllamaApiStream handler(Handler<Buffer> value) {
    handler = value;
    lines.handler(value == null ? null : this::line);
    return this;
  }

  @Override
  public OllamaApiStream exceptionHandler(Handler<Throwable> value) {
    exceptionHandler = value;
    return this;
  }

  @Override
  public OllamaApiStream endHandler(Handler<Void> value) {
    endHandler = value;
    return this;
  }

  @Override
  public OllamaApiStream pause() {
    lines.pause();
    return this;
  }

  @Override
  public OllamaApiStream resume() {
    lines.resume();
    return this;
  }

  @Override
  public OllamaApiStream fetch(long amount) {
    lines.fetch(amount);
    return this;
  }

  private void line(Buffer raw) {
    if (finished) {
      return;
    }
    String text = raw.toString(StandardCharsets.UTF_8).strip();
    if (!text.startsWith("data:")) {
      return; // blank separators, comments (pings), event names
    }
    String data = text.substring(5).strip();
    if (data.equals("[DONE]")) {
      finish();
      return;
    }
    JsonObject event;
    try {
      event = new JsonObject(data);
    } catch (DecodeException e) {
      fail(new IllegalStateException("the backend sent an event that is not JSON"));
      return;
    }
    Buffer out = Buffer.buffer();
    translate(event, out);
    emit(out);
  }

  private void translate(JsonObject event, Buffer out) {
    Object error = event.getValue("error");
    if (error != null) {
      String message = error instanceof JsonObject o ? o.getString("message", o.encode()) : String.valueOf(error);
      finished = true;
      out.appendString(new JsonObject().put("error", message).encode()).appendString("\n");
      return;
    }
    if (event.getValue("usage") instanceof JsonObject u) {
      usage = u;
    }
    if (event.getValue("timings") instanceof JsonObject t) {
      timings = t;
    }
    JsonArray choices = event.getValue("choices") instanceof JsonArray c ? c : null;
    if (choices == null || choices.isEmpty() || !(choices.getValue(0) instanceof JsonObject choice)) {
      return;
    }
    JsonObject delta = choice.getValue("delta") instanceof JsonObject d ? d : new JsonObject();
    String content = delta.getValue("content") instanceof String s ? s : "";
    String thinking = delta.getValue("reasoning_content") instanceof String s ? s : "";
    if (!content.isEmpty() || !thinking.isEmpty()) {
      clock.token();
      out.appendString(piece(content, thinking, null).encode()).appendString("\n");
    }
    if (delta.getValue("tool_calls") instanceof JsonArray calls) {
      clock.token();
      collect(calls);
    }
    if (choice.getValue("finish_reason") instanceof String reason) {
      finishReason = reason;
      if (!toolCalls.isEmpty()) {
        out.appendString(piece("", "", OllamaApiTranslation.toolCalls(new JsonArray(
            java.util.List.copyOf(toolCalls.values())))).encode()).appendString("\n");
        toolCalls.clear();
      }
    }
  }

  /** Tool-call fragments, joined by index: the id and name come once, the arguments in pieces. */
  private void collect(JsonArray calls) {
    for (Object item : calls) {
      if (!(item instanceof JsonObject call)) {
        continue;
      }
      int index = call.getValue("index") instanceof Number n ? n.intValue() : toolCalls.size();
      JsonObject whole = toolCalls.computeIfAbsent(index, i -> new JsonObject()
          .put("function", new JsonObject().put("name", "").put("arguments", "")));
      if (call.getValue("id") instanceof String id) {
        whole.put("id", id);
      }
      JsonObject function = call.getValue("function") instanceof JsonObject f ? f : new JsonObject();
      JsonObject into = whole.getJsonObject("function");
      if (function.getValue("name") instanceof String name && !name.isEmpty()) {
        into.put("name", into.getString("name") + name);
      }
      Object arguments = function.getValue("arguments");
      if (arguments instanceof String part) {
        into.put("arguments", into.getString("arguments") + part);
      } else if (arguments instanceof JsonObject o) {
        into.put("arguments", o.encode());
      }
    }
  }

  private JsonObject piece(String content, String thinking, JsonArray calls) {
    JsonObject out = OllamaApiTranslation.head(model);
    if (generate) {
      out.put("response", content);
      if (!thinking.isEmpty()) {
        out.put("thinking", thinking);
      }
      if (calls != null) {
        out.put("tool_calls", calls);
      }
    } else {
      JsonObject message = new JsonObject().put("role", "assistant").put("content", content);
      if (!thinking.isEmpty()) {
        message.put("thinking", thinking);
      }
      if (calls != null) {
        message.put("tool_calls", calls);
      }
      out.put("message", message);
    }
    return out.put("done", false);
  }

  /** The model is done ({@code [DONE]}, or the stream ended after a finish reason): the last line. */
  private void finish() {
    if (finished) {
      return;
    }
    finished = true;
    JsonObject last = OllamaApiTranslation.head(model);
    if (generate) {
      last.put("response", "");
    } else {
      last.put("message", new JsonObject().put("role", "assistant").put("content", ""));
    }
    last.put("done", true).put("done_reason", OllamaApiTranslation.doneReason(finishReason));
    OllamaApiTranslation.metrics(last, usage, timings, clock);
    emit(Buffer.buffer(last.encode()).appendString("\n"));
  }

  private void ended() {
    if (!finished && finishReason != null) {
      finish(); // a backend that ends without [DONE] after finishing is done all the same
    }
    if (!finished) {
      fail(new HttpClosedException("the stream ended before the model finished"));
      return;
    }
    Handler<Void> end = endHandler;
    if (end != null) {
      end.handle(null);
    }
  }

  private void emit(Buffer out) {
    Handler<Buffer> h = handler;
    if (out.length() > 0 && h != null) {
      h.handle(out);
    }
  }

  private void fail(Throwable err) {
    finished = true;
    Handler<Throwable> h = exceptionHandler;
    if (h != null) {
      h.handle(err);
    }
  }
}
