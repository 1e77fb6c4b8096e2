package dev.llmgateway.routing;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.vertx.core.buffer.Buffer;
import org.junit.jupiter.api.Test;

class UsageTest {

  @Test
  void readsTheUsageOfAPlainAnswerWithOpenAisNestedDetails() {
    Buffer body = Buffer.buffer("{\"id\":\"c\",\"choices\":[{\"message\":{\"content\":\"hi\"}}],\"usage\":{"
        + "\"prompt_tokens_details\":{\"cached_tokens\":3},\"prompt_tokens\":12,\"completion_tokens\":7,"
        + "\"total_tokens\":19},\"system_fingerprint\":\"fp\"}");
    assertEquals(new Usage(12, 7), Usage.find(null, body));
  }

  @Test
  void readsTheLastEventOfAStreamSplitOverTwoChunks() {
    Buffer before = Buffer.buffer("data: {\"choices\":[],\"usage\":{\"prompt_tokens\":5,\"compl");
    Buffer last = Buffer.buffer("etion_tokens\":4,\"total_tokens\":9}}\n\ndata: [DONE]\n\n");
    assertEquals(new Usage(5, 4), Usage.find(before, last));
  }

  @Test
  void knowsNothingWhenTheAnswerHasNoUsage() {
    Buffer last = Buffer.buffer("data: {\"choices\":[{\"delta\":{},\"finish_reason\":\"stop\"}]}\n\ndata: [DONE]\n\n");
    assertEquals(Usage.NONE, Usage.find(null, last));
    assertEquals(false, Usage.find(null, last).known());
  }

  @Test
  void readsOnlyTheEndOfALongAnswer() {
    Buffer big = Buffer.buffer("{\"usage\":{\"completion_tokens\":1}," + "x".repeat(Usage.TAIL * 2) + "\"e\":1}");
    assertEquals(Usage.NONE, Usage.find(null, big), "a usage far from the end is not looked for");
  }
}
