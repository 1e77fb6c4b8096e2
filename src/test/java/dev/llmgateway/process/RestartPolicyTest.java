package dev.llmgateway.process;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/** The restart policy on a clock the test moves by hand. */
class RestartPolicyTest {

  /** 100 ms backoff up to 1 s; failed at the 5th crash within a minute. */
  private static final Supervisor.Limits LIMITS = new Supervisor.Limits(100, 1000, 5, 60_000, 3000);

  private long now = 1_000_000;
  private final RestartPolicy policy = new RestartPolicy(LIMITS, () -> now);

  @Test
  void doublesTheBackoffWithEachCrashInTheWindow() {
    assertEquals(100, policy.crashed().delayMs());
    now += 10;
    assertEquals(200, policy.crashed().delayMs());
    now += 10;
    RestartPolicy.Decision third = policy.crashed();
    assertEquals(400, third.delayMs());
    assertEquals(3, third.crashesInWindow());
    assertFalse(third.giveUp());
  }

  @Test
  void capsTheBackoffAtItsMaximum() {
    RestartPolicy roomy = new RestartPolicy(new Supervisor.Limits(100, 1000, 100, 60_000, 3000), () -> now);
    long last = 0;
    for (int i = 0; i < 10; i++) {
      last = roomy.crashed().delayMs();
    }
    assertEquals(1000, last);
  }

  @Test
  void stopsDoublingBeforeTheShiftOverflows() {
    RestartPolicy unbounded = new RestartPolicy(new Supervisor.Limits(1, Long.MAX_VALUE, 1000, 60_000, 3000),
        () -> now);
    long last = 0;
    for (int i = 0; i < 70; i++) {
      last = unbounded.crashed().delayMs();
    }
    assertEquals(1L << 20, last);
  }

  @Test
  void givesUpAtMaxRestartsCrashesWithinTheWindow() {
    for (int i = 0; i < 4; i++) {
      assertFalse(policy.crashed().giveUp(), "crash " + (i + 1));
      now += 1000;
    }
    RestartPolicy.Decision fifth = policy.crashed();
    assertTrue(fifth.giveUp());
    assertEquals(5, fifth.crashesInWindow());
  }

  @Test
  void forgetsCrashesOlderThanTheWindow() {
    for (int i = 0; i < 4; i++) {
      policy.crashed();
    }
    now += 60_001;
    RestartPolicy.Decision later = policy.crashed();
    assertFalse(later.giveUp());
    assertEquals(1, later.crashesInWindow());
    assertEquals(100, later.delayMs(), "back to the first backoff");
  }

  @Test
  void countsACrashExactlyOneWindowOldAsInsideIt() {
    policy.crashed();
    now += 60_000;
    assertEquals(2, policy.crashed().crashesInWindow());
  }

  @Test
  void startsAFreshSetOfAttemptsAfterReset() {
    for (int i = 0; i < 4; i++) {
      policy.crashed();
    }
    policy.reset();
    RestartPolicy.Decision next = policy.crashed();
    assertFalse(next.giveUp());
    assertEquals(1, next.crashesInWindow());
    assertEquals(100, next.delayMs());
  }
}
