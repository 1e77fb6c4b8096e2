package dev.llmgateway.process;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vertx.core.json.JsonArray;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Children are known again after a crash by PID and start time in ticks since boot, not by the wall clock. */
class PidRegistryTest {

  @Test
  void recordsTheStartInTicksSinceBootWhichDoNotMoveWithTheClock(@TempDir Path dir) throws Exception {
    long self = ProcessHandle.current().pid();
    long ticks = PidRegistry.startTicks(self);
    assertTrue(ticks > 0, "read from /proc/<pid>/stat");
    assertEquals(ticks, PidRegistry.startTicks(self));
    assertEquals(-1, PidRegistry.startTicks(Long.MAX_VALUE), "no such process");

    Path file = dir.resolve("children.json");
    new PidRegistry(file).add("m", ProcessHandle.current());
    assertEquals(ticks, new JsonArray(Files.readString(file)).getJsonObject(0).getLong("start_ticks"));
  }

  @Test
  void aRecordWhoseTicksDifferIsAnotherProcessThatReusedThePid(@TempDir Path dir) throws Exception {
    Path file = dir.resolve("children.json");
    long self = ProcessHandle.current().pid();
    // As if an earlier gateway had recorded a child with this PID that started at another tick.
    Files.writeString(file, new JsonArray().add(new io.vertx.core.json.JsonObject().put("id", "m").put("pid", self)
        .put("start", 0L).put("start_ticks", PidRegistry.startTicks(self) + 1)).encode());
    assertFalse(new PidRegistry(file).stopOrphans(0).contains("m (pid " + self + ")"),
        "this very JVM must not be taken for the orphan");
  }
}
