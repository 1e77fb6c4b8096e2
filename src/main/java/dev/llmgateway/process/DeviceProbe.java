package dev.llmgateway.process;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The memory of this machine's devices, for {@code budget: auto}: each GPU's total from
 * {@code nvidia-smi} (or {@code rocm-smi}) as {@code gpu<index>}, and the machine's memory
 * ({@code /proc/meminfo} MemTotal) as {@code cpu}. Runs programs and reads files: call it on a worker.
 *
 * @param source what the figures came from, for the log and {@code /admin/memory}
 */
public record DeviceProbe(Map<String, Long> totals, String source) {

  private static final Pattern CARD = Pattern.compile("card(\\d+)");
  private static final long TOOL_TIMEOUT_MS = 5000;

  public DeviceProbe {
    totals = Map.copyOf(totals);
  }

  public static DeviceProbe detect(Map<String, String> env, Path meminfo) {
    Map<String, Long> totals = new LinkedHashMap<>();
    String source;
    Path nvidia = onPath("nvidia-smi", env);
    Path rocm = onPath("rocm-smi", env);
    if (nvidia != null) {
      totals.putAll(parseNvidiaSmi(run(List.of(nvidia.toString(), "--query-gpu=index,memory.total",
          "--format=csv,noheader,nounits"))));
      source = "nvidia-smi";
    } else if (rocm != null) {
      totals.putAll(parseRocmSmi(run(List.of(rocm.toString(), "--showmeminfo", "vram", "--csv"))));
      source = "rocm-smi";
    } else {
      source = "no nvidia-smi or rocm-smi on PATH: only the machine's memory (" + meminfo + ") counts, as cpu";
    }
    Long mem = memTotal(meminfo);
    if (mem != null) {
      totals.put("cpu", mem);
    }
    return new DeviceProbe(totals, source);
  }

  /** {@code 0, 24576} per line (MiB, from --format=csv,noheader,nounits). */
  static Map<String, Long> parseNvidiaSmi(String output) {
    Map<String, Long> out = new LinkedHashMap<>();
    for (String line : output.split("\\R")) {
      String[] cols = line.split(",");
      if (cols.length >= 2) {
        try {
          int index = Integer.parseInt(cols[0].trim());
          long mib = Long.parseLong(cols[1].trim().replace("MiB", "").trim());
          out.put("gpu" + index, mib << 20);
        } catch (NumberFormatException notAGpuLine) {
          // a header or a message: skipped
        }
      }
    }
    return out;
  }

  /** {@code card0,25753026560,...} under a header (bytes). */
  static Map<String, Long> parseRocmSmi(String output) {
    Map<String, Long> out = new LinkedHashMap<>();
    for (String line : output.split("\\R")) {
      String[] cols = line.split(",");
      Matcher m = CARD.matcher(cols[0].trim());
      if (cols.length >= 2 && m.matches()) {
        try {
          out.put("gpu" + m.group(1), Long.parseLong(cols[1].trim()));
        } catch (NumberFormatException ignored) {
          // not a number: skipped
        }
      }
    }
    return out;
  }

  static Long memTotal(Path meminfo) {
    try {
      for (String line : Files.readAllLines(meminfo)) {
        if (line.startsWith("MemTotal:")) {
          return Long.parseLong(line.replaceAll("\\D", "")) * 1024;
        }
      }
    } catch (IOException | NumberFormatException e) {
      return null;
    }
    return null;
  }

  private static Path onPath(String program, Map<String, String> env) {
    String path = env.get("PATH");
    if (path == null) {
      return null;
    }
    for (String dir : path.split(java.io.File.pathSeparator)) {
      if (!dir.isEmpty()) {
        Path p = Path.of(dir, program);
        if (Files.isExecutable(p)) {
          return p;
        }
      }
    }
    return null;
  }

  private static String run(List<String> command) {
    try {
      Process p = new ProcessBuilder(new ArrayList<>(command)).redirectErrorStream(true).start();
      // A tool that hangs (a wedged driver) must not hold the start: its few lines fit the pipe.
      if (!p.waitFor(TOOL_TIMEOUT_MS, TimeUnit.MILLISECONDS)) {
        p.destroyForcibly();
        return "";
      }
      return new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    } catch (IOException e) {
      return "";
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return "";
    }
  }
}
