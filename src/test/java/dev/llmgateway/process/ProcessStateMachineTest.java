package dev.llmgateway.process;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vertx.core.Future;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The state machine on its own: no process, no port, no event loop. */
class ProcessStateMachineTest {

  /** What each publication saw: the state and message already in place. */
  private final List<String> published = new ArrayList<>();
  private final ProcessStateMachine states =
      new ProcessStateMachine(() -> published.add(this.states.state() + ":" + this.states.message()));

  @Test
  void publishesEachChangeOnceWithTheNewStateInPlace() {
    states.moveTo(ProcessState.STARTING, null);
    states.moveTo(ProcessState.STARTING, null);
    states.moveTo(ProcessState.BACKOFF, "exited with code 3");
    states.moveTo(ProcessState.BACKOFF, "exited with code 3");
    states.moveTo(ProcessState.BACKOFF, "exited with code 4");
    assertEquals(List.of("STARTING:null", "BACKOFF:exited with code 3", "BACKOFF:exited with code 4"), published);
  }

  @Test
  void wakesWhoWaitsForTheNextChangeOnlyWhenSomethingChanged() {
    states.moveTo(ProcessState.RUNNING, null);
    Future<Void> next = states.nextChange();
    states.moveTo(ProcessState.RUNNING, null);
    assertFalse(next.isComplete(), "running again is no change");
    states.moveTo(ProcessState.BACKOFF, "crashed");
    assertTrue(next.succeeded());
    assertFalse(states.nextChange().isComplete(), "a later wait waits for the change after that one");
  }

  @Test
  void keepsTheLastReasonUntilTheChildStartsAgain() {
    states.moveTo(ProcessState.FAILED, "crashed 3 times within 60 s");
    states.moveTo(ProcessState.STOPPED, null);
    assertEquals("crashed 3 times within 60 s", states.message(), "a reset failed child still says why");
    states.moveTo(ProcessState.STARTING, null);
    assertNull(states.message());
    states.moveTo(ProcessState.RUNNING, null);
    assertNull(states.message());
  }

  @Test
  void releasesEveryWaiterWhenReady() {
    Future<Void> first = states.whenReady();
    Future<Void> second = states.whenReady();
    states.ready();
    assertTrue(first.succeeded() && second.succeeded());
    assertTrue(states.whenReady().succeeded(), "a ready child needs no wait");
  }

  @Test
  void failsWaitersWithTheReasonAndLetsLaterRequestsWaitForTheNextAttempt() {
    Future<Void> waiting = states.whenReady();
    states.failWaiters("model file not found");
    assertTrue(waiting.failed());
    assertEquals("model file not found", waiting.cause().getMessage());
    assertFalse(states.whenReady().isComplete());
  }

  @Test
  void makesNewRequestsWaitForTheRestartOfAChildThatWasReady() {
    states.ready();
    states.waitForNextAttempt();
    Future<Void> afterCrash = states.whenReady();
    assertFalse(afterCrash.isComplete());
    states.waitForNextAttempt();
    states.ready();
    assertTrue(afterCrash.succeeded(), "requests already waiting keep waiting for the same attempt");
  }

  @Test
  void tellsACallbackOfAnEarlierAttemptThatItIsStale() {
    int first = states.newGeneration();
    assertTrue(states.isCurrent(first));
    int second = states.newGeneration();
    assertFalse(states.isCurrent(first));
    assertTrue(states.isCurrent(second));
    assertEquals(second, states.generation());
  }
}
