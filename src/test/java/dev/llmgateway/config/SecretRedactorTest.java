package dev.llmgateway.config;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

class SecretRedactorTest {

  @Test
  void masksSecretKeysAndKnownSecretValuesButNotVariableNames() {
    SecretRedactor redactor = new SecretRedactor(Set.of("sk-known-secret"));
    Map<String, Object> tree = Map.of(
        "cloud_models", List.of(Map.of("id", "a", "api_key", "sk-1", "api_key_name", "OPENAI_API_KEY")),
        "gateway", Map.of("admin_token", "t0k3n", "port", 8080),
        "completion", Map.of("max_tokens", 100),
        "misplaced", "sk-known-secret",
        "note", "key is sk-known-secret here");
    @SuppressWarnings("unchecked")
    Map<String, Object> out = (Map<String, Object>) redactor.redact(tree);
    @SuppressWarnings("unchecked")
    Map<String, Object> cloud = ((List<Map<String, Object>>) out.get("cloud_models")).get(0);
    assertEquals("***", cloud.get("api_key"));
    assertEquals("OPENAI_API_KEY", cloud.get("api_key_name"));
    assertEquals("***", ((Map<?, ?>) out.get("gateway")).get("admin_token"));
    assertEquals(8080, ((Map<?, ?>) out.get("gateway")).get("port"));
    assertEquals(100, ((Map<?, ?>) out.get("completion")).get("max_tokens"));
    assertEquals("***", out.get("misplaced"));
    assertEquals("key is *** here", out.get("note"));
  }
}
