package dev.llmgateway.llamacpp;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Reads and writes GGUF v3 files (ggml's model format, see ggml/include/gguf.h), as much as tests
 * need: the metadata (typed key/value pairs, arrays included), the tensor table, and tensors of a
 * few types. Little-endian throughout; tensor data starts at a multiple of {@code general.alignment}
 * (default 32) and every tensor's offset is a multiple of it too.
 */
public final class Gguf {

  public static final int MAGIC = 0x46554747; // "GGUF" read as a little-endian u32
  public static final int VERSION = 3;
  public static final int DEFAULT_ALIGNMENT = 32;

  private Gguf() {
  }

  /** A metadata value type (gguf_type). */
  public enum Type {
    UINT8(0), INT8(1), UINT16(2), INT16(3), UINT32(4), INT32(5), FLOAT32(6), BOOL(7), STRING(8),
    ARRAY(9), UINT64(10), INT64(11), FLOAT64(12);

    final int code;

    Type(int code) {
      this.code = code;
    }

    static Type of(int code) {
      for (Type t : values()) {
        if (t.code == code) {
          return t;
        }
      }
      throw new IllegalArgumentException("unknown GGUF value type " + code);
    }
  }

  /** A tensor element type (ggml_type), for the few types written here. */
  public enum TensorType {
    F32(0, 1, 4), F16(1, 1, 2), Q8_0(8, 32, 34);

    final int code;
    final int blockSize;
    final int blockBytes;

    TensorType(int code, int blockSize, int blockBytes) {
      this.code = code;
      this.blockSize = blockSize;
      this.blockBytes = blockBytes;
    }

    public static TensorType of(int code) {
      for (TensorType t : values()) {
        if (t.code == code) {
          return t;
        }
      }
      throw new IllegalArgumentException("tensor type " + code + " is not one of " + Arrays.toString(values()));
    }

    /** Bytes that {@code elements} values take. */
    public long bytes(long elements) {
      if (elements % blockSize != 0) {
        throw new IllegalArgumentException(this + " needs a multiple of " + blockSize + " elements, not " + elements);
      }
      return elements / blockSize * blockBytes;
    }
  }

  /**
   * A typed value. Integers are {@link Long} (whatever their width), FLOAT32 is {@link Float},
   * FLOAT64 {@link Double}, BOOL {@link Boolean}, STRING {@link String}, ARRAY an {@link Array}.
   */
  public record Value(Type type, Object value) {
    public static Value string(String s) {
      return new Value(Type.STRING, s);
    }

    public static Value u32(long v) {
      return new Value(Type.UINT32, v);
    }

    public static Value f32(float v) {
      return new Value(Type.FLOAT32, v);
    }

    public static Value bool(boolean v) {
      return new Value(Type.BOOL, v);
    }

    public long asLong() {
      return ((Number) value).longValue();
    }

    public String asString() {
      return (String) value;
    }

    public Array asArray() {
      return (Array) value;
    }
  }

  /** An array value: its element type and elements (as {@link Value#value()} would hold them). */
  public record Array(Type elementType, List<Object> items) {
    public Array {
      items = Collections.unmodifiableList(new ArrayList<>(items));
    }
  }

  /** A tensor's entry in the table: {@code dims[0]} is the innermost (contiguous) dimension. */
  public record TensorInfo(String name, long[] dims, int type, long offset) {
    public long elements() {
      return Arrays.stream(dims).reduce(1, (a, b) -> a * b);
    }
  }

  /** What a file holds before its tensor data. */
  public record Header(int version, Map<String, Value> metadata, List<TensorInfo> tensors, long dataOffset) {
    public Value get(String key) {
      return metadata.get(key);
    }

    public int alignment() {
      Value v = metadata.get("general.alignment");
      return v == null ? DEFAULT_ALIGNMENT : (int) v.asLong();
    }
  }

  // --- reading ---------------------------------------------------------------------------------

  /** Reads the metadata and the tensor table (not the tensor data). */
  public static Header read(Path file) throws IOException {
    try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ)) {
      long size = Math.min(ch.size(), Integer.MAX_VALUE);
      ByteBuffer in = ch.map(FileChannel.MapMode.READ_ONLY, 0, size).order(ByteOrder.LITTLE_ENDIAN);
      try {
        if (in.getInt() != MAGIC) {
          throw new IOException(file + " is not a GGUF file (no GGUF magic)");
        }
        int version = in.getInt();
        if (version < 2 || version > VERSION) {
          throw new IOException(file + ": GGUF version " + version + " is not supported");
        }
        long tensorCount = in.getLong();
        long kvCount = in.getLong();
        Map<String, Value> metadata = new LinkedHashMap<>();
        for (long i = 0; i < kvCount; i++) {
          String key = readString(in);
          Type type = Type.of(in.getInt());
          metadata.put(key, new Value(type, readValue(in, type)));
        }
        List<TensorInfo> tensors = new ArrayList<>();
        for (long i = 0; i < tensorCount; i++) {
          String name = readString(in);
          long[] dims = new long[in.getInt()];
          for (int d = 0; d < dims.length; d++) {
            dims[d] = in.getLong();
          }
          tensors.add(new TensorInfo(name, dims, in.getInt(), in.getLong()));
        }
        Value align = metadata.get("general.alignment");
        long alignment = align == null ? DEFAULT_ALIGNMENT : align.asLong();
        return new Header(version, Collections.unmodifiableMap(metadata), List.copyOf(tensors),
            pad(in.position(), alignment));
      } catch (java.nio.BufferUnderflowException | IllegalArgumentException e) {
        throw new IOException(file + ": truncated or damaged GGUF header (" + e + ")", e);
      }
    }
  }

  private static String readString(ByteBuffer in) {
    long n = in.getLong();
    if (n < 0 || n > in.remaining()) {
      throw new IllegalArgumentException("string of " + n + " bytes");
    }
    byte[] b = new byte[(int) n];
    in.get(b);
    return new String(b, StandardCharsets.UTF_8);
  }

  private static Object readValue(ByteBuffer in, Type type) {
    switch (type) {
      case UINT8:
        return (long) Byte.toUnsignedInt(in.get());
      case INT8:
        return (long) in.get();
      case UINT16:
        return (long) Short.toUnsignedInt(in.getShort());
      case INT16:
        return (long) in.getShort();
      case UINT32:
        return Integer.toUnsignedLong(in.getInt());
      case INT32:
        return (long) in.getInt();
      case UINT64, INT64:
        return in.getLong();
      case FLOAT32:
        return in.getFloat();
      case FLOAT64:
        return in.getDouble();
      case BOOL:
        return in.get() != 0;
      case STRING:
        return readString(in);
      case ARRAY:
        Type element = Type.of(in.getInt());
        long n = in.getLong();
        if (n < 0 || n > in.remaining()) {
          throw new IllegalArgumentException("array of " + n + " elements");
        }
        List<Object> items = new ArrayList<>((int) n);
        for (long i = 0; i < n; i++) {
          items.add(readValue(in, element));
        }
        return new Array(element, items);
      default:
        throw new IllegalArgumentException("unknown type " + type);
    }
  }

  // --- writing ---------------------------------------------------------------------------------

  /** Collects metadata and tensors, then writes them as one GGUF v3 file. */
  public static final class Writer {
    private final Map<String, Value> metadata = new LinkedHashMap<>();
    private final List<String> names = new ArrayList<>();
    private final List<long[]> dims = new ArrayList<>();
    private final List<TensorType> types = new ArrayList<>();
    private final List<byte[]> data = new ArrayList<>();

    public Writer put(String key, Value value) {
      metadata.put(key, value);
      return this;
    }

    /** A tensor of F32 values, stored as {@code type}: {@code values.length} must be the product of dims. */
    public Writer tensor(String name, TensorType type, float[] values, long... shape) {
      long elements = Arrays.stream(shape).reduce(1, (a, b) -> a * b);
      if (elements != values.length) {
        throw new IllegalArgumentException(name + ": " + values.length + " values for shape " + Arrays.toString(shape));
      }
      names.add(name);
      dims.add(shape.clone());
      types.add(type);
      data.add(encode(type, values));
      return this;
    }

    public void write(Path file) throws IOException {
      int alignment = metadata.containsKey("general.alignment")
          ? (int) metadata.get("general.alignment").asLong() : DEFAULT_ALIGNMENT;
      Out head = new Out();
      head.i32(MAGIC).i32(VERSION).i64(names.size()).i64(metadata.size());
      for (Map.Entry<String, Value> kv : metadata.entrySet()) {
        head.string(kv.getKey()).i32(kv.getValue().type().code);
        head.value(kv.getValue().type(), kv.getValue().value());
      }
      long offset = 0;
      for (int i = 0; i < names.size(); i++) {
        head.string(names.get(i)).i32(dims.get(i).length);
        for (long d : dims.get(i)) {
          head.i64(d);
        }
        head.i32(types.get(i).code).i64(offset);
        offset = pad(offset + data.get(i).length, alignment);
      }
      try (OutputStream out = Files.newOutputStream(file)) {
        byte[] header = head.bytes();
        out.write(header);
        out.write(new byte[(int) (pad(header.length, alignment) - header.length)]);
        for (byte[] tensor : data) {
          out.write(tensor);
          out.write(new byte[(int) (pad(tensor.length, alignment) - tensor.length)]);
        }
      }
    }
  }

  static long pad(long n, long alignment) {
    return (n + alignment - 1) / alignment * alignment;
  }

  /** Encodes values as a tensor type; Q8_0 as ggml's reference quantizer does. */
  static byte[] encode(TensorType type, float[] values) {
    ByteBuffer out = ByteBuffer.allocate((int) type.bytes(values.length)).order(ByteOrder.LITTLE_ENDIAN);
    switch (type) {
      case F32 -> {
        for (float v : values) {
          out.putFloat(v);
        }
      }
      case F16 -> {
        for (float v : values) {
          out.putShort(toHalf(v));
        }
      }
      case Q8_0 -> {
        for (int block = 0; block < values.length; block += 32) {
          float amax = 0;
          for (int i = 0; i < 32; i++) {
            amax = Math.max(amax, Math.abs(values[block + i]));
          }
          float d = amax / 127f;
          float id = d != 0 ? 1f / d : 0f;
          out.putShort(toHalf(d));
          for (int i = 0; i < 32; i++) {
            out.put((byte) Math.max(-128, Math.min(127, Math.round(values[block + i] * id))));
          }
        }
      }
      default -> throw new IllegalArgumentException(type.toString());
    }
    return out.array();
  }

  /** Decodes a tensor's bytes back to floats (for tests of the encoder). */
  static float[] decode(TensorType type, byte[] bytes, int elements) {
    ByteBuffer in = ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN);
    float[] out = new float[elements];
    switch (type) {
      case F32 -> {
        for (int i = 0; i < elements; i++) {
          out[i] = in.getFloat();
        }
      }
      case F16 -> {
        for (int i = 0; i < elements; i++) {
          out[i] = fromHalf(in.getShort());
        }
      }
      case Q8_0 -> {
        for (int block = 0; block < elements; block += 32) {
          float d = fromHalf(in.getShort());
          for (int i = 0; i < 32; i++) {
            out[block + i] = in.get() * d;
          }
        }
      }
      default -> throw new IllegalArgumentException(type.toString());
    }
    return out;
  }

  /** IEEE 754 binary16, rounded to nearest even (Java 17 has no Float.floatToFloat16). */
  static short toHalf(float f) {
    int bits = Float.floatToIntBits(f);
    int sign = (bits >>> 16) & 0x8000;
    int exp = (bits >>> 23) & 0xff;
    int mant = bits & 0x7fffff;
    if (exp == 0xff) { // inf or NaN
      return (short) (sign | 0x7c00 | (mant != 0 ? 0x200 : 0));
    }
    int e = exp - 127 + 15;
    if (e >= 0x1f) {
      return (short) (sign | 0x7c00); // overflow: infinity
    }
    if (e <= 0) { // subnormal half, or zero
      if (e < -10) {
        return (short) sign;
      }
      mant |= 0x800000;
      int shift = 14 - e;
      int half = mant >> shift;
      int rest = mant & ((1 << shift) - 1);
      int halfway = 1 << (shift - 1);
      if (rest > halfway || (rest == halfway && (half & 1) != 0)) {
        half++;
      }
      return (short) (sign | half);
    }
    int half = (e << 10) | (mant >> 13);
    int rest = mant & 0x1fff;
    if (rest > 0x1000 || (rest == 0x1000 && (half & 1) != 0)) {
      half++; // may carry into the exponent, which is still correct
    }
    return (short) (sign | half);
  }

  static float fromHalf(short h) {
    int bits = h & 0xffff;
    int sign = (bits & 0x8000) << 16;
    int exp = (bits >>> 10) & 0x1f;
    int mant = bits & 0x3ff;
    if (exp == 0) {
      float v = mant * 0x1p-24f;
      return sign != 0 ? -v : v;
    }
    if (exp == 0x1f) {
      return Float.intBitsToFloat(sign | 0x7f800000 | (mant << 13));
    }
    return Float.intBitsToFloat(sign | ((exp - 15 + 127) << 23) | (mant << 13));
  }

  /** A growable little-endian buffer. */
  private static final class Out {
    private ByteBuffer buf = ByteBuffer.allocate(1 << 16).order(ByteOrder.LITTLE_ENDIAN);

    private Out room(int n) {
      if (buf.remaining() < n) {
        ByteBuffer bigger = ByteBuffer.allocate(Math.max(buf.capacity() * 2, buf.position() + n))
            .order(ByteOrder.LITTLE_ENDIAN);
        buf.flip();
        bigger.put(buf);
        buf = bigger;
      }
      return this;
    }

    Out i32(int v) {
      room(4).buf.putInt(v);
      return this;
    }

    Out i64(long v) {
      room(8).buf.putLong(v);
      return this;
    }

    Out string(String s) {
      byte[] b = s.getBytes(StandardCharsets.UTF_8);
      i64(b.length);
      room(b.length).buf.put(b);
      return this;
    }

    void value(Type type, Object v) {
      switch (type) {
        case UINT8, INT8 -> room(1).buf.put((byte) ((Number) v).longValue());
        case UINT16, INT16 -> room(2).buf.putShort((short) ((Number) v).longValue());
        case UINT32, INT32 -> i32((int) ((Number) v).longValue());
        case UINT64, INT64 -> i64(((Number) v).longValue());
        case FLOAT32 -> room(4).buf.putFloat(((Number) v).floatValue());
        case FLOAT64 -> room(8).buf.putDouble(((Number) v).doubleValue());
        case BOOL -> room(1).buf.put((byte) ((Boolean) v ? 1 : 0));
        case STRING -> string((String) v);
        case ARRAY -> {
          Array a = (Array) v;
          i32(a.elementType().code).i64(a.items().size());
          for (Object item : a.items()) {
            value(a.elementType(), item);
          }
        }
        default -> throw new IllegalArgumentException(type.toString());
      }
    }

    byte[] bytes() {
      return Arrays.copyOf(buf.array(), buf.position());
    }
  }
}
