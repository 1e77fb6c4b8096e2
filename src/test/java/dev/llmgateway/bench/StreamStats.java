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
    events += other.events;
    reads += other.reads;
    coalescedReads += other.coalescedReads;
    completed += other.completed;
    other.failed.forEach((k, v) -> failed.merge(k, v, Long::sum));
  }

  /** The delay (µs) at quantile q of the recorded ones, -1 when there are none. Sorts in place. */
  long quantile(double q) {
    if (delayCount == 0) {
      return -1;
    }
    Arrays.sort(delays, 0, delayCount);
    int rank = (int) Math.ceil(q * delayCount) - 1;
    return delays[Math.max(0, Math.min(delayCount - 1, rank))];
  }

  int samples() {
    return delayCount;
  }
}
