package dev.llmgateway.bench;

import java.time.Instant;

/**
 * The one clock of the bench programs: microseconds since the epoch. The upstream stamps each event
 * with it and the stream client reads it on arrival; both run on this machine, so the difference is
 * the time the event spent between the upstream's write and the client's read.
 */
final class BenchClock {

  private BenchClock() {
  }

  static long nowMicros() {
    Instant now = Instant.now(); // clock_gettime(CLOCK_REALTIME): microsecond resolution on Linux
    return now.getEpochSecond() * 1_000_000L + now.getNano() / 1_000;
  }
}
