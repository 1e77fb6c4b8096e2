package dev.llmgateway.ollama;

import dev.llmgateway.config.GatewayConfig;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Predicate;

/** Waits for the config watcher to publish a config that passes a test (used from one thread). */
final class ConfigWaiters {

  private record Waiter(Predicate<GatewayConfig> test, Promise<Boolean> done) {
  }

  private final List<Waiter> waiting = new ArrayList<>();

  /**
   * True once a published config passes (at once if {@code current} does); false after the timeout,
   * or as soon as a newer wait starts: a later write has replaced what the earlier one waited for.
   */
  Future<Boolean> await(Vertx vertx, Predicate<GatewayConfig> test, long timeoutMs, GatewayConfig current) {
    List.copyOf(waiting).forEach(w -> w.done().tryComplete(false));
    waiting.clear();
    if (test.test(current)) {
      return Future.succeededFuture(true);
    }
    Waiter w = new Waiter(test, Promise.promise());
    waiting.add(w);
    long timer = vertx.setTimer(timeoutMs, t -> {
      waiting.remove(w);
      w.done().tryComplete(false);
    });
    return w.done().future().onComplete(ar -> vertx.cancelTimer(timer));
  }

  void changed(GatewayConfig config) {
    waiting.removeIf(w -> w.test().test(config) && w.done().tryComplete(true));
  }
}
