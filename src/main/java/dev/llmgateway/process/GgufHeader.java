package dev.llmgateway.process;

import java.io.BufferedInputStream;
import java.io.DataInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The metadata of a GGUF file, read from its header without loading the tensors: the scalar keys
 * (architecture, layer count, heads, context length, ...) and where the tensor data starts, so the
 * weights' size is the file's size after that point. Format: github.com/ggml-org/ggml docs/gguf.md
 * (little-endian; version 2 and 3). Blocking: call it on a worker.
 */
public record GgufHeader(Map<String, Object> values, long tensorCount, long dataOffset, long fileSize) {

  private static final int MAGIC = 0x46554747; // "GGUF" read little-endian
  /** Arrays of these keys are kept (per-layer head counts); other arrays (the vocabulary) are skipped. */
  private static final List<String> KEPT_ARRAYS = List.of(".attention.head_count_kv", ".attention.head_count");

  public GgufHeader {
    values = Map.copyOf(values);
  }

  /** The bytes of the tensors (the weights). */
  public long tensorBytes() {
    return fileSize - dataOffset;
  }

  public String architecture() {
    return values.get("general.architecture") instanceof String s ? s : null;
  }

  /** A numeric key of this model's architecture ({@code block_count} → {@code llama.block_count}). */
  public Long archLong(String key) {
    return values.get(architecture() + "." + key) instanceof Number n ? n.longValue() : null;
  }

  /** A per-layer key that may be one number or an array of numbers, as a per-layer array. */
  public long[] perLayer(String key, int layers) {
    Object v = values.get(architecture() + "." + key);
    long[] out = new long[layers];
    if (v instanceof long[] arr) {
      for (int i = 0; i < layers; i++) {
        out[i] = i < arr.length ? arr[i] : 0;
      }
    } else if (v instanceof Number n) {
      java.util.Arrays.fill(out, n.longValue());
    } else {
      return null;
    }
    return out;
  }

  public static GgufHeader read(Path file) throws IOException {
    long size = Files.size(file);
    try (InputStream raw = Files.newInputStream(file)) {
      Reader in = new Reader(new BufferedInputStream(raw, 1 << 16));
      if (in.i32() != MAGIC) {
        throw new IOException(file + " is not a GGUF file (no GGUF magic at the start)");
      }
      int version = in.i32();
      if (version < 2 || version > 3) {
        throw new IOException(file + " is GGUF version " + version + "; only 2 and 3 are read");
      }
      long tensors = in.i64();
      long kvs = in.i64();
      Map<String, Object> values = new HashMap<>();
      for (long i = 0; i < kvs; i++) {
        String key = in.string();
        int type = in.i32();
        boolean keepArray = KEPT_ARRAYS.stream().anyMatch(key::endsWith);
        Object value = type == 9 ? in.array(key, keepArray, values) : in.value(type);
        if (value != null) {
          values.put(key, value);
        }
      }
      for (long t = 0; t < tensors; t++) {
        in.string(); // name
        int dims = in.i32();
        in.skip(8L * dims + 4 + 8); // dims, type, offset
      }
      long alignment = values.get("general.alignment") instanceof Number n && n.longValue() > 0
          ? n.longValue() : 32;
      long offset = (in.position + alignment - 1) / alignment * alignment;
      return new GgufHeader(values, tensors, Math.min(offset, size), size);
    }
  }

  /** Little-endian reads that count the position. */
  private static final class Reader {
    private final DataInputStream in;
    private long position;

    Reader(InputStream in) {
      this.in = new DataInputStream(in);
    }

    int u8() throws IOException {
      position++;
      return in.readUnsignedByte();
    }

    int i32() throws IOException {
      position += 4;
      return Integer.reverseBytes(in.readInt());
    }

    long i64() throws IOException {
      position += 8;
      return Long.reverseBytes(in.readLong());
    }

    String string() throws IOException {
      long len = i64();
      if (len < 0 || len > (1 << 24)) {
        throw new IOException("corrupt GGUF: a string of " + len + " bytes");
      }
      byte[] b = new byte[(int) len];
      in.readFully(b);
      position += len;
      return new String(b, StandardCharsets.UTF_8);
    }

    void skip(long n) throws IOException {
      long left = n;
      while (left > 0) {
        long s = in.skip(left);
        if (s <= 0) {
          if (in.read() < 0) {
            throw new EOFException("GGUF header ends early");
          }
          s = 1;
        }
        left -= s;
      }
      position += n;
    }

    /** One scalar value of a type. */
    Object value(int type) throws IOException {
      switch (type) {
        case 0, 1:
          int b = u8();
          return type == 1 ? (long) (byte) b : (long) b;
        case 2, 3:
          position += 2;
          short s = Short.reverseBytes(in.readShort());
          return type == 3 ? (long) s : (long) (s & 0xffff);
        case 4:
          return i32() & 0xffffffffL;
        case 5:
          return (long) i32();
        case 6:
          return (double) Float.intBitsToFloat(i32());
        case 7:
          return u8() != 0;
        case 8:
          return string();
        case 10, 11:
          return i64();
        case 12:
          return Double.longBitsToDouble(i64());
        default:
          throw new IOException("corrupt GGUF: unknown value type " + type);
      }
    }

    /**
     * An array: returned (as long[]) only when kept, else skipped (null); its length is recorded as
     * {@code <key>#count} (the vocabulary size is the length of {@code tokenizer.ggml.tokens}).
     */
    Object array(String key, boolean keep, Map<String, Object> values) throws IOException {
      int type = i32();
      long n = i64();
      values.put(key + "#count", n);
      int width = switch (type) {
        case 0, 1, 7 -> 1;
        case 2, 3 -> 2;
        case 4, 5, 6 -> 4;
        case 10, 11, 12 -> 8;
        default -> 0;
      };
      if (keep && width > 0 && type != 6 && type != 12 && n < 100_000) {
        long[] out = new long[(int) n];
        for (int i = 0; i < n; i++) {
          out[i] = ((Number) value(type)).longValue();
        }
        return out;
      }
      if (width > 0) {
        skip(width * n);
      } else {
        for (long i = 0; i < n; i++) {
          if (type == 9) {
            array(key, false, new HashMap<>());
          } else {
            value(type);
          }
        }
      }
      return null;
    }
  }
}
