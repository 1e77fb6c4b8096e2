package dev.llmgateway.bench;

import io.vertx.core.buffer.Buffer;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * What every connection of one stream-client run shares: where to connect, the request to send, and
 * the time window (µs since the epoch): events and reads count between {@code measureFrom} and
 * {@code deadline}, and no stream starts after the deadline. With {@code once}, each connection
 * runs one stream and ends (a round of exactly {@code streams} streams).
 */
record StreamPlan(String host, int port, Buffer request, long intervalMicros, long measureFrom,
    long deadline, long idleTimeoutMicros, int streams, AtomicInteger firstEvents, Runnable allOpen,
    boolean once) {

  boolean measuring(long nowMicros) {
    return nowMicros >= measureFrom && nowMicros <= deadline;
  }

  boolean mayStartStream(long nowMicros) {
    return nowMicros < deadline;
  }

  /** Counts connections whose first stream has delivered an event; all of them: {@code allOpen}. */
  void firstEventArrived() {
    if (firstEvents.incrementAndGet() == streams) {
      allOpen.run();
    }
  }
}
