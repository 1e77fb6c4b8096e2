package dev.llmgateway.routing;

import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import java.util.ArrayDeque;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * At most {@code limit} requests per model at once; the rest wait in a FIFO queue of bounded length
 * and wait time. One limiter serves every router instance (a limit of 1 must hold across event
 * loops), so it is thread-safe; critical sections are a few instructions, and a waiter is resumed on
 * its own event loop.
 */
public final class ConcurrencyLimiter {

  /** A granted slot: give it back exactly once. */
  public interface Permit {
    Permit NONE = () -> { };

    void release();
  }

  /** Why a request could not get a slot. */
  public static final class Rejected extends RuntimeException {
    private final boolean queueFull;
    private final long retryAfterSeconds;

    Rejected(String message, boolean queueFull, long retryAfterSeconds) {
      super(message, null, false, false);
      this.queueFull = queueFull;
      this.retryAfterSeconds = retryAfterSeconds;
    }

    public boolean queueFull() {
      return queueFull;
    }

    public long retryAfterSeconds() {
      return retryAfterSeconds;
    }
  }

  /** A place in a queue, or an immediate grant. */
  public static final class Ticket {
    private final Future<Permit> permit;
    private final Runnable cancel;
    private final long queuedAtNanos;

    Ticket(Future<Permit> permit, Runnable cancel, long queuedAtNanos) {
      this.permit = permit;
      this.cancel = cancel;
      this.queuedAtNanos = queuedAtNanos;
    }

    public Future<Permit> permit() {
      return permit;
    }

    /** The client left: leave the queue (or give the slot back if it was granted meanwhile). */
    public void cancel() {
      cancel.run();
    }

    /** When the request joined the queue (0 when it never waited). */
    public long queuedAtNanos() {
      return queuedAtNanos;
    }
  }

  private final Vertx vertx;
  private final Map<String, Slots> slots = new ConcurrentHashMap<>();

  public ConcurrencyLimiter(Vertx vertx) {
    this.vertx = vertx;
  }

  /** How many requests are waiting for this key now. */
  public int queued(String key) {
    Slots s = slots.get(key);
    return s == null ? 0 : s.queuedCount();
  }

  /** Requests holding a slot of this key now, and requests waiting for one. */
  public record Load(int active, int queued) {
  }

  public Load load(String key) {
    Slots s = slots.get(key);
    return s == null ? new Load(0, 0) : s.load();
  }

  public Ticket acquire(String key, int limit, int maxQueue, long maxWaitMs) {
    return slots.computeIfAbsent(key, k -> new Slots()).acquire(key, limit, maxQueue, maxWaitMs);
  }

  /**
   * The limit of {@code key} is now {@code limit} (a server said it takes that many at once): the
   * waiters it leaves room for go in now, in order, instead of one per request that ends.
   */
  public void widen(String key, int limit) {
    Slots s = slots.get(key);
    if (s != null) {
      s.widen(limit);
    }
  }

  private final class Slots {
    private final ArrayDeque<Waiter> queue = new ArrayDeque<>();
    private int active;
    /** Average time a request holds a slot, for Retry-After. */
    private double averageHoldMs = 1000;

    synchronized int queuedCount() {
      return queue.size();
    }

    synchronized Load load() {
      return new Load(active, queue.size());
    }

    Ticket acquire(String key, int limit, int maxQueue, long maxWaitMs) {
      Waiter waiter;
      synchronized (this) {
        if (active < limit && queue.isEmpty()) {
          active++;
          return new Ticket(Future.succeededFuture(permit()), () -> { }, 0);
        }
        if (queue.size() >= maxQueue) {
          return new Ticket(Future.failedFuture(new Rejected("model " + key + " is busy: " + active
              + " requests are running and " + queue.size() + " waiting (the most allowed); try again "
              + "shortly", true, retryAfter(limit))), () -> { }, 0);
        }
        waiter = new Waiter(Vertx.currentContext(), Promise.promise());
        queue.addLast(waiter);
      }
      waiter.timer = vertx.setTimer(Math.max(1, maxWaitMs), t -> {
        boolean removed;
        synchronized (this) {
          removed = queue.remove(waiter);
        }
        if (removed) {
          waiter.complete(null, new Rejected("model " + key + " is busy: waited " + maxWaitMs / 1000
              + " s for a free slot (gateway.queue_timeout_seconds)", false, retryAfter(limit)));
        }
      });
      return new Ticket(waiter.promise.future(), () -> cancel(waiter), System.nanoTime());
    }

    void widen(int limit) {
      java.util.List<Waiter> admitted = new java.util.ArrayList<>();
      synchronized (this) {
        while (active < limit && !queue.isEmpty()) {
          admitted.add(queue.pollFirst());
          active++;
        }
      }
      for (Waiter w : admitted) {
        vertx.cancelTimer(w.timer);
        w.complete(permit(), null); // a cancelled waiter gives the slot straight back
      }
    }

    private void cancel(Waiter waiter) {
      boolean removed;
      synchronized (this) {
        waiter.cancelled = true;
        removed = queue.remove(waiter);
      }
      if (removed) {
        vertx.cancelTimer(waiter.timer);
      } else if (waiter.promise.future().succeeded()) {
        waiter.promise.future().result().release();
      }
    }

    private Permit permit() {
      long granted = System.nanoTime();
      return new Permit() {
        private boolean released;

        @Override
        public void release() {
          if (released) {
            return;
          }
          released = true;
          Waiter next;
          synchronized (Slots.this) {
            averageHoldMs = averageHoldMs * 0.9 + (System.nanoTime() - granted) / 1e6 * 0.1;
            next = queue.pollFirst();
            if (next == null) {
              active--;
            }
          }
          if (next != null) { // the slot passes straight to the head of the queue
            vertx.cancelTimer(next.timer);
            next.complete(permit(), null);
          }
        }
      };
    }

    private synchronized long retryAfter(int limit) {
      double seconds = averageHoldMs * (queue.size() + 1) / Math.max(1, limit) / 1000;
      return Math.max(1, Math.min(60, (long) Math.ceil(seconds)));
    }
  }

  /** A request waiting for a slot, resumed on the event loop it came from. */
  private static final class Waiter {
    private final Context context;
    private final Promise<Permit> promise;
    private long timer;
    /** Set under the queue's lock; a slot handed to a cancelled waiter goes straight back. */
    private volatile boolean cancelled;

    Waiter(Context context, Promise<Permit> promise) {
      this.context = context;
      this.promise = promise;
    }

    void complete(Permit permit, Throwable failure) {
      Runnable done = () -> {
        if (failure != null) {
          promise.tryFail(failure);
        } else if (cancelled || !promise.tryComplete(permit)) {
          permit.release();
        }
      };
      if (context == null) {
        done.run();
      } else {
        context.runOnContext(v -> done.run());
      }
    }
  }
}
