package dev.llmgateway.bench;

import static dev.llmgateway.bench.BenchUpstream.buffer;
import static dev.llmgateway.bench.BenchUpstream.bytes;

import io.vertx.core.buffer.Buffer;
import io.vertx.core.net.NetSocket;
import java.nio.charset.StandardCharsets;
import java.util.Locale;

/**
 * One connection to the bench upstream, HTTP/1.1 by hand: requests with a {@code Content-Length}
 * body (what wrk, nginx and the gateway send), keep-alive unless asked to close, one response at a
 * time. Everything it writes is prebuilt bytes; a streamed event is one pre-framed chunk.
 */
final class UpstreamConnection {

  static final byte[] ROLE = bytes("\"delta\":{\"role\":\"assistant\",\"content\":null},\"finish_reason\":null}]}\n\n");
  static final byte[] TOKEN = bytes("\"delta\":{\"content\":\" token\"},\"finish_reason\":null}]}\n\n");
  static final byte[] FINISH = bytes("\"delta\":{},\"finish_reason\":\"length\"}]}\n\ndata: [DONE]\n\n");
  private static final byte[] EVENT_HEAD = bytes("data: {\"id\":\"chatcmpl-bench\",\"ts\":");
  private static final byte[] EVENT_MIDDLE = bytes(",\"created\":1700000000,\"model\":\"bench\","
      + "\"system_fingerprint\":\"b0-bench\",\"object\":\"chat.completion.chunk\",\"choices\":[{\"index\":0,");
  private static final byte[] CRLF = bytes("\r\n");
  private static final byte[] LAST_CHUNK = bytes("0\r\n\r\n");

  private static final byte[] HEALTH = response("200 OK", "application/json", "{\"status\":\"ok\"}");
  // A llama-server non-streaming answer, trimmed to the fields clients read.
  private static final byte[] COMPLETION = response("200 OK", "application/json",
      "{\"choices\":[{\"finish_reason\":\"stop\",\"index\":0,\"message\":{\"role\":\"assistant\","
      + "\"content\":\"Hello! How can I help you today?\"}}],\"created\":1700000000,\"model\":\"bench\","
      + "\"system_fingerprint\":\"b0-bench\",\"object\":\"chat.completion\",\"usage\":{\"completion_tokens\":9,"
      + "\"prompt_tokens\":9,\"total_tokens\":18},\"id\":\"chatcmpl-bench\","
      + "\"timings\":{\"prompt_n\":9,\"predicted_n\":9}}");
  private static final byte[] NOT_FOUND = response("404 Not Found", "application/json",
      "{\"error\":{\"code\":404,\"message\":\"File Not Found\",\"type\":\"not_found_error\"}}");
  private static final byte[] LENGTH_REQUIRED = response("411 Length Required", "text/plain", "");
  private static final byte[] CONTINUE = bytes("HTTP/1.1 100 Continue\r\n\r\n");
  private static final byte[] STREAM_HEAD = bytes("HTTP/1.1 200 OK\r\nContent-Type: text/event-stream\r\n"
      + "Cache-Control: no-cache\r\nX-Accel-Buffering: no\r\nTransfer-Encoding: chunked\r\n\r\n");

  private final NetSocket socket;
  private final BenchUpstream upstream;
  private Buffer pending = Buffer.buffer();
  private int scanned;
  private boolean streaming;
  private boolean closed;
  private boolean closeAfter;

  UpstreamConnection(NetSocket socket, BenchUpstream upstream) {
    this.socket = socket;
    this.upstream = upstream;
    socket.handler(this::onData);
    socket.closeHandler(v -> closed = true);
    socket.exceptionHandler(err -> { }); // a proxy resetting a connection is no news here
  }

  boolean closed() {
    return closed;
  }

  /** The stream's last chunk is written: the connection may take the next request. */
  void streamEnded() {
    streaming = false;
    if (closeAfter) {
      socket.close();
    } else {
      process();
    }
  }

  /** One event as a complete chunk, stamped now; {@code last} appends the terminating chunk. */
  static Buffer chunk(byte[] tail, boolean last) {
    byte[] ts = Long.toString(BenchClock.nowMicros()).getBytes(StandardCharsets.ISO_8859_1);
    int length = EVENT_HEAD.length + ts.length + EVENT_MIDDLE.length + tail.length;
    byte[] size = (Integer.toHexString(length) + "\r\n").getBytes(StandardCharsets.ISO_8859_1);
    return buffer(size, EVENT_HEAD, ts, EVENT_MIDDLE, tail, CRLF, last ? LAST_CHUNK : new byte[0]);
  }

  private void onData(Buffer data) {
    pending.appendBuffer(data);
    process();
  }

  private void process() {
    while (!streaming && !closed) {
      int headEnd = headEnd();
      if (headEnd < 0) {
        return;
      }
      String head = pending.getString(0, headEnd, "ISO-8859-1");
      String[] lines = head.split("\r\n");
      String[] requestLine = lines[0].split(" ");
      long length = requestLine[0].equals("GET") ? 0 : -1;
      boolean expectContinue = false;
      closeAfter = requestLine.length > 2 && requestLine[2].equals("HTTP/1.0");
      for (int i = 1; i < lines.length; i++) {
        int colon = lines[i].indexOf(':');
        String name = colon < 0 ? "" : lines[i].substring(0, colon).trim().toLowerCase(Locale.ROOT);
        String value = colon < 0 ? "" : lines[i].substring(colon + 1).trim().toLowerCase(Locale.ROOT);
        switch (name) {
          case "content-length" -> length = Long.parseLong(value);
          case "connection" -> closeAfter = value.contains("close") || (closeAfter && !value.contains("keep-alive"));
          case "expect" -> expectContinue = value.contains("100-continue");
          default -> { }
        }
      }
      if (length < 0) {
        closeAfter = true;
        send(LENGTH_REQUIRED);
        return;
      }
      int end = headEnd + 4 + (int) length;
      if (pending.length() < end) {
        if (expectContinue) {
          socket.write(Buffer.buffer(CONTINUE));
        }
        return;
      }
      String body = pending.getString(headEnd + 4, end, "ISO-8859-1");
      pending = pending.getBuffer(end, pending.length());
      scanned = 0;
      respond(requestLine[0], requestLine.length > 1 ? requestLine[1] : "/", body);
    }
  }

  /** Where the blank line after the headers starts, or -1 while it has not arrived. */
  private int headEnd() {
    for (int i = Math.max(0, scanned - 3); i + 3 < pending.length(); i++) {
      if (pending.getByte(i) == '\r' && pending.getByte(i + 1) == '\n' && pending.getByte(i + 2) == '\r'
          && pending.getByte(i + 3) == '\n') {
        return i;
      }
    }
    scanned = pending.length();
    return -1;
  }

  private void respond(String method, String path, String body) {
    if (method.equals("GET") && path.equals("/health")) {
      send(HEALTH);
    } else if (method.equals("POST") && path.endsWith("/chat/completions")) {
      if (JsonPeek.isTrue(body, "stream")) {
        streaming = true;
        socket.write(Buffer.buffer(STREAM_HEAD).appendBuffer(chunk(ROLE, false)));
        upstream.startStream(socket, body, this);
      } else {
        send(COMPLETION);
      }
    } else {
      send(NOT_FOUND);
    }
  }

  private void send(byte[] response) {
    socket.write(Buffer.buffer(response));
    if (closeAfter) {
      socket.close();
      closed = true;
    }
  }

  private static byte[] response(String status, String type, String body) {
    byte[] content = bytes(body);
    return bytes("HTTP/1.1 " + status + "\r\nContent-Type: " + type + "\r\nContent-Length: "
        + content.length + "\r\n\r\n" + body);
  }
}
