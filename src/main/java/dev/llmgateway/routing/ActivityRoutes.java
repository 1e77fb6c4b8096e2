package dev.llmgateway.routing;

import dev.llmgateway.api.EventStream;
import dev.llmgateway.api.RouteMount;
import dev.llmgateway.bus.ActivityBus;
import dev.llmgateway.model.Backend;
import dev.llmgateway.model.LiveCatalog;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.MessageConsumer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * {@code GET /admin/activity} and {@code GET /admin/activity/events} (the same, as server-sent
 * events {@code event: activity}, once a second): per model, the requests in flight and queued now
 * (from the shared {@link ConcurrencyLimiter}) and running totals; and the last requests, newest
 * first. The totals and the recent requests are gathered from every router instance over the bus
 * ({@link ActivityBus}) only when asked. Mount after the admin routes: their access rule guards
 * {@code /admin/*}.
 */
public final class ActivityRoutes implements RouteMount {

  static final long PERIOD_MS = 1000;
  /** A router instance that does not report within this is left out of that snapshot. */
  static final long GATHER_MS = 500;
  static final int RECENT = 100;

  private final ConcurrencyLimiter limiter;
  private Vertx vertx;
  private LiveCatalog catalog;
  private int instances;

  public ActivityRoutes(ConcurrencyLimiter limiter) {
    this.limiter = limiter;
  }

  @Override
  public Future<Void> mount(Vertx vertx, Router router) {
    this.vertx = vertx;
    this.instances = Math.max(1, Vertx.currentContext().getInstanceCount());
    return LiveCatalog.follow(vertx).map(live -> {
      catalog = live;
      router.get("/admin/activity").handler(ctx -> snapshot().onSuccess(ctx::json).onFailure(ctx::fail));
      router.get("/admin/activity/events").handler(this::events);
      return null;
    });
  }

  private void events(RoutingContext ctx) {
    boolean[] busy = {false};
    long[] timer = {-1};
    EventStream stream = new EventStream(vertx, ctx, () -> vertx.cancelTimer(timer[0]));
    Runnable tick = () -> {
      if (busy[0]) {
        return;
      }
      busy[0] = true;
      snapshot().onComplete(ar -> {
        busy[0] = false;
        if (ar.succeeded()) {
          stream.offer("activity", ar.result());
        }
      });
    };
    timer[0] = vertx.setPeriodic(PERIOD_MS, t -> tick.run());
    tick.run();
  }

  /** {@code {"time_ms", "models": [...], "recent": [...]}}. */
  Future<JsonObject> snapshot() {
    return gather().map(reports -> {
      Map<String, JsonObject> models = new LinkedHashMap<>();
      for (Backend b : catalog.get().all()) {
        models.put(b.ref(), row(b.ref(), b.id()));
      }
      List<JsonObject> recent = new ArrayList<>();
      for (JsonObject report : reports) {
        report.getJsonObject("models").forEach(e -> {
          JsonObject totals = (JsonObject) e.getValue();
          JsonObject row = models.computeIfAbsent(e.getKey(), ref -> row(ref, totals.getString("model")));
          add(row, totals);
        });
        report.getJsonArray("recent").forEach(r -> recent.add((JsonObject) r));
      }
      recent.sort(Comparator.comparingLong((JsonObject r) -> r.getLong("end_ms")).reversed());
      return new JsonObject().put("time_ms", System.currentTimeMillis())
          .put("models", new JsonArray(new ArrayList<>(models.values())))
          .put("recent", new JsonArray(new ArrayList<>(recent.subList(0, Math.min(RECENT, recent.size())))));
    });
  }

  private JsonObject row(String ref, String id) {
    ConcurrencyLimiter.Load load = limiter.load(ref);
    return new JsonObject().put("id", id).put("ref", ref).put("in_flight", load.active())
        .put("queued", load.queued()).put("requests", 0L).put("errors", 0L).put("prompt_tokens", 0L)
        .put("completion_tokens", 0L).put("ttfb_ms_sum", 0.0).put("ttfb_count", 0L)
        .put("decode_ms_sum", 0.0).put("decode_tokens", 0L);
  }

  private static void add(JsonObject row, JsonObject totals) {
    for (String key : List.of("requests", "errors", "prompt_tokens", "completion_tokens", "ttfb_count",
        "decode_tokens")) {
      row.put(key, row.getLong(key) + totals.getLong(key, 0L));
    }
    for (String key : List.of("ttfb_ms_sum", "decode_ms_sum")) {
      row.put(key, Math.round((row.getDouble(key) + totals.getDouble(key, 0.0)) * 10) / 10.0);
    }
  }

  /** Every router instance's report, or those that answered within {@link #GATHER_MS}. */
  private Future<List<JsonObject>> gather() {
    String address = ActivityBus.REPLY_PREFIX + UUID.randomUUID();
    List<JsonObject> reports = new ArrayList<>();
    Promise<List<JsonObject>> done = Promise.promise();
    MessageConsumer<JsonObject> replies = vertx.eventBus().localConsumer(address, msg -> {
      reports.add(msg.body());
      if (reports.size() >= msg.body().getInteger("instances", instances)) {
        done.tryComplete(reports);
      }
    });
    long timeout = vertx.setTimer(GATHER_MS, t -> done.tryComplete(reports));
    replies.completion().onSuccess(v ->
        vertx.eventBus().publish(ActivityBus.REPORT, new JsonObject().put("reply_to", address)));
    return done.future().andThen(ar -> {
      vertx.cancelTimer(timeout);
      replies.unregister();
    });
  }
}
