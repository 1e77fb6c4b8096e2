package dev.llmgateway.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;

/**
 * CPU time a process has used so far (user + system, all threads), read from {@code /proc}; with
 * its children counted too, so that nginx's master and workers add up. Linux only: elsewhere 0.
 */
final class ProcCpu {

  private static final long TICK_MS = 10; // USER_HZ is 100 on every Linux we run on

  private ProcCpu() {
  }

  /** Milliseconds of CPU used by {@code pid} and its live children, or -1 when pid is not given. */
  static long millis(long pid) {
    if (pid <= 0) {
      return -1;
    }
    long ticks = ticks(Path.of("/proc", Long.toString(pid), "stat"), pid);
    try (Stream<Path> all = Files.list(Path.of("/proc"))) {
      for (Path p : (Iterable<Path>) all.filter(p -> p.getFileName().toString().chars()
          .allMatch(Character::isDigit))::iterator) {
        ticks += childTicks(p.resolve("stat"), pid);
      }
    } catch (IOException e) {
      // no /proc: what we have
    }
    return ticks * TICK_MS;
  }

  private static long ticks(Path stat, long pid) {
    String[] f = fields(stat);
    return f == null ? 0 : Long.parseLong(f[11]) + Long.parseLong(f[12]);
  }

  private static long childTicks(Path stat, long parent) {
    String[] f = fields(stat);
    return f != null && Long.parseLong(f[1]) == parent ? Long.parseLong(f[11]) + Long.parseLong(f[12]) : 0;
  }

  /** The fields after "pid (comm) ": [0] state, [1] ppid, ..., [11] utime, [12] stime. */
  private static String[] fields(Path stat) {
    try {
      String s = Files.readString(stat);
      return s.substring(s.lastIndexOf(')') + 2).split(" ");
    } catch (IOException | RuntimeException e) {
      return null;
    }
  }
}
