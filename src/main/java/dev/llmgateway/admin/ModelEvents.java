package dev.llmgateway.admin;

import dev.llmgateway.bus.ConfigBus;
import dev.llmgateway.bus.ProcessBus;
import dev.llmgateway.api.EventStream;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.MessageConsumer;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;

/**
 * {@code GET /admin/models/events}: the {@code GET /admin/models} list as server-sent events
 * ({@code event: models}), first at once, then whenever it changes. A process state change
 * ({@code llm.process.status}) or a new config ({@code llm.config.changed}) triggers a fresh
 * snapshot after a short pause (which coalesces bursts and lets this router instance swap its config
 * first); servers the gateway does not run publish nothing, so they are probed again every few
 * seconds. A snapshot equal to the last one sent is not sent again.
 *
 * <p>The same stream carries the state of {@code llm.yml} ({@code event: config}, the body of
 * {@code GET /admin/config} without the config itself): at once, then whenever an edit is refused or
 * the file is valid again, so the page can say which file, line and key are wrong while the last
 * good config stays in use.
 */
final class ModelEvents {

  /** Lets the router instance apply a new config before the snapshot reads it, and merges bursts. */
  static final long SETTLE_MS = 150;
  /** How often Ollama and LiteLLM servers the gateway does not run are probed again. */
  static final long PROBE_MS = 5_000;

  private final Vertx vertx;
  private final ModelStates states;

  ModelEvents(Vertx vertx, ModelStates states) {
    this.vertx = vertx;
    this.states = states;
  }

  void handle(RoutingContext ctx) {
    new Feed(ctx).open();
  }

  /** One client's feed. Lives on the event loop of the request, so its fields need no locking. */
  private final class Feed {
    private final RoutingContext ctx;
    private MessageConsumer<JsonObject> status;
    private MessageConsumer<JsonObject> config;
    private MessageConsumer<JsonObject> configStatus;
    private EventStream stream;
    private long periodic = -1;
    private boolean scheduled;
    private boolean busy;
    private boolean again;
    private boolean closed;
    private String last;
    /** The last config status; sent once the first models list went out (that comes first). */
    private JsonObject configStatusSeen;

    Feed(RoutingContext ctx) {
      this.ctx = ctx;
    }

    void open() {
      status = vertx.eventBus().consumer(ProcessBus.STATUS, msg -> schedule());
      config = vertx.eventBus().consumer(ConfigBus.CHANGED, msg -> schedule());
      stream = new EventStream(vertx, ctx, this::close);
      configStatus = vertx.eventBus().consumer(ConfigBus.STATUS_CHANGED, msg -> config(msg.body()));
      vertx.eventBus().<JsonObject>request(ConfigBus.STATUS, null).onSuccess(reply -> {
        if (configStatusSeen == null) { // else a newer one came meanwhile
          JsonObject status = reply.body().copy();
          status.remove("config");
          config(status);
        }
      });
      periodic = vertx.setPeriodic(PROBE_MS, t -> refresh());
      refresh();
    }

    private void schedule() {
      if (!scheduled && !closed) {
        scheduled = true;
        vertx.setTimer(SETTLE_MS, t -> {
          scheduled = false;
          refresh();
        });
      }
    }

    private void refresh() {
      if (closed) {
        return;
      }
      if (busy) { // one snapshot at a time; take another one right after
        again = true;
        return;
      }
      busy = true;
      states.snapshot().onComplete(ar -> {
        busy = false;
        if (ar.succeeded()) {
          String encoded = ar.result().encode();
          if (!encoded.equals(last)) {
            boolean first = last == null;
            last = encoded;
            stream.send("models", ar.result());
            if (first && configStatusSeen != null) {
              stream.send("config", configStatusSeen);
            }
          }
        }
        if (again) {
          again = false;
          refresh();
        }
      });
    }

    private void config(JsonObject status) {
      configStatusSeen = status;
      if (last != null) {
        stream.send("config", status);
      }
    }

    private void close() {
      closed = true;
      status.unregister();
      config.unregister();
      configStatus.unregister();
      vertx.cancelTimer(periodic);
    }
  }
}
