package dev.llmgateway.process;

import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpClient;
import io.vertx.core.json.JsonObject;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One child's life: stopped → starting → running (or external) → stopping, with restarts after
 * crashes and idle stop. Every request that needs the child shares one start. This class drives the
 * process (probe the port, spawn, poll health, signal, handle the exit); where the child is and who
 * waits for it is {@link ProcessStateMachine}, whether a crash is restarted is {@link RestartPolicy},
 * and a server it did not start is watched by {@link ExternalServerWatch}. Runs on the process
 * verticle's event loop only; each attempt has a generation number so callbacks of an earlier one
 * are ignored.
 */
final class Supervisor implements Schedulable {

  private static final Logger LOG = LoggerFactory.getLogger(Supervisor.class);
  /** How often a port that takes connections but stays silent is asked before it is given up on. */
  private static final int SILENT_PROBES = 5;
  private static final long HEALTH_POLL_MS = 25;

  /** What a supervisor needs from its verticle. */
  interface Host {
    Future<ChildProcess> launch(ChildSpec spec, Consumer<String> onLine);

    void forget(ChildProcess child);

    void changed(Supervisor supervisor);

    void restarting(Supervisor supervisor);

    void logLine(Supervisor supervisor, JsonObject line);
  }

  private final Vertx vertx;
  private final Context context;
  private final HttpClient probeClient;
  private final Host host;
  private final Limits limits;
  private final LogBuffer logs = new LogBuffer();
  private final RestartPolicy restartPolicy;
  private final ProcessStateMachine states = new ProcessStateMachine(this::changed);

  private ChildSpec spec;
  private ChildProcess child;
  private Promise<Void> stopped;
  private boolean stopRequested;
  private boolean startAfterStop;
  private long timerId = -1;
  private ExternalServerWatch externalWatch;
  private long startedAt;
  private int restarts;
  private Integer lastExitCode;
  private int inFlight;
  private int serverSlots;
  private long lastActivity = System.currentTimeMillis();

  /** The restart policy and the stop grace period, from the gateway settings. */
  record Limits(long backoffMs, long backoffMaxMs, int maxRestarts, long windowMs, long stopGraceMs) {
  }

  Supervisor(Vertx vertx, Context context, HttpClient probeClient, Host host, Limits limits, ChildSpec spec) {
    this.vertx = vertx;
    this.context = context;
    this.probeClient = probeClient;
    this.host = host;
    this.limits = limits;
    this.restartPolicy = new RestartPolicy(limits, System::currentTimeMillis);
    this.spec = spec;
  }

  @Override
  public String id() {
    return spec.id();
  }

  @Override
  public long startupTimeoutMs() {
    return spec.startupTimeoutMs();
  }

  @Override
  public int inFlight() {
    return inFlight;
  }

  @Override
  public int serverSlots() {
    return serverSlots;
  }

  ChildSpec spec() {
    return spec;
  }

  @Override
  public ProcessState state() {
    return states.state();
  }

  LogBuffer logs() {
    return logs;
  }

  /** Completes when the child can take requests; starts it if needed. */
  @Override
  public Future<Void> ensure() {
    switch (states.state()) {
      case RUNNING, EXTERNAL:
        return Future.succeededFuture();
      case FAILED:
        return Future.failedFuture(new IllegalStateException(states.message()
            + "; POST /admin/processes/" + spec.id() + "/start to try again"));
      case STOPPED:
        begin();
        return states.whenReady();
      case STOPPING:
        startAfterStop = true;
        return states.whenReady();
      default:
        return states.whenReady();
    }
  }

  /**
   * A request found the port closed although the child counted as serving: it has most likely just
   * died and its exit is not processed yet. Wait for the next state change (briefly), then for the
   * child as usual — so the request is served by the restarted server instead of failing.
   */
  Future<Void> ensureAfterRefusal() {
    if (states.state() == ProcessState.EXTERNAL) {
      states.newGeneration();
      states.moveTo(ProcessState.STOPPED, "the external server on " + spec.authority() + " refused a connection");
      return ensure();
    }
    if (states.state() == ProcessState.RUNNING) {
      return states.nextChange().timeout(2, java.util.concurrent.TimeUnit.SECONDS)
          .transform(ar -> ensure());
    }
    return ensure();
  }

  @Override
  public void acquire() {
    inFlight++;
    lastActivity = System.currentTimeMillis();
  }

  @Override
  public void release() {
    inFlight = Math.max(0, inFlight - 1);
    lastActivity = System.currentTimeMillis();
  }

  /** Admin "start": a failed child gets a fresh set of attempts. */
  Future<Void> start() {
    if (states.state() == ProcessState.FAILED) {
      restartPolicy.reset();
      states.moveTo(ProcessState.STOPPED, null);
    }
    return ensure();
  }

  Future<Void> restart() {
    restartPolicy.reset();
    if (states.state() == ProcessState.FAILED || states.state() == ProcessState.EXTERNAL) {
      states.moveTo(ProcessState.STOPPED, null);
    }
    return stop("restart requested").compose(v -> ensure());
  }

  /** SIGTERM, then SIGKILL after the grace period. Idempotent. */
  @Override
  public Future<Void> stop(String reason) {
    cancelTimer();
    startAfterStop = false;
    switch (states.state()) {
      case STARTING, RUNNING:
        if (child == null) { // still probing the port, or spawning: nothing to signal yet
          states.newGeneration();
          states.failWaiters("stopped before it was ready (" + reason + ")");
          states.moveTo(ProcessState.STOPPED, reason);
          return Future.succeededFuture();
        }
        LOG.info("stopping {} (pid {}): {}", spec.id(), child.pid(), reason);
        states.failWaiters("stopped before it was ready (" + reason + ")");
        stopRequested = true;
        stopped = Promise.promise();
        states.moveTo(ProcessState.STOPPING, reason);
        ChildProcess dying = child;
        int gen = states.generation();
        signal(dying::terminate);
        timerId = vertx.setTimer(Math.max(1, limits.stopGraceMs()), t -> {
          if (states.isCurrent(gen) && child == dying) {
            LOG.warn("{} (pid {}) did not exit within {} ms of SIGTERM; killing it", spec.id(),
                dying.pid(), limits.stopGraceMs());
            signal(dying::kill);
          }
        });
        return stopped.future();
      case STOPPING:
        return stopped.future();
      case BACKOFF, EXTERNAL, FAILED:
        states.newGeneration();
        states.moveTo(ProcessState.STOPPED, reason);
        return Future.succeededFuture();
      default:
        return Future.succeededFuture();
    }
  }

  /** A new config: restart when the process would differ; start when it gained a role. */
  void update(ChildSpec next) {
    boolean changed = !spec.sameProcess(next);
    spec = next;
    if (changed) {
      restartPolicy.reset();
      switch (states.state()) {
        case STARTING, RUNNING, BACKOFF -> {
          LOG.info("{} changed in the config: restarting it", next.id());
          stop("config changed").onComplete(v -> ensure());
          return;
        }
        case FAILED, EXTERNAL -> states.moveTo(ProcessState.STOPPED, null);
        default -> {
        }
      }
    }
    if (states.state() == ProcessState.STOPPED && next.bootStart()) {
      begin();
    }
  }

  /** Called every second: stops a child idle for longer than its ttl. */
  void checkIdle(long now) {
    if (spec.ttlMs() > 0 && states.state() == ProcessState.RUNNING && inFlight == 0
        && now - lastActivity >= spec.ttlMs()) {
      stop("idle for " + spec.ttlMs() / 1000 + " s (ttl)");
    }
  }

  // --- starting ---------------------------------------------------------------------------

  void begin() {
    cancelTimer();
    states.waitForNextAttempt();
    int gen = states.newGeneration();
    states.moveTo(ProcessState.STARTING, null);
    probeBeforeStart(gen, SILENT_PROBES);
  }

  /** Who is on the port decides: use it, wait for it, refuse, or start ours. */
  private void probeBeforeStart(int gen, int triesLeft) {
    PortProbe.probe(probeClient, spec).onComplete(ar -> {
      if (!states.isCurrent(gen)) {
        return;
      }
      switch (ar.result()) {
        case READY -> learnSlots().onComplete(v -> {
          if (states.isCurrent(gen) && states.state() == ProcessState.STARTING) {
            becomeExternal();
          }
        });
        case LOADING -> pollHealth(gen, true);
        case OTHER -> fail("port " + spec.port() + " on " + spec.host() + " is in use by another "
            + "program; stop it or give " + spec.id() + " another port");
        // A server that is busy (or a machine that is) may answer late: ask again before judging.
        case SILENT -> {
          if (triesLeft > 1) {
            probeBeforeStart(gen, triesLeft - 1);
          } else {
            fail("port " + spec.port() + " on " + spec.host() + " takes connections but did not answer "
                + spec.kind().healthPath() + " in " + SILENT_PROBES + " tries; stop the program there or "
                + "give " + spec.id() + " another port");
          }
        }
        case FREE -> {
          if (!spec.local()) {
            states.moveTo(ProcessState.EXTERNAL, spec.host() + " is not this machine: the server there is "
                + "used as it is, nothing is started");
            states.ready();
          } else {
            spawn(gen);
          }
        }
      }
    });
  }

  private void spawn(int gen) {
    host.launch(spec, this::onLine).onComplete(ar -> {
      if (!states.isCurrent(gen)) {
        if (ar.succeeded()) {
          ChildProcess late = ar.result();
          signal(late::kill);
          host.forget(late);
        }
        return;
      }
      if (ar.failed()) {
        fail(ar.cause().getMessage());
        return;
      }
      child = ar.result();
      startedAt = System.currentTimeMillis();
      LOG.info("started {} (pid {}): {}", spec.id(), child.pid(), spec.commandLine());
      ChildProcess started = child;
      started.onExit().whenComplete((code, err) -> context.runOnContext(v ->
          onExit(gen, started, code == null ? -1 : code)));
      pollHealth(gen, false);
    });
  }

  /** Polls until the server says ready; requests are released within one poll of that. */
  private void pollHealth(int gen, boolean external) {
    PortProbe.probe(probeClient, spec).onComplete(ar -> {
      if (!states.isCurrent(gen) || states.state() != ProcessState.STARTING) {
        return;
      }
      if (ar.result() == PortProbe.Result.READY) {
        // Its slots first: the requests let through at "ready" are told how many may go at once.
        learnSlots().onComplete(v -> {
          if (!states.isCurrent(gen) || states.state() != ProcessState.STARTING) {
            return;
          }
          if (external) {
            becomeExternal();
          } else {
            lastActivity = System.currentTimeMillis();
            LOG.info("{} is ready on {} after {} ms{}", spec.id(), spec.authority(),
                System.currentTimeMillis() - startedAt, serverSlots > 0 ? ", " + serverSlots + " slot(s)" : "");
            states.moveTo(ProcessState.RUNNING, null);
            states.ready();
          }
        });
      } else {
        timerId = vertx.setTimer(HEALTH_POLL_MS, t -> pollHealth(gen, external));
      }
    });
  }

  private void becomeExternal() {
    states.moveTo(ProcessState.EXTERNAL, "a " + spec.kind().program() + " the gateway did not start "
        + "already serves " + spec.authority() + "; using it");
    states.ready();
    // Stopped when the state leaves external (see changed), which every newer generation does first.
    externalWatch = new ExternalServerWatch(vertx, () -> PortProbe.probe(probeClient, spec),
        ExternalServerWatch.CHECK_MS, ExternalServerWatch.RETRY_MS, () -> {
          states.newGeneration();
          states.moveTo(ProcessState.STOPPED, "the external server on " + spec.authority() + " went away");
        }).start();
  }

  // --- exits and failures -----------------------------------------------------------------

  private void onExit(int gen, ChildProcess exited, int code) {
    host.forget(exited);
    if (!states.isCurrent(gen) || exited != child) {
      return;
    }
    child = null;
    cancelTimer();
    if (stopRequested) {
      stopRequested = false;
      lastExitCode = code;
      states.moveTo(ProcessState.STOPPED, null); // keeps the reason given to stop()
      stopped.tryComplete();
      if (startAfterStop) {
        startAfterStop = false;
        begin();
      }
      return;
    }
    lastExitCode = code;
    boolean whileStarting = states.state() == ProcessState.STARTING;
    String what = spec.kind().program() + " for " + spec.id() + " exited with code " + code
        + (whileStarting ? " while starting" : "") + "; last output: " + logs.tail(5);
    LOG.warn(what);
    RestartPolicy.Decision decision = restartPolicy.crashed();
    if (whileStarting) {
      states.failWaiters(what); // fail the waiting requests at once, with the output that says why
    } else {
      states.waitForNextAttempt(); // requests from now on wait for the restart
    }
    if (decision.giveUp()) {
      fail("crashed " + decision.crashesInWindow() + " times within " + limits.windowMs() / 1000
          + " s; last: " + what);
      return;
    }
    long delay = decision.delayMs();
    states.moveTo(ProcessState.BACKOFF, what + "; restarting in " + delay + " ms");
    int next = states.newGeneration();
    timerId = vertx.setTimer(delay, t -> {
      if (states.isCurrent(next) && states.state() == ProcessState.BACKOFF) {
        restarts++;
        host.restarting(this);
        begin();
      }
    });
  }

  /**
   * Sends a signal on a worker thread: finding what the child started scans every process of the
   * machine (/proc), which must not hold the event loop.
   */
  private void signal(Runnable send) {
    vertx.executeBlocking(() -> {
      send.run();
      return null;
    }, false);
  }

  private void fail(String why) {
    states.newGeneration();
    if (child != null) {
      signal(child::kill);
      host.forget(child);
      child = null;
    }
    LOG.warn("{} failed: {}", spec.id(), why);
    states.moveTo(ProcessState.FAILED, why);
    states.failWaiters(why);
  }

  private void onLine(String line) {
    host.logLine(this, logs.add(line));
  }

  private void cancelTimer() {
    if (timerId >= 0) {
      vertx.cancelTimer(timerId);
      timerId = -1;
    }
  }

  /**
   * How many requests a llama-server takes at once ({@code --parallel}, auto = 4 by default), asked
   * before it is declared ready: the gateway admits that many when no limit is configured. A server
   * without {@code /props} (an old build), or one that does not say, leaves it unknown (one at a
   * time). Always completes, within 2 s.
   */
  private Future<Void> learnSlots() {
    if (spec.kind() != ChildSpec.Kind.LLAMA_SERVER) {
      return Future.succeededFuture();
    }
    return JsonCall.send(probeClient, spec.host(), spec.port(), io.vertx.core.http.HttpMethod.GET, "/props",
            null, 2000)
        .map(body -> {
          try {
            serverSlots = Math.max(0, new JsonObject(body).getInteger("total_slots", 0));
          } catch (RuntimeException unreadable) {
            serverSlots = 0;
          }
          return (Void) null;
        })
        .otherwiseEmpty();
  }

  /** Published on every change; an external server is watched only while the state says so. */
  private void changed() {
    if (states.state() != ProcessState.EXTERNAL && externalWatch != null) {
      externalWatch.stop();
      externalWatch = null;
    }
    host.changed(this);
  }

  JsonObject status() {
    JsonObject out = new JsonObject()
        .put("id", spec.id())
        .put("ref", spec.ref())
        .put("kind", spec.kind().program())
        .put("state", states.state().label())
        .put("host", spec.host())
        .put("port", spec.port())
        .put("pid", child == null ? null : child.pid())
        .put("uptime_ms", states.state() == ProcessState.RUNNING && child != null
            ? System.currentTimeMillis() - startedAt : null)
        .put("restarts", restarts)
        .put("last_exit_code", lastExitCode)
        .put("in_flight", inFlight)
        .put("ttl_ms", spec.ttlMs())
        .put("startup_timeout_ms", spec.startupTimeoutMs())
        .put("command", spec.commandLine());
    String message = states.message();
    return message == null ? out.putNull("message") : out.put("message", message);
  }
}
