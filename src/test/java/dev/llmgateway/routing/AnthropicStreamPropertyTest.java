package dev.llmgateway.routing;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.llmgateway.api.AnthropicEnvelope;
import dev.llmgateway.api.ApiError;
import io.vertx.core.Handler;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.core.streams.ReadStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

/**
 * Whatever a backend's Chat Completions stream does — text, reasoning, tool calls, usage, an error
 * event, garbage, pings, CRLF line ends, bytes split anywhere (inside a UTF-8 character too), a
 * missing finish or [DONE], a connection that breaks — the Messages API stream the client gets is
 * well formed and ends with {@code message_stop} or with an {@code error} event, with nothing after.
 */
class AnthropicStreamPropertyTest {

  /** How the backend's stream ends. */
  enum End { CLEAN, BROKEN }

  @Property(tries = 2000)
  void alwaysEndsWithMessageStopOrAnError(@ForAll("backendEvents") List<String> events,
      @ForAll("ends") End end, @ForAll("crlf") boolean crlf, @ForAll("cuts") List<Integer> cuts) {
    byte[] wire = wire(events, crlf);
    StringBuilder client = new StringBuilder();
    Source source = new Source();
    TranslatedEvents stream = new TranslatedEvents(source, new AnthropicStream("m"), () -> source.abandoned = true);
    boolean[] ended = {false};
    stream.handler(b -> client.append(b.toString(StandardCharsets.UTF_8)));
    stream.endHandler(v -> ended[0] = true);
    // The relay: a stream that fails before it ended gets the envelope's error event.
    stream.exceptionHandler(err -> client.append(AnthropicEnvelope.INSTANCE.streamEnd(
        ApiError.badGateway("backend_closed", "closed")).toString(StandardCharsets.UTF_8)));
    int from = 0;
    for (int cut : cuts) {
      int to = Math.min(wire.length, from + cut);
      source.push(Buffer.buffer().appendBytes(wire, from, to - from));
      from = to;
    }
    source.push(Buffer.buffer().appendBytes(wire, from, wire.length - from));
    if (!ended[0]) {
      if (end == End.CLEAN) {
        source.end();
      } else {
        source.fail();
      }
    }
    check(client.toString());
  }

  /** Anthropic's ordering rules, and the last event. */
  private static void check(String sse) {
    List<JsonObject> events = AnthropicTranslationTest.parse(sse);
    assertTrue(!events.isEmpty(), "some event: " + sse);
    String last = events.get(events.size() - 1).getString("type");
    assertTrue(last.equals("message_stop") || last.equals("error"), "ends with " + last + ": " + sse);
    boolean started = false;
    Integer open = null;
    Set<Integer> used = new HashSet<>();
    boolean delta = false;
    for (int i = 0; i < events.size(); i++) {
      JsonObject e = events.get(i);
      String type = e.getString("type");
      if (type.equals("error")) {
        assertEquals(events.size() - 1, i, "nothing after an error: " + sse);
        return;
      }
      if (type.equals("message_start")) {
        assertTrue(!started, "one message_start");
        started = true;
        continue;
      }
      assertTrue(started, type + " before message_start: " + sse);
      switch (type) {
        case "ping" -> { }
        case "content_block_start" -> {
          assertEquals(null, open, "one block at a time: " + sse);
          open = e.getInteger("index");
          assertTrue(used.add(open), "fresh index");
          assertEquals(used.size() - 1, open, "indexes count up from 0");
        }
        case "content_block_delta" -> assertEquals(open, e.getInteger("index"), "delta of the open block: " + sse);
        case "content_block_stop" -> {
          assertEquals(open, e.getInteger("index"), "stop of the open block");
          open = null;
        }
        case "message_delta" -> {
          assertEquals(null, open, "blocks closed before message_delta");
          delta = true;
        }
        case "message_stop" -> assertTrue(delta, "message_delta before message_stop");
        default -> throw new AssertionError("unexpected event " + type);
      }
    }
  }

  private static byte[] wire(List<String> events, boolean crlf) {
    String nl = crlf ? "\r\n" : "\n";
    StringBuilder out = new StringBuilder();
    for (String e : events) {
      out.append(e.startsWith(":") ? e : "data: " + e).append(nl).append(nl);
    }
    return out.toString().getBytes(StandardCharsets.UTF_8);
  }

  @Provide
  Arbitrary<List<String>> backendEvents() {
    Arbitrary<String> words = Arbitraries.of("Hello", " wörld", " 😀", "", "\"quoted\"", "a\\nb");
    Arbitrary<String> text = words.map(w -> chunk(new JsonObject().put("content", w), null));
    Arbitrary<String> reasoning = words.map(w -> chunk(new JsonObject().put("reasoning_content", w), null));
    Arbitrary<String> toolStart = Arbitraries.integers().between(0, 2).map(i -> chunk(new JsonObject()
        .put("tool_calls", new JsonArray().add(new JsonObject().put("index", i).put("id", "call_" + i)
            .put("function", new JsonObject().put("name", "tool" + i).put("arguments", "")))), null));
    Arbitrary<String> toolArgs = Combinators.combine(Arbitraries.integers().between(0, 2),
        Arbitraries.of("{\"a\":", "1}", "")).as((i, f) -> chunk(new JsonObject().put("tool_calls",
            new JsonArray().add(new JsonObject().put("index", i).put("function", new JsonObject().put("arguments", f)))), null));
    Arbitrary<String> finish = Arbitraries.of("stop", "length", "tool_calls").map(r -> chunk(new JsonObject(), r));
    Arbitrary<String> usage = Arbitraries.just(new JsonObject().put("choices", new JsonArray())
        .put("usage", new JsonObject().put("prompt_tokens", 3).put("completion_tokens", 2)).encode());
    Arbitrary<String> odd = Arbitraries.of("[DONE]", "{\"error\":{\"message\":\"boom\",\"code\":500}}",
        "not json", ": ping", "{}", "[1,2]", "{\"choices\":null}");
    Arbitrary<String> event = Arbitraries.frequencyOf(
        net.jqwik.api.Tuple.of(6, text), net.jqwik.api.Tuple.of(2, reasoning), net.jqwik.api.Tuple.of(2, toolStart),
        net.jqwik.api.Tuple.of(3, toolArgs), net.jqwik.api.Tuple.of(2, finish), net.jqwik.api.Tuple.of(1, usage),
        net.jqwik.api.Tuple.of(1, odd));
    return event.list().ofMaxSize(25);
  }

  @Provide
  Arbitrary<End> ends() {
    return Arbitraries.of(End.class);
  }

  @Provide
  Arbitrary<Boolean> crlf() {
    return Arbitraries.of(true, false);
  }

  @Provide
  Arbitrary<List<Integer>> cuts() {
    return Arbitraries.integers().between(1, 40).list().ofMaxSize(30);
  }

  private static String chunk(JsonObject delta, String finish) {
    return AnthropicTranslationTest.chunk(delta, finish);
  }

  /** The backend's answer: bytes pushed by the test, then an end or a failure. */
  private static final class Source implements ReadStream<Buffer> {
    private Handler<Buffer> handler;
    private Handler<Void> endHandler;
    private Handler<Throwable> exceptionHandler;
    boolean abandoned;

    void push(Buffer b) {
      if (!abandoned && handler != null && b.length() > 0) {
        handler.handle(b);
      }
    }

    void end() {
      if (!abandoned && endHandler != null) {
        endHandler.handle(null);
      }
    }

    void fail() {
      if (!abandoned && exceptionHandler != null) {
        exceptionHandler.handle(new io.vertx.core.http.HttpClosedException("Connection was closed"));
      }
    }

    @Override
    public ReadStream<Buffer> exceptionHandler(Handler<Throwable> h) {
      exceptionHandler = h;
      return this;
    }

    @Override
    public ReadStream<Buffer> handler(Handler<Buffer> h) {
      handler = h;
      return this;
    }

    @Override
    public ReadStream<Buffer> pause() {
      return this;
    }

    @Override
    public ReadStream<Buffer> resume() {
      return this;
    }

    @Override
    public ReadStream<Buffer> fetch(long amount) {
      return this;
    }

    @Override
    public ReadStream<Buffer> endHandler(Handler<Void> h) {
      endHandler = h;
      return this;
    }
  }
}
