package dev.llmgateway.bench;

import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.net.NetClient;
import io.vertx.core.net.NetSocket;

/**
 * One TCP connection of the stream client: sends a streaming chat request, reads the SSE answer as
 * it comes, and sends the next request on the same connection (keep-alive) until the plan's deadline.
 * Each socket read is looked at as a whole: every event in it gets the read's arrival time, and a
 * read holding two or more events that the upstream sent at least half an interval apart is a
 * <em>coalesced</em> read — somebody on the way held the first one back. Runs on one event loop.
 */
final class StreamConnection implements SseResponseReader.Listener {

  private static final byte[] DONE = "data: [DONE]".getBytes(java.nio.charset.StandardCharsets.US_ASCII);
  private static final byte[] TS = "\"ts\":".getBytes(java.nio.charset.StandardCharsets.US_ASCII);
  private static final byte[] ERROR = "\"error\"".getBytes(java.nio.charset.StandardCharsets.US_ASCII);

  private final Vertx vertx;
  private final NetClient client;
  private final StreamPlan plan;
  private final StreamStats stats;
  private final Runnable onFinished;
  private final SseResponseReader reader = new SseResponseReader(this);

  private NetSocket socket;
  private boolean streamOpen;
  private boolean firstStream = true;
  private boolean finished;
  private int status;
  private boolean sawDone;
  private boolean sawError;
  private boolean sawEvent;
  private long sentAtMicros;
  private long lastActivityMicros;
  // the read being processed
  private long readAtMicros;
  private int readEvents;
  private long readMinTs;
  private long readMaxTs;

  StreamConnection(Vertx vertx, NetClient client, StreamPlan plan, StreamStats stats, Runnable onFinished) {
    this.vertx = vertx;
    this.client = client;
    this.plan = plan;
    this.stats = stats;
    this.onFinished = onFinished;
  }

  void start(long delayMs) {
    vertx.setTimer(Math.max(1, delayMs), t -> connect());
  }

  private void connect() {
    if (finished) {
      return;
    }
    client.connect(plan.port(), plan.host()).onComplete(ar -> {
      if (ar.failed()) {
        stats.fail("connect");
        retryOrFinish();
        return;
      }
      socket = ar.result();
      socket.handler(this::onRead);
      socket.closeHandler(v -> onClose());
      socket.exceptionHandler(err -> { }); // the close handler follows and counts the stream
      send();
    });
  }

  private void send() {
    reader.reset();
    streamOpen = true;
    status = 0;
    sawDone = false;
    sawError = false;
    sawEvent = false;
    lastActivityMicros = BenchClock.nowMicros();
    sentAtMicros = lastActivityMicros;
    socket.write(plan.request());
  }

  private void onRead(Buffer buffer) {
    readAtMicros = BenchClock.nowMicros();
    lastActivityMicros = readAtMicros;
    readEvents = 0;
    readMinTs = Long.MAX_VALUE;
    readMaxTs = Long.MIN_VALUE;
    byte[] bytes = buffer.getBytes();
    reader.feed(bytes, 0, bytes.length);
    if (plan.measuring(readAtMicros)) {
      stats.reads++;
      if (readEvents >= 2 && readMaxTs - readMinTs >= plan.intervalMicros() / 2) {
        stats.coalescedReads++;
      }
    }
  }

  @Override
  public void headers(int status) {
    this.status = status;
  }

  @Override
  public void event(byte[] buf, int start, int end) {
    if (!sawEvent) {
      sawEvent = true;
      if (plan.measuring(readAtMicros)) {
        stats.ttfb(readAtMicros - sentAtMicros);
      }
    }
    if (startsWith(buf, start, end, DONE)) {
      sawDone = true;
      return;
    }
    if (indexOf(buf, start, end, ERROR) >= 0) {
      sawError = true;
    }
    int at = indexOf(buf, start, end, TS);
    if (at < 0) {
      return;
    }
    long ts = 0;
    for (int i = at + TS.length; i < end && buf[i] >= '0' && buf[i] <= '9'; i++) {
      ts = ts * 10 + (buf[i] - '0');
    }
    readEvents++;
    readMinTs = Math.min(readMinTs, ts);
    readMaxTs = Math.max(readMaxTs, ts);
    if (plan.measuring(readAtMicros)) {
      stats.events++;
      stats.delay(readAtMicros - ts);
    }
    if (firstStream) {
      firstStream = false;
      plan.firstEventArrived();
    }
  }

  @Override
  public void end(boolean keepAlive) {
    streamOpen = false;
    if (status != 200) {
      stats.fail("status " + status);
    } else if (sawError) {
      stats.fail("error event");
    } else if (!sawDone) {
      stats.fail("no [DONE]");
    } else {
      stats.completed++;
    }
    if (keepAlive && status == 200 && !plan.once() && plan.mayStartStream(BenchClock.nowMicros())) {
      send();
    } else {
      NetSocket s = socket;
      socket = null;
      s.close();
      retryOrFinish();
    }
  }

  private void onClose() {
    if (socket == null) {
      return; // we closed it
    }
    socket = null;
    reader.closed();
    if (streamOpen) {
      streamOpen = false;
      stats.fail("closed mid-stream");
    }
    retryOrFinish();
  }

  private void retryOrFinish() {
    if (!finished && !plan.once() && plan.mayStartStream(BenchClock.nowMicros())) {
      start(50);
    } else {
      finish();
    }
  }

  /** A stream silent for longer than the plan allows fails, and the connection ends. */
  void checkIdle(long nowMicros) {
    if (streamOpen && nowMicros - lastActivityMicros > plan.idleTimeoutMicros()) {
      stop("idle timeout");
    }
  }

  /** Ends the connection now; a stream still open counts as failed for {@code reason}. */
  void stop(String reason) {
    if (streamOpen) {
      streamOpen = false;
      stats.fail(reason);
    }
    NetSocket s = socket;
    socket = null;
    if (s != null) {
      s.close();
    }
    finish();
  }

  private void finish() {
    if (!finished) {
      finished = true;
      onFinished.run();
    }
  }

  boolean finished() {
    return finished;
  }

  private static boolean startsWith(byte[] buf, int start, int end, byte[] prefix) {
    if (end - start < prefix.length) {
      return false;
    }
    for (int i = 0; i < prefix.length; i++) {
      if (buf[start + i] != prefix[i]) {
        return false;
      }
    }
    return true;
  }

  private static int indexOf(byte[] buf, int start, int end, byte[] what) {
    outer:
    for (int i = start; i <= end - what.length; i++) {
      for (int j = 0; j < what.length; j++) {
        if (buf[i + j] != what[j]) {
          continue outer;
        }
      }
      return i;
    }
    return -1;
  }
}
