package dev.llmgateway.reliability;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.llmgateway.testing.Async;
import dev.llmgateway.testing.FakeLlamaServer;
import dev.llmgateway.testing.FakeOllama;
import dev.llmgateway.testing.GatewayHarness;
import io.vertx.core.Vertx;
import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.Example;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.lifecycle.AfterContainer;
import net.jqwik.api.lifecycle.BeforeContainer;

/**
 * Bad input on every endpoint, over raw sockets so nothing is cleaned up on the way: invalid JSON,
 * wrong types, huge and deeply nested bodies, invalid UTF-8, odd paths, methods, content types,
 * header floods, and generated bodies (jqwik). The rule: a clear 4xx, never a 5xx, never a stack
 * trace. The count is printed on a {@code RELIABILITY} line.
 */
class BadInputTest {

  private static final AtomicInteger TRIED = new AtomicInteger();
  private static final AtomicInteger SERVER_ERRORS = new AtomicInteger();
  private static final List<String> EXAMPLES = new ArrayList<>();
  private static Vertx vertx;
  private static GatewayHarness gateway;

  @BeforeContainer
  static void start() throws Exception {
    vertx = Vertx.vertx();
    FakeLlamaServer llama = new FakeLlamaServer(vertx, "m.gguf");
    FakeOllama ollama = new FakeOllama(vertx, "qwen2.5:7b");
    Async.await(llama.start());
    Async.await(ollama.start());
    Path dir = Files.createTempDirectory("bad-input");
    gateway = GatewayHarness.start(vertx, dir, """
        local_models:
          - {id: llama, path: m.gguf, port: %d, max_concurrent: 64}
          - {id: ollama, type: ollama, path: "qwen2.5:7b", port: %d}
        main_llm_local: llama
        embedding_llm: ollama
        gateway:
          max_body_bytes: 65536
        """.formatted(llama.port(), ollama.port()), Map.of());
  }

  @AfterContainer
  static void stop() {
    System.out.println("RELIABILITY bad-input requests=" + TRIED.get() + " server_errors=" + SERVER_ERRORS.get()
        + (EXAMPLES.isEmpty() ? "" : " first=" + EXAMPLES.get(0)));
    Async.await(vertx.close());
  }

  /** Sends raw bytes; returns the status and body of the answer. */
  private static String[] send(byte[] request) throws Exception {
    try (Socket s = new Socket("127.0.0.1", gateway.port())) {
      s.setSoTimeout(20_000);
      OutputStream out = s.getOutputStream();
      try {
        out.write(request);
        out.flush();
      } catch (java.io.IOException e) {
        // The server may answer and close before reading everything (413): read what it said.
      }
      InputStream in = s.getInputStream();
      ByteArrayOutputStream answer = new ByteArrayOutputStream();
      byte[] buf = new byte[8192];
      int n;
      try {
        while ((n = in.read(buf)) > 0) {
          answer.write(buf, 0, n);
          String text = answer.toString(StandardCharsets.UTF_8);
          int head = text.indexOf("\r\n\r\n");
          if (head > 0) {
            String length = header(text.substring(0, head), "content-length");
            if (length != null && text.length() - head - 4 >= Integer.parseInt(length.trim())) {
              break;
            }
          }
        }
      } catch (java.net.SocketException e) {
        // closed after answering
      }
      String text = answer.toString(StandardCharsets.UTF_8);
      String status = text.length() >= 12 ? text.substring(9, 12) : "---";
      return new String[] {status, text};
    }
  }

  private static String header(String head, String name) {
    for (String line : head.split("\r\n")) {
      int colon = line.indexOf(':');
      if (colon > 0 && line.substring(0, colon).equalsIgnoreCase(name)) {
        return line.substring(colon + 1);
      }
    }
    return null;
  }

  private static byte[] http(String method, String path, String contentType, byte[] body) {
    String head = method + " " + path + " HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n"
        + (contentType == null ? "" : "Content-Type: " + contentType + "\r\n")
        + (body == null ? "" : "Content-Length: " + body.length + "\r\n") + "\r\n";
    byte[] h = head.getBytes(StandardCharsets.ISO_8859_1);
    if (body == null) {
      return h;
    }
    byte[] all = new byte[h.length + body.length];
    System.arraycopy(h, 0, all, 0, h.length);
    System.arraycopy(body, 0, all, h.length, body.length);
    return all;
  }

  /** Sends and checks the rule: the answer is a 4xx (or fine), never 5xx, never a stack trace. */
  private static String check(String what, byte[] request) throws Exception {
    String[] answer = send(request);
    TRIED.incrementAndGet();
    boolean bad = answer[0].startsWith("5") || answer[0].equals("---") || answer[1].contains("\tat ")
        || answer[1].contains("Exception");
    if (bad) {
      SERVER_ERRORS.incrementAndGet();
      synchronized (EXAMPLES) {
        EXAMPLES.add(what + " -> " + answer[0]);
      }
    }
    assertTrue(!bad, what + " answered " + answer[0] + ": " + answer[1]);
    return answer[0];
  }

  private static final List<String> API = List.of("/v1/chat/completions", "/v1/completions", "/v1/embeddings");

  @Example
  void malformedAndMistypedJson() throws Exception {
    List<String> bodies = List.of("", "{", "}", "[]", "[1,2]", "null", "42", "\"text\"", "{\"model\":", "{} {}",
        "{\"model\":42}", "{\"model\":[\"a\"]}", "{\"model\":{}}", "{\"model\":true}", "{\"stream\":\"yes\"}",
        "{\"stream\":1}", "{\"messages\":\"x\"}", "{\"messages\":[1,2,3]}", "{\"model\":\"a\",\"model\":\"b\"}",
        "{'model':'main'}", "{\"model\":\"main\",}", "{\"model\":\"main\" \"x\":1}", "{\"model\":\"\\u12\"}",
        "{\"model\":\"main\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}],\"stream_options\":5}",
        "{\"input\":{\"nested\":[[[[]]]]}}", "{\"model\":null,\"input\":[1,2,3]}", "{\"model\":\"ollama\",\"input\":[[1,2]]}");
    for (String path : API) {
      for (String body : bodies) {
        String status = check(path + " " + body, http("POST", path, "application/json", body.getBytes(StandardCharsets.UTF_8)));
        assertTrue(status.startsWith("4") || status.startsWith("2"), path + " " + body + " -> " + status);
      }
    }
  }

  @Example
  void deepNestingHugeBodiesAndInvalidUtf8() throws Exception {
    String deep = "{\"model\":\"main\",\"x\":" + "[".repeat(100_000 / 2) + "]".repeat(100_000 / 2) + "}";
    assertEquals("413", check("deep nesting", http("POST", "/v1/chat/completions", "application/json", deep.getBytes())));
    String nested = "{\"model\":\"main\",\"x\":" + "[".repeat(5_000) + "]".repeat(5_000) + "}";
    assertEquals("400", check("nesting 5000", http("POST", "/v1/chat/completions", "application/json", nested.getBytes())));
    // Declares 10 GB, sends 10 bytes: refused from the header alone.
    byte[] huge = ("POST /v1/chat/completions HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
        + "Content-Length: 10000000000\r\n\r\n{\"model\":").getBytes();
    assertEquals("413", check("10 GB declared", huge));
    byte[] utf8 = "{\"model\":\"main\",\"messages\":[{\"role\":\"user\",\"content\":\"\u00ff\u00fe\"}]}"
        .getBytes(StandardCharsets.ISO_8859_1);
    assertEquals("400", check("invalid UTF-8", http("POST", "/v1/chat/completions", "application/json", utf8)));
    byte[] badModel = "{\"model\":\"\u00c3\u0028\"}".getBytes(StandardCharsets.ISO_8859_1);
    assertEquals("400", check("invalid UTF-8 model", http("POST", "/v1/chat/completions", "application/json", badModel)));
  }

  @Example
  void oddPathsMethodsContentTypesAndHeaders() throws Exception {
    for (String path : List.of("/", "/v1", "/v1/", "/v2/chat/completions", "/v1/models/../../etc/passwd",
        "/v1/models/%2e%2e%2f%2e%2e%2fetc", "/v1/models/%00", "/admin/../v1/models", "/%ff%fe", "/v1/models/a%0d%0ab",
        "/admin/processes/../../x/start", "/admin/nothing", "/metrics/x")) {
      String status = check("GET " + path, http("GET", path, null, null));
      assertTrue(status.startsWith("2") || status.startsWith("4"), path + " -> " + status);
    }
    for (String method : List.of("PUT", "DELETE", "PATCH", "HEAD", "TRACE", "FOO")) {
      check(method + " /v1/chat/completions", http(method, "/v1/chat/completions", null, null));
    }
    for (String type : List.of("multipart/form-data; boundary=x", "text/plain", "application/xml",
        "application/x-www-form-urlencoded", "application/json; charset=utf-16", ";;;")) {
      check("type " + type, http("POST", "/v1/chat/completions", type, "{\"model\":\"main\"}".getBytes()));
    }
    StringBuilder flood = new StringBuilder("GET /health HTTP/1.1\r\nHost: x\r\n");
    for (int i = 0; i < 400; i++) {
      flood.append("X-Flood-").append(i).append(": ").append("v".repeat(100)).append("\r\n");
    }
    assertTrue(check("header flood", (flood + "\r\n").getBytes()).startsWith("4"));
    assertTrue(check("long URI", http("GET", "/v1/models/" + "a".repeat(20_000), null, null)).startsWith("4"));
    assertTrue(check("bad request line", "GARBAGE\r\n\r\n".getBytes()).startsWith("4"));
  }

  @Example
  void badModelNamesAndAdminInput() throws Exception {
    for (String model : List.of("../../etc/passwd", "..", "a\u0000b", "local_models/../x", "cloud_models/",
        "local_models/", "\n", "x".repeat(10_000), "main\r\nX-Injected: 1")) {
      String body = new io.vertx.core.json.JsonObject().put("model", model).encode();
      assertEquals("404", check("model " + model.length(), http("POST", "/v1/chat/completions", "application/json",
          body.getBytes(StandardCharsets.UTF_8))));
    }
    for (String body : List.of("", "{", "[]", "{\"model\":5}", "{\"model\":\"qwen\\n  evil: true\"}",
        "{\"model\":\"a: b\\n- c\"}", "{\"model\":\"x\\u0000y\"}", "{\"model\":\"qwen2.5:7b\",\"mode\":\"sideways\"}",
        "{\"model\":\"\"}")) {
      assertTrue(check("PUT /admin/main " + body, http("PUT", "/admin/main", "application/json",
          body.getBytes(StandardCharsets.UTF_8))).startsWith("4"), body);
    }
    for (String body : List.of("", "{}", "{\"model\":7}", "{\"model\":\"\\n\"}", "[1]")) {
      assertTrue(check("POST pulls " + body, http("POST", "/admin/ollama/pulls", "application/json",
          body.getBytes(StandardCharsets.UTF_8))).startsWith("4"), body);
    }
    check("explode", http("POST", "/admin/processes/llama/explode", null, null));
    check("delete odd", http("DELETE", "/admin/ollama/models/%0a", null, null));
    check("logs unknown", http("GET", "/admin/processes/nope/logs", null, null));
  }

  @Property(tries = 200)
  void randomBytesNeverGetA5xx(@ForAll("paths") String path, @ForAll byte[] body) throws Exception {
    check("random bytes " + path, http("POST", path, "application/json", body));
  }

  @Property(tries = 300)
  void generatedJsonNeverGetsA5xx(@ForAll("paths") String path, @ForAll("jsonBodies") String body) throws Exception {
    check("json " + path + " " + body, http("POST", path, "application/json", body.getBytes(StandardCharsets.UTF_8)));
  }

  @Provide
  Arbitrary<String> paths() {
    return Arbitraries.of("/v1/chat/completions", "/v1/completions", "/v1/embeddings", "/admin/ollama/pulls");
  }

  @Provide
  Arbitrary<String> jsonBodies() {
    Arbitrary<String> values = Arbitraries.oneOf(
        Arbitraries.strings().ofMaxLength(20).map(s -> io.vertx.core.json.Json.encode(s)),
        Arbitraries.integers().map(String::valueOf),
        Arbitraries.of("true", "false", "null", "[]", "{}", "1e999", "-0", "[{\"role\":\"user\",\"content\":\"hi\"}]"),
        Arbitraries.of("\"main\"", "\"llama\"", "\"ollama\"", "\"qwen2.5:7b\"", "\"local_models/llama\""));
    Arbitrary<String> keys = Arbitraries.of("model", "messages", "stream", "input", "prompt", "max_tokens",
        "stream_options", "temperature", "x");
    Arbitrary<String> field = Combinators.combine(keys, values).as((k, v) -> "\"" + k + "\":" + v);
    return field.list().ofMaxSize(6).map(fields -> "{" + String.join(",", fields) + "}");
  }
}
