package dev.llmgateway.routing;

import io.vertx.core.buffer.Buffer;
import java.nio.charset.StandardCharsets;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The tokens a backend reported for one answer, read from its {@code usage} object: OpenAI's shape
 * ({@code prompt_tokens}, {@code completion_tokens}), which llama-server, Ollama's /v1 and LiteLLM
 * all write. A plain answer carries it near its end; a stream only when the client asked for
 * {@code stream_options.include_usage}, in its last event. So only the end of the answer is read
 * (at most {@link #TAIL} bytes of each of the last two chunks), once, when the request is over.
 */
record Usage(long promptTokens, long completionTokens) {

  static final Usage NONE = new Usage(-1, -1);
  /** Enough for a final event with usage and llama-server's timings. */
  static final int TAIL = 2048;

  private static final Pattern PROMPT = Pattern.compile("\"prompt_tokens\"\\s*:\\s*(\\d{1,12})");
  private static final Pattern COMPLETION = Pattern.compile("\"completion_tokens\"\\s*:\\s*(\\d{1,12})");

  boolean known() {
    return completionTokens >= 0 || promptTokens >= 0;
  }

  /** The last {@code usage} object in the end of an answer; {@link #NONE} when there is none. */
  static Usage find(Buffer before, Buffer last) {
    String tail = tail(before) + tail(last);
    int at = tail.lastIndexOf("\"usage\"");
    if (at < 0) {
      return NONE;
    }
    // Not cut at the first '}': OpenAI nests *_tokens_details objects in it.
    String usage = tail.substring(at);
    long prompt = number(PROMPT.matcher(usage));
    long completion = number(COMPLETION.matcher(usage));
    return prompt < 0 && completion < 0 ? NONE : new Usage(prompt, completion);
  }

  private static String tail(Buffer b) {
    if (b == null) {
      return "";
    }
    int from = Math.max(0, b.length() - TAIL);
    // Latin-1: one char per byte, and the keys and digits are ASCII anyway.
    return b.getString(from, b.length(), StandardCharsets.ISO_8859_1.name());
  }

  private static long number(Matcher m) {
    return m.find() ? Long.parseLong(m.group(1)) : -1;
  }
}
