package dev.llmgateway.routing;

import dev.llmgateway.api.ApiError;
import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.core.io.JsonStringEncoder;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.nio.charset.StandardCharsets;

/**
 * A client's JSON body, scanned once with a streaming parser: it is validated, and the byte range of
 * the top-level {@code model} value is remembered so the forwarded body can differ from the client's
 * in that value only. Every other byte (number formats, key order, whitespace) goes through untouched.
 */
public final class RequestBody {

  private static final JsonFactory JSON = JsonFactory.builder()
      // Bodies are already capped by gateway.max_body_bytes; Jackson's own caps (20M-char strings)
      // would reject a legitimate large base64 image.
      .streamReadConstraints(StreamReadConstraints.builder()
          .maxStringLength(Integer.MAX_VALUE)
          .maxNestingDepth(512)
          .build())
      .build();

  private final Buffer raw;
  private final String model;
  private final int modelStart;
  private final int modelEnd;
  private final int objectStart;
  private final boolean empty;
  private final boolean stream;
  /** {@link #json()}, parsed on first use (the same thread reads it: a request's context). */
  private JsonObject json;

  private RequestBody(Buffer raw, String model, int modelStart, int modelEnd, int objectStart,
      boolean empty, boolean stream) {
    this.raw = raw;
    this.model = model;
    this.modelStart = modelStart;
    this.modelEnd = modelEnd;
    this.objectStart = objectStart;
    this.empty = empty;
    this.stream = stream;
  }

  /** Parses and checks the body; a malformed or mistyped one is a 400 saying what is wrong. */
  public static RequestBody parse(Buffer raw) {
    if (raw == null || raw.length() == 0) {
      throw ApiError.badRequest("the request body is empty; send a JSON object", null);
    }
    byte[] bytes = raw.getBytes();
    if (!validUtf8(bytes)) {
      // Jackson does not check the strings it skips; a backend would fail on them, with a 5xx.
      throw ApiError.badRequest("the request body is not valid UTF-8 text", null);
    }
    try (JsonParser p = JSON.createParser(bytes)) {
      if (p.nextToken() != JsonToken.START_OBJECT) {
        throw ApiError.badRequest("the request body must be a JSON object", null);
      }
      int objectStart = (int) p.currentTokenLocation().getByteOffset();
      String model = null;
      int start = -1;
      int end = -1;
      boolean stream = false;
      boolean empty = true;
      JsonToken t;
      while ((t = p.nextToken()) == JsonToken.FIELD_NAME) {
        empty = false;
        String name = p.currentName();
        JsonToken value = p.nextToken();
        if ("model".equals(name)) {
          if (start >= 0) {
            throw ApiError.badRequest("\"model\" appears twice in the request body", "model");
          }
          if (value == JsonToken.VALUE_STRING) {
            model = p.getText();
          } else if (value != JsonToken.VALUE_NULL) {
            throw ApiError.badRequest("\"model\" must be a string", "model");
          }
          start = (int) p.currentTokenLocation().getByteOffset();
          end = (int) p.currentLocation().getByteOffset();
        } else if ("stream".equals(name)) {
          if (value != JsonToken.VALUE_TRUE && value != JsonToken.VALUE_FALSE && value != JsonToken.VALUE_NULL) {
            throw ApiError.badRequest("\"stream\" must be true or false", "stream");
          }
          stream = value == JsonToken.VALUE_TRUE;
        } else {
          p.skipChildren();
        }
      }
      if (t != JsonToken.END_OBJECT) {
        throw ApiError.badRequest("malformed JSON in the request body", null);
      }
      if (p.nextToken() != null) {
        throw ApiError.badRequest("unexpected content after the JSON object in the request body", null);
      }
      return new RequestBody(raw, model, start, end, objectStart, empty, stream);
    } catch (JsonProcessingException e) {
      String where = e.getLocation() == null ? "" : " (at byte " + e.getLocation().getByteOffset() + ")";
      throw ApiError.badRequest("malformed JSON in the request body: " + e.getOriginalMessage() + where, null);
    } catch (IOException e) {
      throw ApiError.badRequest("unreadable request body: " + e.getMessage(), null);
    }
  }

  /** Well-formed UTF-8 (RFC 3629: no overlongs, no surrogates, at most U+10FFFF), without allocating. */
  static boolean validUtf8(byte[] b) {
    int i = 0;
    int n = b.length;
    while (i < n) {
      int c = b[i] & 0xFF;
      if (c < 0x80) {
        i++;
        continue;
      }
      int extra;
      int min;
      if (c >= 0xC2 && c <= 0xDF) {
        extra = 1;
        min = 0x80;
      } else if (c >= 0xE0 && c <= 0xEF) {
        extra = 2;
        min = 0x800;
      } else if (c >= 0xF0 && c <= 0xF4) {
        extra = 3;
        min = 0x10000;
      } else {
        return false;
      }
      int cp = c & (0x3F >> extra);
      for (int k = 1; k <= extra; k++) {
        if (i + k >= n) {
          return false;
        }
        int cc = b[i + k] & 0xFF;
        if ((cc & 0xC0) != 0x80) {
          return false;
        }
        cp = (cp << 6) | (cc & 0x3F);
      }
      if (cp < min || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF)) {
        return false;
      }
      i += extra + 1;
    }
    return true;
  }

  /**
   * The body as a JSON object, for the endpoints that translate or check more than {@code model}.
   * Parsed with the same limits as the scan (a large base64 image is a legitimate string).
   */
  public JsonObject json() {
    if (json != null) {
      return json;
    }
    try (JsonParser p = JSON.createParser(raw.getBytes())) {
      p.nextToken();
      json = (JsonObject) tree(p); // parse() saw an object
      return json;
    } catch (IOException e) {
      throw ApiError.badRequest("unreadable request body: " + e.getMessage(), null);
    }
  }

  /** The value at the parser's current token, as Vert.x JSON (numbers as Jackson reads them). */
  private static Object tree(JsonParser p) throws IOException {
    switch (p.currentToken()) {
      case START_OBJECT -> {
        JsonObject o = new JsonObject();
        while (p.nextToken() == JsonToken.FIELD_NAME) {
          String name = p.currentName();
          p.nextToken();
          o.put(name, tree(p));
        }
        return o;
      }
      case START_ARRAY -> {
        JsonArray a = new JsonArray();
        while (p.nextToken() != JsonToken.END_ARRAY) {
          a.add(tree(p));
        }
        return a;
      }
      case VALUE_STRING -> {
        return p.getText();
      }
      case VALUE_NUMBER_INT, VALUE_NUMBER_FLOAT -> {
        return p.getNumberValue();
      }
      case VALUE_TRUE -> {
        return Boolean.TRUE;
      }
      case VALUE_FALSE -> {
        return Boolean.FALSE;
      }
      default -> {
        return null;
      }
    }
  }

  /** The requested model, or null when the body has none (or {@code "model": null}). */
  public String model() {
    return model;
  }

  public boolean stream() {
    return stream;
  }

  public Buffer raw() {
    return raw;
  }

  /**
   * How many characters the prompt has: the text of every message (string contents and text parts)
   * for chat, {@code prompt} for completions. Parses the body again; only mix mode asks.
   */
  public long promptChars() {
    JsonObject json = new JsonObject(raw);
    long chars = 0;
    JsonArray messages = json.getValue("messages") instanceof JsonArray a ? a : null;
    if (messages != null) {
      for (Object m : messages) {
        if (m instanceof JsonObject message) {
          chars += textLength(message.getValue("content"));
        }
      }
    }
    return chars + textLength(json.getValue("prompt"));
  }

  private static long textLength(Object value) {
    if (value instanceof String s) {
      return s.length();
    }
    long chars = 0;
    if (value instanceof JsonArray parts) {
      for (Object part : parts) {
        if (part instanceof String s) {
          chars += s.length();
        } else if (part instanceof JsonObject o && o.getValue("text") instanceof String text) {
          chars += text.length();
        }
      }
    }
    return chars;
  }

  /** The body with {@code model} set to the given name and nothing else changed. */
  public Buffer withModel(String newModel) {
    byte[] quoted = quote(newModel);
    if (modelStart >= 0) {
      if (newModel.equals(model)) {
        return raw;
      }
      Buffer out = Buffer.buffer(raw.length() - (modelEnd - modelStart) + quoted.length);
      return out.appendBuffer(raw, 0, modelStart).appendBytes(quoted)
          .appendBuffer(raw, modelEnd, raw.length() - modelEnd);
    }
    byte[] field = "\"model\":".getBytes(StandardCharsets.UTF_8);
    Buffer out = Buffer.buffer(raw.length() + field.length + quoted.length + 1);
    out.appendBuffer(raw, 0, objectStart + 1).appendBytes(field).appendBytes(quoted);
    if (!empty) {
      out.appendString(",");
    }
    return out.appendBuffer(raw, objectStart + 1, raw.length() - objectStart - 1);
  }

  private static byte[] quote(String s) {
    byte[] escaped = JsonStringEncoder.getInstance().quoteAsUTF8(s);
    byte[] out = new byte[escaped.length + 2];
    out[0] = '"';
    System.arraycopy(escaped, 0, out, 1, escaped.length);
    out[out.length - 1] = '"';
    return out;
  }
}
