package dev.llmgateway.routing;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.llmgateway.testing.Async;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.junit5.VertxExtension;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** Slots, the FIFO queue, and a limit that grows once a server has said how many it takes. */
@ExtendWith(VertxExtension.class)
class ConcurrencyLimiterTest {

  @Test
  void aWiderLimitLetsTheWaitersItMakesRoomForInInOrder(Vertx vertx) throws Exception {
    ConcurrencyLimiter limiter = new ConcurrencyLimiter(vertx);
    List<Future<ConcurrencyLimiter.Permit>> permits = new ArrayList<>();
    for (int i = 0; i < 5; i++) {
      permits.add(limiter.acquire("m", 1, 10, 60_000).permit());
    }
    assertTrue(permits.get(0).succeeded());
    assertEquals(4, limiter.queued("m"));

    limiter.widen("m", 3); // the first holds one slot: two more go in, the first two waiting
    Async.until("two waiters let in", () -> permits.get(1).succeeded() && permits.get(2).succeeded());
    assertFalse(permits.get(3).isComplete());
    assertEquals(2, limiter.queued("m"));

    limiter.widen("m", 2); // narrower than what is in: nobody is let in, nobody is thrown out
    assertEquals(2, limiter.queued("m"));
    permits.get(0).result().release(); // a slot passes to the head of the queue
    Async.until("the next in line let in", () -> permits.get(3).succeeded());
    assertFalse(permits.get(4).isComplete());
    limiter.widen("unknown", 4); // a model nobody asked for yet: nothing to do
  }
}
