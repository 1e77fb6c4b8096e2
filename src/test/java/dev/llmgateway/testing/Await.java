package dev.llmgateway.testing;

import java.util.function.BooleanSupplier;

/** The condition waits of {@link Async} under their earlier names; new tests call {@link Async}. */
public final class Await {

  private Await() {
  }

  /** {@link Async#until(BooleanSupplier)}. */
  public static void until(BooleanSupplier condition) throws InterruptedException {
    Async.until(condition);
  }

  /** {@link Async#quietly(Check)}: a value to test in a condition, or null when getting it failed. */
  public static <T> T quietly(Check<T> check) {
    return Async.quietly(check);
  }

  /** A step that may throw. */
  public interface Check<T> extends Async.Check<T> {
  }
}
