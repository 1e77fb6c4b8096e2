package dev.llmgateway.routing;

import dev.llmgateway.api.AnthropicEnvelope;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.DecodeException;
import io.vertx.core.json.Json;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.HashMap;
import java.util.Map;

/**
 * Turns a Chat Completions event stream, one {@code data:} payload at a time, into the Messages API's
 * events: {@code message_start} and a {@code ping}, then content blocks ({@code thinking},
 * {@code text}, {@code tool_use}; one open at a time, each started, filled with deltas and stopped),
 * then {@code message_delta} (stop reason, usage) and {@code message_stop}. Whatever the backend
 * sends — an error, garbage, nothing, an end without a finish — the output ends with
 * {@code message_stop} or with an {@code error} event, and nothing follows either.
 * Not thread-safe; one per stream.
 */
final class AnthropicStream implements EventTranslator {

  private enum Block { NONE, THINKING, TEXT, TOOL }

  private final String fallbackModel;
  private boolean started;
  private boolean finished;
  private boolean failed;
  private Block open = Block.NONE;
  private int openIndex = -1;
  private int nextIndex;
  /** The chat tool-call index of the open tool block. */
  private int openTool = -1;
  private final Map<Integer, Integer> toolBlocks = new HashMap<>();
  private String finishReason;
  private Long inputTokens;
  private long outputTokens;

  AnthropicStream(String fallbackModel) {
    this.fallbackModel = fallbackModel;
  }

  /** True once {@code message_stop} or an {@code error} event has been produced. */
  @Override
  public boolean finished() {
    return finished;
  }

  /** True once an {@code error} event has been produced. */
  @Override
  public boolean failed() {
    return failed;
  }

  /** The events one backend event makes (empty when none). */
  @Override
  public String onData(String data) {
    if (finished) {
      return "";
    }
    StringBuilder out = new StringBuilder();
    if (data.trim().equals("[DONE]")) {
      finish(out);
      return out.toString();
    }
    JsonObject chunk;
    try {
      chunk = Json.decodeValue(data) instanceof JsonObject o ? o : null;
    } catch (DecodeException e) {
      chunk = null;
    }
    if (chunk == null) {
      return error(out, 502, "the backend sent an event that is not a JSON object");
    }
    if (chunk.getValue("error") != null) {
      Object e = chunk.getValue("error");
      String message = e instanceof JsonObject o && o.getValue("message") instanceof String m ? m : String.valueOf(e);
      int status = e instanceof JsonObject o && o.getValue("code") instanceof Number n
          && n.intValue() >= 400 && n.intValue() < 600 ? n.intValue() : 500;
      return error(out, status, "the backend failed while answering: " + message);
    }
    start(out, chunk);
    if (chunk.getValue("usage") instanceof JsonObject usage) {
      if (usage.getValue("prompt_tokens") instanceof Number n) {
        inputTokens = n.longValue();
      }
      if (usage.getValue("completion_tokens") instanceof Number n) {
        outputTokens = n.longValue();
      }
    }
    if (chunk.getValue("choices") instanceof JsonArray choices && !choices.isEmpty()
        && choices.getValue(0) instanceof JsonObject choice) {
      if (choice.getValue("delta") instanceof JsonObject delta) {
        delta(out, delta);
      }
      if (choice.getValue("finish_reason") instanceof String reason) {
        finishReason = reason;
      }
    }
    return out.toString();
  }

  /**
   * A comment line from the backend: llama-server's keep-alive while it reads a long prompt
   * ({@code --sse-ping-interval}). Passed on as Anthropic's {@code ping}, after a {@code message_start}
   * if none went out yet, so the client and proxies on the way see the stream alive.
   */
  @Override
  public String onComment() {
    if (finished) {
      return "";
    }
    StringBuilder out = new StringBuilder();
    boolean fresh = !started;
    start(out, null);
    if (!fresh) {
      event(out, "ping", new JsonObject().put("type", "ping"));
    }
    return out.toString();
  }

  /** The backend's stream ended (cleanly, as far as the connection goes). */
  @Override
  public String onEnd() {
    StringBuilder out = new StringBuilder();
    if (finished) {
      return "";
    }
    if (finishReason != null) {
      finish(out); // a finish without [DONE] is a whole answer
      return out.toString();
    }
    return error(out, 502, "the backend ended the stream before the answer was finished");
  }

  private void start(StringBuilder out, JsonObject chunk) {
    if (started) {
      return;
    }
    started = true;
    String model = chunk != null && chunk.getValue("model") instanceof String m ? m : fallbackModel;
    JsonObject message = new JsonObject()
        .put("id", ChatToAnthropic.messageId(chunk == null ? null : chunk.getValue("id")))
        .put("type", "message").put("role", "assistant").put("model", model)
        .put("content", new JsonArray()).putNull("stop_reason").putNull("stop_sequence")
        .put("usage", new JsonObject().put("input_tokens", 0).put("output_tokens", 0));
    event(out, "message_start", new JsonObject().put("type", "message_start").put("message", message));
    event(out, "ping", new JsonObject().put("type", "ping"));
  }

  private void delta(StringBuilder out, JsonObject delta) {
    String reasoning = ChatToAnthropic.reasoning(delta);
    if (reasoning != null && !reasoning.isEmpty()) {
      if (open != Block.THINKING) {
        begin(out, Block.THINKING, new JsonObject().put("type", "thinking").put("thinking", ""));
      }
      blockDelta(out, new JsonObject().put("type", "thinking_delta").put("thinking", reasoning));
    }
    if (delta.getValue("content") instanceof String text && !text.isEmpty()) {
      if (open != Block.TEXT) {
        begin(out, Block.TEXT, new JsonObject().put("type", "text").put("text", ""));
      }
      blockDelta(out, new JsonObject().put("type", "text_delta").put("text", text));
    }
    if (delta.getValue("tool_calls") instanceof JsonArray calls) {
      for (int i = 0; i < calls.size(); i++) {
        if (calls.getValue(i) instanceof JsonObject call) {
          toolCall(out, call, i);
        }
      }
    }
  }

  private void toolCall(StringBuilder out, JsonObject call, int position) {
    int index = call.getValue("index") instanceof Number n ? n.intValue() : position;
    JsonObject function = call.getValue("function") instanceof JsonObject f ? f : new JsonObject();
    if (!toolBlocks.containsKey(index)) {
      String id = call.getValue("id") instanceof String s && !s.isEmpty() ? s : ChatToAnthropic.toolUseId(index);
      begin(out, Block.TOOL, new JsonObject().put("type", "tool_use").put("id", id)
          .put("name", function.getString("name", "")).put("input", new JsonObject()));
      toolBlocks.put(index, openIndex);
      openTool = index;
    }
    Object arguments = function.getValue("arguments");
    String fragment = arguments instanceof String s ? s : arguments instanceof JsonObject o ? o.encode() : "";
    // Blocks are sequential in Anthropic's stream: arguments for a call whose block was already
    // closed (backends stream calls one after another; none interleave) cannot be placed.
    if (!fragment.isEmpty() && open == Block.TOOL && openTool == index) {
      blockDelta(out, new JsonObject().put("type", "input_json_delta").put("partial_json", fragment));
    }
  }

  private void begin(StringBuilder out, Block kind, JsonObject block) {
    close(out);
    open = kind;
    openIndex = nextIndex++;
    event(out, "content_block_start", new JsonObject().put("type", "content_block_start")
        .put("index", openIndex).put("content_block", block));
  }

  private void blockDelta(StringBuilder out, JsonObject delta) {
    event(out, "content_block_delta", new JsonObject().put("type", "content_block_delta")
        .put("index", openIndex).put("delta", delta));
  }

  private void close(StringBuilder out) {
    if (open == Block.NONE) {
      return;
    }
    if (open == Block.THINKING) {
      // Anthropic's thinking blocks end with a signature; a local model has none to give.
      blockDelta(out, new JsonObject().put("type", "signature_delta").put("signature", ""));
    }
    event(out, "content_block_stop", new JsonObject().put("type", "content_block_stop").put("index", openIndex));
    open = Block.NONE;
    openTool = -1;
  }

  private void finish(StringBuilder out) {
    start(out, null);
    close(out);
    JsonObject usage = new JsonObject();
    if (inputTokens != null) {
      usage.put("input_tokens", inputTokens);
    }
    usage.put("output_tokens", outputTokens);
    event(out, "message_delta", new JsonObject().put("type", "message_delta")
        .put("delta", new JsonObject().put("stop_reason", ChatToAnthropic.stopReason(finishReason))
            .putNull("stop_sequence"))
        .put("usage", usage));
    event(out, "message_stop", new JsonObject().put("type", "message_stop"));
    finished = true;
  }

  private String error(StringBuilder out, int status, String message) {
    event(out, "error", AnthropicEnvelope.body(status, message));
    finished = true;
    failed = true;
    return out.toString();
  }

  private static void event(StringBuilder out, String name, JsonObject data) {
    out.append("event: ").append(name).append("\ndata: ").append(data.encode()).append("\n\n");
  }
}
