package dev.llmgateway.routing;

import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.llmgateway.api.ApiError;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.Test;

/** What a Messages API request must look like before the gateway sends it anywhere. */
class AnthropicRequestTest {

  private static String check(String json, boolean countTokens) {
    ApiError e = assertThrows(ApiError.class, () -> AnthropicRequest.check(new JsonObject(json), countTokens), json);
    assertEquals(400, e.status());
    return e.getMessage();
  }

  @Test
  void acceptsAnthropicsDocumentedRequests() {
    for (String ok : new String[] {
        "{\"model\":\"m\",\"max_tokens\":1024,\"messages\":[{\"role\":\"user\",\"content\":\"Hello, world\"}]}",
        "{\"model\":\"m\",\"max_tokens\":1024,\"system\":[{\"type\":\"text\",\"text\":\"x\",\"cache_control\":{\"type\":\"ephemeral\"}}],"
            + "\"messages\":[{\"role\":\"user\",\"content\":[{\"type\":\"image\",\"source\":{\"type\":\"url\",\"url\":\"https://a/b.jpg\"}},"
            + "{\"type\":\"text\",\"text\":\"What is this?\"}]}]}",
        "{\"model\":\"m\",\"max_tokens\":5,\"messages\":[{\"role\":\"user\",\"content\":[{\"type\":\"tool_result\","
            + "\"tool_use_id\":\"t\",\"content\":[{\"type\":\"text\",\"text\":\"15 degrees\"}]}]}]}",
        "{\"model\":\"m\",\"max_tokens\":5,\"messages\":[{\"role\":\"assistant\",\"content\":[{\"type\":\"thinking\","
            + "\"thinking\":\"hm\",\"signature\":\"s\"},{\"type\":\"tool_use\",\"id\":\"t\",\"name\":\"f\",\"input\":{}}]}]}"}) {
      assertDoesNotThrow(() -> AnthropicRequest.check(new JsonObject(ok), false), ok);
    }
    // count_tokens takes no max_tokens
    assertDoesNotThrow(() -> AnthropicRequest.check(new JsonObject("{\"model\":\"m\",\"messages\":[]}"), true));
  }

  @Test
  void namesTheFieldThatIsWrong() {
    assertEquals("messages: field required", check("{\"model\":\"m\"}", false));
    assertEquals("messages: must be an array of messages", check("{\"messages\":{}}", false));
    assertEquals("messages.0.role: must be \"user\" or \"assistant\"",
        check("{\"messages\":[{\"role\":\"system\",\"content\":\"x\"}]}", false));
    assertEquals("messages.0.content.0.type: unknown content block type \"hologram\"",
        check("{\"messages\":[{\"role\":\"user\",\"content\":[{\"type\":\"hologram\"}]}]}", false));
    assertEquals("messages.0.content.0.content.0.type: unknown content block type \"video\"",
        check("{\"messages\":[{\"role\":\"user\",\"content\":[{\"type\":\"tool_result\",\"tool_use_id\":\"t\","
            + "\"content\":[{\"type\":\"video\"}]}]}]}", false));
    assertEquals("max_tokens: must be a positive integer", check("{\"max_tokens\":1.5,\"messages\":[]}", false));
    assertEquals("system.0: must be a text block ({\"type\": \"text\", \"text\": ...})",
        check("{\"system\":[{\"type\":\"image\"}],\"messages\":[]}", false));
    assertEquals("messages.0.content.0.source.media_type: must be one of image/jpeg, image/png, image/gif, image/webp",
        check("{\"messages\":[{\"role\":\"user\",\"content\":[{\"type\":\"image\",\"source\":{\"type\":\"base64\","
            + "\"media_type\":\"image/tiff\",\"data\":\"AA==\"}}]}]}", false));
  }
}
