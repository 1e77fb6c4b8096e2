package dev.llmgateway.ollama;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.Test;

class PullProgressTest {

  private static JsonObject line(String status, String digest, Long total, Long completed) {
    JsonObject o = new JsonObject().put("status", status);
    if (digest != null) {
      o.put("digest", digest).put("total", total);
    }
    if (completed != null) {
      o.put("completed", completed);
    }
    return o;
  }

  @Test
  void countsPercentOverAllLayersAndTreatsAMissingCompletedAsZero() {
    PullProgress p = new PullProgress();
    p.update(line("pulling manifest", null, null, null));
    assertEquals(0.0, p.percent());
    p.update(line("pulling aaa", "sha256:aaa", 800L, null));
    assertEquals(0, p.toJson().getLong("completed"));
    assertEquals(0.0, p.percent());
    p.update(line("pulling aaa", "sha256:aaa", 800L, 400L));
    assertEquals(50.0, p.percent());
    p.update(line("pulling aaa", "sha256:aaa", 800L, 800L));
    p.update(line("pulling bbb", "sha256:bbb", 200L, null)); // a small layer that never completes
    assertEquals(80.0, p.percent());
    assertEquals(1000, p.toJson().getLong("total_bytes"));
    assertEquals("sha256:bbb", p.toJson().getString("digest"));
    assertEquals(200, p.toJson().getLong("total"));
    p.update(line("verifying sha256 digest", null, null, null));
    assertEquals(100.0, p.percent());
    assertEquals(1000, p.toJson().getLong("completed_bytes"));
    assertEquals("verifying sha256 digest", p.toJson().getString("status"));
  }

  @Test
  void neverShows100BeforeTheDownloadIsComplete() {
    PullProgress p = new PullProgress();
    p.update(line("pulling aaa", "sha256:aaa", 100_000L, 99_999L));
    assertEquals(99.9, p.percent());
    p.finished();
    assertEquals(100.0, p.percent());
  }
}
