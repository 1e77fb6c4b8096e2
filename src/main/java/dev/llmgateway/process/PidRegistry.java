package dev.llmgateway.process;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A small file listing the children this gateway runs (id, pid, start time, program), so that after a
 * crash or {@code kill -9} of the gateway the next start finds the orphans and stops them. A PID is
 * only trusted when the process's start time still matches (PIDs get reused). Blocking: call on a
 * worker, one at a time.
 */
final class PidRegistry {

  private static final Logger LOG = LoggerFactory.getLogger(PidRegistry.class);

  private final Path file;
  private final Map<Long, JsonObject> children = new LinkedHashMap<>();

  PidRegistry(Path file) {
    this.file = file;
  }

  synchronized void add(String id, ProcessHandle handle) {
    JsonObject record = new JsonObject().put("id", id).put("pid", handle.pid())
        .put("start", handle.info().startInstant().map(Instant::toEpochMilli).orElse(0L))
        .put("program", handle.info().command().orElse(""));
    long ticks = startTicks(handle.pid());
    if (ticks >= 0) {
      record.put("start_ticks", ticks);
    }
    children.put(handle.pid(), record);
    save();
  }

  synchronized void remove(long pid) {
    if (children.remove(pid) != null) {
      save();
    }
  }

  /** Stops the children a previous run recorded and left behind, then forgets them. */
  synchronized List<String> stopOrphans(long graceMs) {
    List<String> stopped = new ArrayList<>();
    if (!Files.exists(file)) {
      return stopped;
    }
    JsonArray recorded;
    try {
      recorded = new JsonArray(Files.readString(file));
    } catch (IOException | RuntimeException e) {
      LOG.warn("ignoring unreadable {}: {}", file, e.getMessage());
      recorded = new JsonArray();
    }
    List<ProcessHandle> orphans = new ArrayList<>();
    for (int i = 0; i < recorded.size(); i++) {
      JsonObject child = recorded.getJsonObject(i);
      Optional<ProcessHandle> handle = ProcessHandle.of(child.getLong("pid"));
      if (handle.isPresent() && handle.get().isAlive() && sameProcess(handle.get(), child)) {
        orphans.add(handle.get());
        stopped.add(child.getString("id") + " (pid " + child.getLong("pid") + ")");
      }
    }
    orphans.forEach(h -> ChildProcess.signal(h, false));
    long deadline = System.currentTimeMillis() + graceMs;
    for (ProcessHandle h : orphans) {
      while (h.isAlive() && System.currentTimeMillis() < deadline) {
        sleep();
      }
      if (h.isAlive()) {
        ChildProcess.signal(h, true);
      }
    }
    children.clear();
    save();
    return stopped;
  }

  /**
   * PID and start time identify a process; the program does not: a wrapper script execs into
   * llama-server, so what ran at fork is not what runs now.
   */
  private static boolean sameProcess(ProcessHandle h, JsonObject recorded) {
    Long ticks = recorded.getLong("start_ticks");
    long now = ticks == null ? -1 : startTicks(h.pid());
    if (now >= 0) {
      return now == ticks;
    }
    long start = h.info().startInstant().map(Instant::toEpochMilli).orElse(-1L);
    return start > 0 && Math.abs(start - recorded.getLong("start", 0L)) < 1000;
  }

  /**
   * When the process started, in clock ticks since boot ({@code /proc/<pid>/stat}, field 22), or -1
   * off Linux. Unlike a start instant it does not move with the wall clock: Java derives the instant
   * from the boot time each JVM reads once, and a clock that was stepped between two JVMs' starts
   * (seen on a VM) made a recorded child look like another process, so its orphan was left running.
   */
  static long startTicks(long pid) {
    try {
      String stat = Files.readString(Path.of("/proc", Long.toString(pid), "stat"));
      String[] fields = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
      return Long.parseLong(fields[19]); // field 22; fields[0] is field 3 (the state)
    } catch (IOException | RuntimeException e) {
      return -1;
    }
  }

  private void save() {
    try {
      Files.createDirectories(file.getParent());
      Path tmp = file.resolveSibling(file.getFileName() + ".tmp");
      Files.writeString(tmp, new JsonArray(new ArrayList<>(children.values())).encodePrettily());
      Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    } catch (IOException e) {
      LOG.warn("cannot record child PIDs in {}: {}; orphans of a crash will not be found", file,
          e.getMessage());
    }
  }

  private static void sleep() {
    try {
      Thread.sleep(20);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
