package dev.llmgateway.routing;

import dev.llmgateway.api.ApiError;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vertx.core.buffer.Buffer;
import org.junit.jupiter.api.Test;

class RequestBodyTest {

  private static String rewrite(String body, String model) {
    return RequestBody.parse(Buffer.buffer(body)).withModel(model).toString();
  }

  @Test
  void replacesOnlyTheModelValue() {
    assertEquals("{ \"model\" :  \"new\" , \"n\": 1.50e0 }", rewrite("{ \"model\" :  \"old\" , \"n\": 1.50e0 }", "new"));
    assertEquals("{\"a\":{\"model\":\"inner\"},\"model\":\"x\"}", rewrite("{\"a\":{\"model\":\"inner\"},\"model\":\"y\"}", "x"));
    assertEquals("{\"model\":\"qwen2.5:7b\"}", rewrite("{\"model\":null}", "qwen2.5:7b"));
  }

  @Test
  void addsTheModelWhenAbsent() {
    assertEquals("{\"model\":\"m\"}", rewrite("{}", "m"));
    assertEquals("{\"model\":\"m\", \"stream\": true}", rewrite("{ \"stream\": true}", "m"));
  }

  @Test
  void escapesModelNamesAndKeepsUnicode() {
    assertEquals("{\"model\":\"a\\\"b\",\"c\":\"é\"}", rewrite("{\"model\":\"x\",\"c\":\"é\"}", "a\"b"));
    RequestBody same = RequestBody.parse(Buffer.buffer("{\"model\":\"ü\"}"));
    assertSame(same.raw(), same.withModel("ü"), "nothing to rewrite: the same bytes go out");
  }

  @Test
  void readsModelAndStream() {
    RequestBody body = RequestBody.parse(Buffer.buffer("{\"stream\":true,\"messages\":[{\"model\":\"no\"}]}"));
    assertNull(body.model());
    assertTrue(body.stream());
  }

  @Test
  void rejectsWhatIsNotAJsonObject() {
    for (String bad : new String[] {"", "null", "[]", "\"s\"", "{", "{\"a\":1}}", "{\"model\":[]}",
        "{\"model\":\"a\",\"model\":\"b\"}", "{'a':1}", "{\"stream\":1}", "{\"deep\":" + "[".repeat(600) + "]".repeat(600) + "}"}) {
      ApiError e = assertThrows(ApiError.class, () -> RequestBody.parse(Buffer.buffer(bad)), bad);
      assertEquals(400, e.status(), bad);
    }
  }
}
