package dev.llmgateway.routing;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.llmgateway.testing.Async;
import dev.llmgateway.testing.FakeOllama;
import dev.llmgateway.testing.GatewayHarness;
import dev.llmgateway.testing.TestHttp;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.junit5.VertxExtension;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Path;
import java.util.Base64;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/** POST /v1/embeddings for Ollama entries goes through /api/embed and comes back in OpenAI's shape. */
@ExtendWith(VertxExtension.class)
class OllamaEmbeddingsTest {

  private FakeOllama ollama;
  private TestHttp http;

  @BeforeEach
  void start(Vertx vertx, @TempDir Path dir) throws Exception {
    ollama = new FakeOllama(vertx, "nomic-embed-text", "qwen2.5:7b");
    Async.await(ollama.start());
    GatewayHarness gateway = GatewayHarness.start(vertx, dir, """
        local_models:
          - id: embed
            type: ollama
            path: nomic-embed-text
            port: %1$d
          - id: chat
            type: ollama
            path: qwen2.5:7b
            port: %1$d
          - id: missing
            type: ollama
            path: not-pulled:1b
            port: %1$d
        main_llm_local: local_models/chat
        embedding_llm: local_models/embed
        """.formatted(ollama.port()), Map.of());
    http = new TestHttp(vertx, gateway.port());
  }

  @Test
  void answersInOpenAisShapeWithFloats() throws Exception {
    TestHttp.Answer answer = http.postJson("/v1/embeddings", "{\"input\": \"hello\"}");
    assertEquals(200, answer.status(), answer.body());
    JsonObject body = answer.json();
    assertEquals("list", body.getString("object"));
    assertEquals("nomic-embed-text", body.getString("model"));
    JsonObject first = body.getJsonArray("data").getJsonObject(0);
    assertEquals("embedding", first.getString("object"));
    assertEquals(0, first.getInteger("index"));
    assertEquals(new JsonArray().add(0.5).add(-0.25).add(0.125).add(0.1), first.getJsonArray("embedding"));
    assertEquals(new JsonObject().put("prompt_tokens", 8).put("total_tokens", 8), body.getJsonObject("usage"));

    assertEquals("/api/embed", ollama.lastRequest().path());
    assertEquals(new JsonObject().put("model", "nomic-embed-text").put("input", "hello"), ollama.lastRequest().json());
  }

  @Test
  void encodesBase64AsLittleEndianFloat32LikeTheOpenAiSdksExpect() throws Exception {
    TestHttp.Answer answer = http.postJson("/v1/embeddings", new JsonObject().put("model", "embed")
        .put("input", new JsonArray().add("a").add("b")).put("encoding_format", "base64")
        .put("dimensions", 4).encode());
    assertEquals(200, answer.status(), answer.body());
    JsonArray data = answer.json().getJsonArray("data");
    assertEquals(2, data.size());
    for (int i = 0; i < 2; i++) {
      assertEquals(i, data.getJsonObject(i).getInteger("index"));
      ByteBuffer bytes = ByteBuffer.wrap(Base64.getDecoder().decode(data.getJsonObject(i).getString("embedding")))
          .order(ByteOrder.LITTLE_ENDIAN);
      assertEquals(16, bytes.remaining());
      assertEquals(0.5f, bytes.getFloat());
      assertEquals(-0.25f, bytes.getFloat());
      assertEquals((i + 1) * 0.125f, bytes.getFloat());
      assertEquals(0.1f, bytes.getFloat());
    }
    assertEquals(4, ollama.lastRequest().json().getInteger("dimensions"));
    assertEquals(16, answer.json().getJsonObject("usage").getInteger("total_tokens"));
  }

  @Test
  void answers404InOpenAiShapeForAModelOllamaDoesNotHave() throws Exception {
    TestHttp.Answer missing = http.postJson("/v1/embeddings", "{\"model\":\"missing\",\"input\":\"x\"}");
    assertEquals(404, missing.status(), missing.body());
    assertEquals("model_not_found", missing.error().getString("code"));
    assertEquals("invalid_request_error", missing.error().getString("type"));
    assertTrue(missing.error().getString("message").contains("llm-gateway ollama pull not-pulled:1b"), missing.body());

    TestHttp.Answer unknown = http.postJson("/v1/embeddings", "{\"model\":\"nope\",\"input\":\"x\"}");
    assertEquals(404, unknown.status());
    assertEquals("model_not_found", unknown.error().getString("code"));
  }

  @Test
  void refusesInputOllamaCannotEmbed() throws Exception {
    String[] bad = {"{\"input\": [1, 2, 3]}", "{\"input\": [[1, 2]]}", "{}", "{\"input\": []}",
        "{\"input\": \"x\", \"encoding_format\": \"int8\"}"};
    for (String body : bad) {
      TestHttp.Answer answer = http.postJson("/v1/embeddings", body);
      assertEquals(400, answer.status(), body + " -> " + answer.body());
      assertEquals("invalid_request_error", answer.error().getString("type"));
    }
    assertTrue(ollama.requests().isEmpty(), "nothing reached Ollama");
  }

  @Test
  void answers502WhenOllamaIsDown() throws Exception {
    Async.await(ollama.close());
    TestHttp.Answer answer = http.postJson("/v1/embeddings", "{\"input\": \"x\"}");
    assertEquals(502, answer.status());
    assertTrue(answer.error().getString("message").contains("ollama serve"), answer.body());
  }
}
