package dev.llmgateway.process;

import io.vertx.core.Future;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code keep_cache_on_swap}: a llama-server's slots (their KV cache) saved before it is swapped out
 * and restored when it comes back, through its own API ({@code GET /slots},
 * {@code POST /slots/{id}?action=save|restore} with a file name under {@code --slot-save-path}).
 * Best effort: a failure is logged and the swap goes on (the model then recomputes its prompts).
 */
final class SlotCache {

  private static final Logger LOG = LoggerFactory.getLogger(SlotCache.class);

  private final HttpClient client;

  SlotCache(HttpClient client) {
    this.client = client;
  }

  Future<Void> save(ChildSpec spec) {
    return each(spec, "save");
  }

  Future<Void> restore(ChildSpec spec) {
    return each(spec, "restore");
  }

  private Future<Void> each(ChildSpec spec, String action) {
    long t0 = System.nanoTime();
    return call(spec, HttpMethod.GET, "/slots", null)
        .compose(body -> {
          JsonArray slots = new JsonArray(body);
          List<Integer> ids = new ArrayList<>();
          for (int i = 0; i < slots.size(); i++) {
            ids.add(slots.getJsonObject(i).getInteger("id"));
          }
          Future<Integer> chain = Future.succeededFuture(0);
          for (int id : ids) {
            String payload = new JsonObject().put("filename", "slot-" + id + ".bin").encode();
            chain = chain.compose(done -> call(spec, HttpMethod.POST, "/slots/" + id + "?action=" + action, payload)
                .map(answer -> done + 1)
                .otherwise(done)); // a slot with nothing saved cannot be restored: fine
          }
          return chain;
        })
        .onSuccess(n -> LOG.info("{}: {} {} slot(s) in {} ms", spec.id(), action.equals("save") ? "saved" : "restored",
            n, (System.nanoTime() - t0) / 1_000_000))
        .onFailure(err -> LOG.warn("{}: could not {} its slots: {}", spec.id(), action, err.getMessage()))
        .<Void>mapEmpty()
        .otherwiseEmpty();
  }

  private Future<String> call(ChildSpec spec, HttpMethod method, String uri, String body) {
    return JsonCall.send(client, spec.host(), spec.port(), method, uri, body, 60_000);
  }
}
