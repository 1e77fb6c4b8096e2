package dev.llmgateway.process;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/** Writes a GGUF v3 header (metadata + tensor infos) followed by dummy tensor data, for reader tests. */
final class TestGguf {

  private final ByteArrayOutputStream out = new ByteArrayOutputStream();

  static void write(Path file, Map<String, Object> values, List<String> tensors, int dataBytes) throws IOException {
    TestGguf g = new TestGguf();
    g.i32(0x46554747);
    g.i32(3);
    g.i64(tensors.size());
    g.i64(values.size());
    for (var e : values.entrySet()) {
      g.string(e.getKey());
      g.value(e.getValue());
    }
    for (String t : tensors) {
      g.string(t);
      g.i32(2);
      g.i64(8);
      g.i64(8);
      g.i32(0);
      g.i64(0);
    }
    while (g.out.size() % 32 != 0) {
      g.out.write(0);
    }
    g.out.write(new byte[dataBytes]);
    Files.write(file, g.out.toByteArray());
  }

  private void value(Object v) {
    if (v instanceof Integer i) {
      i32(4);
      i32(i);
    } else if (v instanceof Long l) {
      i32(10);
      i64(l);
    } else if (v instanceof String s) {
      i32(8);
      string(s);
    } else if (v instanceof Float f) {
      i32(6);
      i32(Float.floatToIntBits(f));
    } else if (v instanceof int[] arr) {
      i32(9);
      i32(5);
      i64(arr.length);
      for (int x : arr) {
        i32(x);
      }
    } else if (v instanceof String[] arr) {
      i32(9);
      i32(8);
      i64(arr.length);
      for (String s : arr) {
        string(s);
      }
    } else {
      throw new IllegalArgumentException(String.valueOf(v));
    }
  }

  private void i32(int v) {
    out.writeBytes(ByteBuffer.allocate(4).order(ByteOrder.LITTLE_ENDIAN).putInt(v).array());
  }

  private void i64(long v) {
    out.writeBytes(ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN).putLong(v).array());
  }

  private void string(String s) {
    byte[] b = s.getBytes(StandardCharsets.UTF_8);
    i64(b.length);
    out.writeBytes(b);
  }
}
