package dev.llmgateway.routing;

import dev.llmgateway.metrics.GatewayMetrics;
import dev.llmgateway.model.Backend;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.core.net.NetClient;
import io.vertx.core.net.NetClientOptions;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The servers of every pooled entry ({@code endpoints:}): which one takes the next request (fewest in
 * flight per unit of weight; among equals, fewest served per unit of weight, so a quiet pool still
 * alternates in the weights' proportions), which are marked down, and the probe that brings a down
 * server back (a TCP connect every {@code probeMs}). One instance serves every router instance, so it
 * is thread-safe; the critical sections are a few instructions.
 */
public final class EndpointPools {

  /** One request's hold on a server: give it back exactly once. */
  interface Lease {
    Backend.Target target();

    void release();
  }

  /** One server of one entry. Guarded by the pools' lock. */
  private static final class State {
    final String model;
    final Backend.Target target;
    int inFlight;
    long served;
    boolean down;
    String reason;
    long downSinceMs;

    State(String model, Backend.Target target) {
      this.model = model;
      this.target = target;
    }
  }

  private static final Logger LOG = LoggerFactory.getLogger(EndpointPools.class);
  public static final long PROBE_MS = 5000;

  private final Vertx vertx;
  private final GatewayMetrics metrics;
  private final long probeMs;
  private final Map<String, State> states = new HashMap<>();
  private NetClient probes;

  public EndpointPools(Vertx vertx, GatewayMetrics metrics) {
    this(vertx, metrics, PROBE_MS);
  }

  EndpointPools(Vertx vertx, GatewayMetrics metrics, long probeMs) {
    this.vertx = vertx;
    this.metrics = metrics;
    this.probeMs = probeMs;
  }

  /** The server for the next attempt, skipping those tried already and those down; null when none is left. */
  synchronized Lease pick(Backend backend, Set<String> tried) {
    State best = null;
    for (Backend.Target t : backend.endpoints()) {
      State s = state(backend, t);
      if (s.down || tried.contains(t.authority())) {
        continue;
      }
      if (best == null || better(s, best)) {
        best = s;
      }
    }
    if (best == null) {
      return null;
    }
    best.inFlight++;
    best.served++;
    State chosen = best;
    return new Lease() {
      private boolean released;

      @Override
      public Backend.Target target() {
        return chosen.target;
      }

      @Override
      public void release() {
        synchronized (EndpointPools.this) {
          if (!released) {
            released = true;
            chosen.inFlight--;
          }
        }
      }
    };
  }

  /** Cross-multiplied so that weights need no division: a/wa < b/wb. */
  private static boolean better(State a, State b) {
    long wa = a.target.weight();
    long wb = b.target.weight();
    long load = (long) a.inFlight * wb - (long) b.inFlight * wa;
    return load < 0 || (load == 0 && a.served * wb < b.served * wa);
  }

  private State state(Backend backend, Backend.Target t) {
    String key = backend.ref() + " " + t.authority();
    State s = states.get(key);
    if (s == null || s.target.weight() != t.weight()) {
      State fresh = new State(backend.id(), t);
      if (s != null) { // the weight changed in llm.yml: keep what was learnt
        fresh.down = s.down;
        fresh.reason = s.reason;
        fresh.downSinceMs = s.downSinceMs;
        fresh.inFlight = s.inFlight;
      }
      s = fresh;
      states.put(key, s);
      metrics.endpoint(backend.id(), t.authority(), () -> current(key).inFlight,
          () -> current(key).down ? 0 : 1);
    }
    return s;
  }

  private synchronized State current(String key) {
    State s = states.get(key);
    return s == null ? new State("", new Backend.Target("", 0, 1)) : s;
  }

  /** True when a server not tried yet is up. */
  synchronized boolean anyLeft(Backend backend, Set<String> tried) {
    return backend.endpoints().stream()
        .anyMatch(t -> !tried.contains(t.authority()) && !state(backend, t).down);
  }

  /** No request goes to {@code target} until a probe connects to it again. */
  void markDown(Backend backend, Backend.Target target, String reason) {
    synchronized (this) {
      State s = state(backend, target);
      s.reason = reason;
      if (s.down) {
        return;
      }
      s.down = true;
      s.downSinceMs = System.currentTimeMillis();
    }
    LOG.warn("model {}: server {} marked down ({}); probing it every {} s", backend.id(),
        target.authority(), reason, probeMs / 1000.0);
    scheduleProbe(backend.ref() + " " + target.authority());
  }

  private void scheduleProbe(String key) {
    vertx.setTimer(probeMs, id -> {
      State s = current(key);
      if (s.target.port() == 0) {
        return;
      }
      probes().connect(s.target.port(), s.target.host()).onComplete(ar -> {
        if (ar.succeeded()) {
          ar.result().close();
          synchronized (this) {
            s.down = false;
            s.reason = null;
          }
          LOG.info("model {}: server {} answers again; back in the pool", s.model, s.target.authority());
        } else {
          scheduleProbe(key);
        }
      });
    });
  }

  private synchronized NetClient probes() {
    if (probes == null) {
      probes = vertx.createNetClient(new NetClientOptions().setConnectTimeout(2000));
    }
    return probes;
  }

  /**
   * {@code {"<ref>": {"<host:port>": {"state": "up"|"down", "weight", "in_flight", "requests",
   * "message", "down_since"}}}}: what {@code /admin/models} shows of each pool.
   */
  public synchronized JsonObject snapshot() {
    JsonObject out = new JsonObject();
    states.forEach((key, s) -> {
      String ref = key.substring(0, key.lastIndexOf(' '));
      JsonObject pool = out.getJsonObject(ref);
      if (pool == null) {
        pool = new JsonObject();
        out.put(ref, pool);
      }
      JsonObject row = new JsonObject().put("state", s.down ? "down" : "up").put("weight", s.target.weight())
          .put("in_flight", s.inFlight).put("requests", s.served);
      if (s.down) {
        row.put("message", s.reason).put("down_since", s.downSinceMs);
      }
      pool.put(s.target.authority(), row);
    });
    return out;
  }
}
