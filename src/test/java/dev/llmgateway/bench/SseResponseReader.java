package dev.llmgateway.bench;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Locale;

/**
 * Decodes one HTTP/1.1 response at a time from the bytes of a socket, as they are read: status line
 * and headers, then a chunked, {@code Content-Length} or until-close body, whose bytes are split into
 * server-sent events on blank lines. It works below any HTTP client on purpose: the stream client
 * must see each socket read as it was, to tell whether a proxy delivered events one by one or
 * several at once, whatever the chunk framing.
 */
final class SseResponseReader {

  /** What the reader found, in order: headers, events, end. */
  interface Listener {
    void headers(int status);

    /** One event, without its blank line: {@code buf[start, end)} (valid during the call only). */
    void event(byte[] buf, int start, int end);

    /** The response is complete; {@code keepAlive}: the connection may carry another one. */
    void end(boolean keepAlive);
  }

  private enum State { HEAD, SIZE, DATA, DATA_CRLF, TRAILER, BODY, UNTIL_CLOSE, DONE }

  private final Listener listener;
  private State state = State.HEAD;
  private byte[] line = new byte[512];
  private int lineLength;
  private long remaining;
  private boolean keepAlive;
  private byte[] sse = new byte[4096];
  private int sseStart;
  private int sseEnd;
  private int scanned;

  SseResponseReader(Listener listener) {
    this.listener = listener;
  }

  /** Ready for the next response on the same connection. */
  void reset() {
    state = State.HEAD;
    lineLength = 0;
    sseStart = 0;
    sseEnd = 0;
    scanned = 0;
  }

  boolean inResponse() {
    return state != State.DONE && (state != State.HEAD || lineLength > 0);
  }

  /** The connection closed: a body that runs until close is complete now. */
  void closed() {
    if (state == State.UNTIL_CLOSE) {
      finish(false);
    }
  }

  void feed(byte[] b, int off, int len) {
    int i = off;
    int end = off + len;
    while (i < end && state != State.DONE) {
      switch (state) {
        case HEAD -> {
          addToLine(b[i++]);
          if (lineLength >= 4 && line[lineLength - 1] == '\n' && line[lineLength - 2] == '\r'
              && line[lineLength - 3] == '\n' && line[lineLength - 4] == '\r') {
            head();
          }
        }
        case SIZE -> {
          byte c = b[i++];
          if (c != '\n') {
            addToLine(c);
            continue;
          }
          long size = chunkSize();
          lineLength = 0;
          if (size == 0) {
            state = State.TRAILER;
          } else {
            remaining = size;
            state = State.DATA;
          }
        }
        case DATA, BODY -> {
          int n = (int) Math.min(remaining, end - i);
          body(b, i, n);
          i += n;
          remaining -= n;
          if (remaining == 0) {
            if (state == State.DATA) {
              state = State.DATA_CRLF;
            } else {
              finish(keepAlive);
            }
          }
        }
        case DATA_CRLF -> {
          if (b[i++] == '\n') {
            state = State.SIZE;
          }
        }
        case TRAILER -> {
          byte c = b[i++];
          if (c != '\n') {
            if (c != '\r') {
              addToLine(c);
            }
          } else if (lineLength == 0) {
            finish(keepAlive);
          } else {
            lineLength = 0;
          }
        }
        case UNTIL_CLOSE -> {
          body(b, i, end - i);
          i = end;
        }
        default -> throw new IllegalStateException(state.name());
      }
    }
  }

  private void head() {
    String text = new String(line, 0, lineLength, StandardCharsets.ISO_8859_1);
    lineLength = 0;
    String[] lines = text.split("\r\n");
    String[] statusLine = lines[0].split(" ", 3);
    int status = statusLine.length > 1 ? Integer.parseInt(statusLine[1]) : 0;
    keepAlive = !statusLine[0].equals("HTTP/1.0");
    boolean chunked = false;
    long length = -1;
    for (int k = 1; k < lines.length; k++) {
      int colon = lines[k].indexOf(':');
      if (colon < 0) {
        continue;
      }
      String name = lines[k].substring(0, colon).trim().toLowerCase(Locale.ROOT);
      String value = lines[k].substring(colon + 1).trim().toLowerCase(Locale.ROOT);
      switch (name) {
        case "transfer-encoding" -> chunked = value.contains("chunked");
        case "content-length" -> length = Long.parseLong(value);
        case "connection" -> keepAlive = value.contains("keep-alive") || (keepAlive && !value.contains("close"));
        default -> { }
      }
    }
    listener.headers(status);
    if (chunked) {
      state = State.SIZE;
    } else if (length >= 0) {
      remaining = length;
      state = State.BODY;
      if (length == 0) {
        finish(keepAlive);
      }
    } else {
      keepAlive = false;
      state = State.UNTIL_CLOSE;
    }
  }

  private long chunkSize() {
    long size = 0;
    for (int k = 0; k < lineLength; k++) {
      int digit = Character.digit(line[k], 16);
      if (digit < 0) {
        break; // '\r' or a chunk extension
      }
      size = size * 16 + digit;
    }
    return size;
  }

  /** Body bytes: appended, then every complete event (ended by a blank line) is handed out. */
  private void body(byte[] b, int off, int n) {
    if (sseEnd + n > sse.length) {
      System.arraycopy(sse, sseStart, sse, 0, sseEnd - sseStart);
      sseEnd -= sseStart;
      scanned -= sseStart;
      sseStart = 0;
      if (sseEnd + n > sse.length) {
        sse = Arrays.copyOf(sse, Math.max(sse.length * 2, sseEnd + n));
      }
    }
    System.arraycopy(b, off, sse, sseEnd, n);
    sseEnd += n;
    for (int k = Math.max(scanned, sseStart + 1); k < sseEnd; k++) {
      if (sse[k] == '\n' && (sse[k - 1] == '\n' || (sse[k - 1] == '\r' && k - 2 >= sseStart && sse[k - 2] == '\n'))) {
        int eventEnd = sse[k - 1] == '\n' ? k - 1 : k - 2;
        if (eventEnd > sseStart && sse[eventEnd - 1] == '\r') {
          eventEnd--; // the line before the blank one ended with CRLF
        }
        listener.event(sse, sseStart, eventEnd);
        sseStart = k + 1;
        k = sseStart; // the loop's k++ moves past the first byte, which cannot end an event
      }
    }
    scanned = sseEnd;
  }

  private void finish(boolean reusable) {
    state = State.DONE;
    listener.end(reusable);
  }

  private void addToLine(byte c) {
    if (lineLength == line.length) {
      line = Arrays.copyOf(line, line.length * 2);
    }
    line[lineLength++] = c;
  }
}
