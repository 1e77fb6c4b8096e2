package dev.llmgateway.testing;

import io.vertx.core.Context;
import io.vertx.core.Future;
import java.time.Duration;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.BooleanSupplier;

/**
 * The one way tests wait: for a Vert.x future ({@link #await}) or, when there is no event to wait
 * on, for a condition polled from the test's thread ({@link #until}). Both give up after
 * {@link #TIMEOUT} unless told otherwise, with an {@link AssertionError} that names what was awaited.
 * They block, so they are called from the test's thread, never from an event loop; a request chain
 * awaited here is built inside the request's callback or on a context ({@link TestHttp#onLoop}).
 */
public final class Async {

  /** How long a wait lasts unless a call says otherwise. */
  public static final Duration TIMEOUT = Duration.ofSeconds(20);

  private static final long POLL_MS = 20;
  private static final ScheduledExecutorService TICKS = Executors.newSingleThreadScheduledExecutor(r -> {
    Thread t = new Thread(r, "test-async-ticks");
    t.setDaemon(true);
    return t;
  });

  private Async() {
  }

  /**
   * The future's result, within {@link #TIMEOUT}. A failed future throws its own failure (so {@code
   * assertThrows} sees the real type), with a note of where it was awaited attached as suppressed.
   */
  public static <T> T await(Future<T> future) {
    return await(null, future, TIMEOUT);
  }

  /** Like {@link #await(Future)}; {@code what} names the wait in failures. */
  public static <T> T await(String what, Future<T> future) {
    return await(what, future, TIMEOUT);
  }

  /** Like {@link #await(String, Future)}, for the few waits that need longer than {@link #TIMEOUT}. */
  public static <T> T await(String what, Future<T> future, Duration timeout) {
    if (Context.isOnEventLoopThread()) {
      throw new IllegalStateException("Async.await blocks: call it from the test's thread, not an event loop ("
          + describe(what) + ")");
    }
    try {
      return future.await(timeout.toMillis(), TimeUnit.MILLISECONDS);
    } catch (TimeoutException e) {
      throw new AssertionError(describe(what) + ": not completed within " + seconds(timeout));
    } catch (RuntimeException | Error e) {
      e.addSuppressed(new AssertionError("failed while awaiting " + describe(what)));
      throw e;
    } catch (Exception e) { // a checked failure, thrown as it is (Future.await does the same)
      e.addSuppressed(new AssertionError("failed while awaiting " + describe(what)));
      throw Async.<RuntimeException>sneaky(e);
    }
  }

  /** Polls the condition from the calling thread until it holds, for up to {@link #TIMEOUT}. */
  public static void until(BooleanSupplier condition) {
    until(null, condition);
  }

  /** Like {@link #until(BooleanSupplier)}; {@code what} names the condition in failures. */
  public static void until(String what, BooleanSupplier condition) {
    until(what, condition, TIMEOUT);
  }

  /**
   * Like {@link #until(String, BooleanSupplier)}, for the few conditions that need longer than
   * {@link #TIMEOUT} (a real llama-server loading on a busy machine).
   */
  public static void until(String what, BooleanSupplier condition, Duration timeout) {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (!condition.getAsBoolean()) {
      if (System.nanoTime() - deadline > 0) {
        throw new AssertionError((what == null ? "condition " + caller() : what) + ": not met within "
            + seconds(timeout));
      }
      try {
        TICKS.schedule(() -> { }, POLL_MS, TimeUnit.MILLISECONDS).get();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new AssertionError("interrupted while waiting for " + (what == null ? "a condition" : what), e);
      } catch (java.util.concurrent.ExecutionException e) {
        throw new IllegalStateException(e);
      }
    }
  }

  /** A value to test in a condition, or null when getting it failed (not ready yet). */
  public static <T> T quietly(Check<T> check) {
    try {
      return check.get();
    } catch (Exception | AssertionError e) {
      return null;
    }
  }

  /** A step that may throw. */
  public interface Check<T> {
    T get() throws Exception;
  }

  private static String describe(String what) {
    return what != null ? what : "the future awaited " + caller();
  }

  /** "at File.java:line" of the test code that called in here. */
  private static String caller() {
    return StackWalker.getInstance().walk(frames -> frames
        .filter(f -> !f.getClassName().equals(Async.class.getName())
            && !f.getClassName().equals(Await.class.getName()))
        .findFirst().map(f -> "at " + f.getFileName() + ":" + f.getLineNumber()).orElse("(unknown caller)"));
  }

  private static String seconds(Duration d) {
    return d.toMillis() % 1000 == 0 ? d.toSeconds() + " s" : d.toMillis() + " ms";
  }

  @SuppressWarnings("unchecked")
  private static <E extends Throwable> E sneaky(Throwable e) throws E {
    throw (E) e;
  }
}
