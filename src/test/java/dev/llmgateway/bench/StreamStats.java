package dev.llmgateway.bench;

import java.util.Arrays;
import java.util.Map;
import java.util.TreeMap;

/**
 * What one worker of the stream client saw (touched by its event loop only), and the merge of all
 * workers. Delays and reads count only inside the measurement window; streams count whenever they end.
 */
final class StreamStats {

  private long[] delays = new long[1 << 14];
  private int delayCount;
  private long[] ttfbs = new long[1 << 10];
  private int ttfbCount;
  long events;
  long reads;
  long coalescedReads;
  long completed;
  final Map<String, Long> failed = new TreeMap<>();

  void delay(long micros) {
    if (delayCount == delays.length) {
      delays = Arrays.copyOf(delays, delays.length * 2);
    }
    delays[delayCount++] = micros;
  }

  /** Time to first byte of one stream (µs): request written to the first event read. */
  void ttfb(long micros) {
    if (ttfbCount == ttfbs.length) {
      ttfbs = Arrays.copyOf(ttfbs, ttfbs.length * 2);
    }
    ttfbs[ttfbCount++] = micros;
  }

  void fail(String reason) {
    failed.merge(reason, 1L, Long::sum);
  }

  long failedTotal() {
    return failed.values().stream().mapToLong(Long::longValue).sum();
  }

  void add(StreamStats other) {
    for (int i = 0; i < other.delayCount; i++) {
      delay(other.delays[i]);
    }
    for (int i = 0; i < other.ttfbCount; i++) {
      ttfb(other.ttfbs[i]);
    }
    events += other.events;
    reads += other.reads;
    coalescedReads += other.coalescedReads;
    completed += other.completed;
    other.failed.forEach((k, v) -> failed.merge(k, v, Long::sum));
  }

  /** The delay (µs) at quantile q of the recorded ones, -1 when there are none. Sorts in place. */
  long quantile(double q) {
    return quantile(delays, delayCount, q);
  }

  /** The time to first byte (µs) at quantile q, -1 when there is none. */
  long ttfbQuantile(double q) {
    return quantile(ttfbs, ttfbCount, q);
  }

  private static long quantile(long[] values, int count, double q) {
    if (count == 0) {
      return -1;
    }
    Arrays.sort(values, 0, count);
    int rank = (int) Math.ceil(q * count) - 1;
    return values[Math.max(0, Math.min(count - 1, rank))];
  }

  int samples() {
    return delayCount;
  }
}
