package dev.llmgateway.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class SseResponseReaderTest {

  /** Records what the reader reports, as text. */
  private static final class Log implements SseResponseReader.Listener {
    final List<String> seen = new ArrayList<>();

    @Override
    public void headers(int status) {
      seen.add("status " + status);
    }

    @Override
    public void event(byte[] buf, int start, int end) {
      seen.add(new String(buf, start, end - start, StandardCharsets.ISO_8859_1));
    }

    @Override
    public void end(boolean keepAlive) {
      seen.add("end keepAlive=" + keepAlive);
    }
  }

  private static final String HEAD = "HTTP/1.1 200 OK\r\nContent-Type: text/event-stream\r\n"
      + "Transfer-Encoding: chunked\r\n\r\n";

  private static String chunk(String data) {
    return Integer.toHexString(data.length()) + "\r\n" + data + "\r\n";
  }

  private static List<String> read(String wire, int piece) {
    Log log = new Log();
    SseResponseReader reader = new SseResponseReader(log);
    byte[] bytes = wire.getBytes(StandardCharsets.ISO_8859_1);
    for (int i = 0; i < bytes.length; i += piece) {
      reader.feed(bytes, i, Math.min(piece, bytes.length - i));
    }
    reader.closed();
    return log.seen;
  }

  @Test
  void splitsEventsWhateverTheChunksAndReads() {
    String events = "data: {\"ts\":1}\n\ndata: {\"ts\":2}\n\ndata: [DONE]\n\n";
    List<String> expected = List.of("status 200", "data: {\"ts\":1}", "data: {\"ts\":2}", "data: [DONE]",
        "end keepAlive=true");
    String oneChunkPerEvent = HEAD + chunk("data: {\"ts\":1}\n\n") + chunk("data: {\"ts\":2}\n\n")
        + chunk("data: [DONE]\n\n") + "0\r\n\r\n";
    // how nginx re-chunks: chunk borders anywhere, even inside an event or its blank line
    String rechunked = HEAD + chunk(events.substring(0, 20)) + chunk(events.substring(20, 31))
        + chunk(events.substring(31)) + "0\r\n\r\n";
    for (int piece : new int[] {1, 3, 7, 1000}) {
      assertEquals(expected, read(oneChunkPerEvent, piece), "one chunk per event, reads of " + piece);
      assertEquals(expected, read(rechunked, piece), "re-chunked, reads of " + piece);
    }
  }

  @Test
  void readsContentLengthAndUntilCloseBodies() {
    String error = "{\"error\":{\"message\":\"no\"}}";
    assertEquals(List.of("status 502", "end keepAlive=false"),
        read("HTTP/1.1 502 Bad Gateway\r\nConnection: close\r\nContent-Length: " + error.length() + "\r\n\r\n"
            + error, 5));
    assertEquals(List.of("status 200", "data: x", "end keepAlive=false"),
        read("HTTP/1.1 200 OK\r\nContent-Type: text/event-stream\r\n\r\ndata: x\r\n\r\n", 4));
  }

  @Test
  void readsTheNextResponseAfterReset() {
    Log log = new Log();
    SseResponseReader reader = new SseResponseReader(log);
    byte[] one = (HEAD + chunk("data: a\n\n") + "0\r\n\r\n").getBytes(StandardCharsets.ISO_8859_1);
    reader.feed(one, 0, one.length);
    reader.reset();
    reader.feed(one, 0, one.length);
    assertEquals(List.of("status 200", "data: a", "end keepAlive=true", "status 200", "data: a",
        "end keepAlive=true"), log.seen);
  }
}
