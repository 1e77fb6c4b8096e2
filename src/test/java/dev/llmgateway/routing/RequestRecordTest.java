package dev.llmgateway.routing;

import dev.llmgateway.model.Backend;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class RequestRecordTest {

  @Test
  void writesOneLogfmtLineWithTheRoute() {
    RequestRecord r = new RequestRecord("abc", "POST", "/v1/chat/completions");
    r.requested = "my model \"x\"";
    r.target(new Backend("cloud_models/c", "c", Backend.Kind.CLOUD, "127.0.0.1", 4000, "openai/gpt-4o",
        "KEY_NAME", "sk-secret-value", 4, 600_000, Backend.Serves.ANYTHING, 0, 120_000), "cloud");
    r.stream = true;
    r.bytesIn = 12;
    r.wrote(io.vertx.core.buffer.Buffer.buffer("{\"x\":1}"));
    r.fallbackFrom = "local_models/l";
    r.finished(200, true);
    String line = r.line();
    assertTrue(line.startsWith("id=abc method=POST path=/v1/chat/completions requested=\"my model \\\"x\\\"\" "
        + "model=c backend=cloud_models/c type=litellm route=cloud stream=true status=200 duration_ms="), line);
    assertTrue(line.contains(" ttfb_ms=") && line.contains(" bytes_in=12 ")
        && line.endsWith(" fallback_from=local_models/l client=left"), line);
    assertFalse(line.contains("sk-secret-value") || line.contains("KEY_NAME"), line);
  }
}
