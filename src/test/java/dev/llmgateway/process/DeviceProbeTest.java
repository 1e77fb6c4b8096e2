package dev.llmgateway.process;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DeviceProbeTest {

  @TempDir
  Path dir;

  private Path meminfo() throws Exception {
    Path f = dir.resolve("meminfo");
    Files.writeString(f, "MemTotal:       16384000 kB\nMemFree:         1000 kB\n");
    return f;
  }

  private void tool(String name, String output) throws Exception {
    Path bin = Files.createDirectories(dir.resolve("bin"));
    Path script = bin.resolve(name);
    Files.writeString(script, "#!/bin/sh\ncat <<'OUT'\n" + output + "OUT\n");
    Files.setPosixFilePermissions(script, PosixFilePermissions.fromString("rwxr-xr-x"));
  }

  @Test
  void readsEveryGpuFromNvidiaSmi() throws Exception {
    tool("nvidia-smi", "0, 24576\n1, 12288\n");
    DeviceProbe probe = DeviceProbe.detect(Map.of("PATH", dir.resolve("bin").toString()), meminfo());
    assertEquals(24576L << 20, probe.totals().get("gpu0"));
    assertEquals(12288L << 20, probe.totals().get("gpu1"));
    assertEquals(16384000L * 1024, probe.totals().get("cpu"));
    assertEquals("nvidia-smi", probe.source());
  }

  @Test
  void readsRocmSmiCsv() {
    Map<String, Long> gpus = DeviceProbe.parseRocmSmi(
        "device,VRAM Total Memory (B),VRAM Total Used Memory (B)\ncard0,25753026560,1024\n");
    assertEquals(Map.of("gpu0", 25753026560L), gpus);
  }

  @Test
  void withoutAGpuToolFallsBackToTheMachinesMemoryAndSaysSo() throws Exception {
    DeviceProbe probe = DeviceProbe.detect(Map.of("PATH", dir.toString()), meminfo());
    assertEquals(Map.of("cpu", 16384000L * 1024), probe.totals());
    assertTrue(probe.source().contains("no nvidia-smi or rocm-smi"), probe.source());
  }

  @Test
  void skipsLinesThatAreNotGpus() {
    assertEquals(Map.of(), DeviceProbe.parseNvidiaSmi("NVIDIA-SMI has failed because it couldn't communicate\n"));
  }
}
