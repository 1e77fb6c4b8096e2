package dev.llmgateway.testing;

import java.util.function.BooleanSupplier;

/** Polls a condition from the test thread, for effects with no event to wait on. */
public final class Await {

  private Await() {
  }

  public static void until(BooleanSupplier condition) throws InterruptedException {
    long deadline = System.currentTimeMillis() + 10_000;
    while (!condition.getAsBoolean()) {
      if (System.currentTimeMillis() > deadline) {
        throw new AssertionError("condition not met within 10 s");
      }
      Thread.sleep(20);
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
}
