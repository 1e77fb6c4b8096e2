package dev.llmgateway.process;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.json.JsonObject;
import io.vertx.junit5.VertxExtension;
import dev.llmgateway.testing.Async;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The external-server watch against a real loopback server whose {@code /health} answers follow a
 * script. Server, probes and watch share one context, so the order of events is the order of code.
 */
@ExtendWith(VertxExtension.class)
class ExternalServerWatchTest {

  /** What the server answers to one probe. */
  private enum Answer { OK, LOADING, OTHER }

  private Vertx vertx;
  private Context context;
  private HttpClient client;
  private HttpServer server;
  private int requests;

  @BeforeEach
  void setUp(Vertx vertx) {
    this.vertx = vertx;
    context = vertx.getOrCreateContext();
    // As the process verticle's: no keep-alive, so each probe sees the port as it is now.
    client = vertx.createHttpClient(new HttpClientOptions().setKeepAlive(false));
  }

  /** Starts a server whose n-th answer is script[n] (the last one repeats); {@code then} sees each request. */
  private Future<Integer> serve(List<Answer> script, java.util.function.Consumer<HttpServerRequest> then) {
    server = vertx.createHttpServer().requestHandler(req -> {
      Answer answer = script.get(Math.min(requests++, script.size() - 1));
      then.accept(req);
      switch (answer) {
        case OK -> req.response().setStatusCode(200).end(new JsonObject().put("status", "ok").encode());
        case LOADING -> req.response().setStatusCode(503).end(new JsonObject().put("error",
            new JsonObject().put("message", "Loading model").put("code", 503)).encode());
        case OTHER -> req.response().setStatusCode(404).end("not llama");
      }
    });
    return server.listen(0, "127.0.0.1").map(HttpServer::actualPort);
  }

  private Supplier<Future<PortProbe.Result>> probe(int port) {
    ChildSpec spec = new ChildSpec("ext", "local_models/ext", ChildSpec.Kind.LLAMA_SERVER, List.of("llama-server"),
        Map.of(), Map.of(), List.of(), "127.0.0.1", port, true, false, 60_000, 0);
    return () -> PortProbe.probe(client, spec);
  }

  /** Probes every millisecond, so a test takes as long as its script. */
  private ExternalServerWatch watch(Supplier<Future<PortProbe.Result>> probe, Runnable gone) {
    return new ExternalServerWatch(vertx, probe, 1, 1, gone);
  }

  /** Runs the watch against a scripted server until it reports the server gone; answers how many probes came. */
  private int probesUntilGone(List<Answer> script, java.util.function.Consumer<HttpServerRequest> then) {
    Promise<Integer> gone = Promise.promise();
    context.runOnContext(v -> serve(script, then).onComplete(port -> {
      if (port.failed()) {
        gone.fail(port.cause());
      } else {
        watch(probe(port.result()), () -> gone.tryComplete(requests)).start();
      }
    }));
    return Async.await("the watch to report the server gone", gone.future());
  }

  @Test
  void reportsTheServerGoneAfterThreeMissesInARow() {
    assertEquals(5, probesUntilGone(List.of(Answer.OK, Answer.OK, Answer.OTHER), req -> { }),
        "two answers, then three misses");
  }

  @Test
  void startsCountingAgainWheneverTheServerAnswers() {
    List<Answer> script = List.of(Answer.OTHER, Answer.OTHER, Answer.OK, Answer.OTHER, Answer.OTHER,
        Answer.LOADING, Answer.OTHER, Answer.OTHER, Answer.OTHER);
    assertEquals(9, probesUntilGone(script, req -> { }), "two misses are forgiven by an answer, loading or ready");
  }

  @Test
  void countsAClosedPortAsAMiss() {
    assertEquals(1, probesUntilGone(List.of(Answer.OK), req -> req.response().endHandler(end -> server.close())),
        "one answer, then the port is closed");
  }

  @Test
  void ignoresAProbeStillUnderWayWhenStopped() {
    Promise<Void> gone = Promise.promise();
    Promise<PortProbe.Result> thirdHandled = Promise.promise();
    ExternalServerWatch[] watch = new ExternalServerWatch[1];
    context.runOnContext(v -> serve(List.of(Answer.OTHER), req -> {
      if (requests == 3) {
        watch[0].stop(); // the third miss is on its way back
      }
    }).onComplete(port -> {
      if (port.failed()) {
        thirdHandled.fail(port.cause());
        return;
      }
      Supplier<Future<PortProbe.Result>> probe = probe(port.result());
      watch[0] = watch(() -> probe.get().andThen(ar -> {
        if (requests == 3) {
          // Runs after the watch has handled this answer: it is on this context's queue behind it.
          context.runOnContext(x -> thirdHandled.complete(ar.result()));
        }
      }), gone::complete).start();
    }));
    assertEquals(PortProbe.Result.OTHER, Async.await("the third probe", thirdHandled.future()));
    assertFalse(gone.future().isComplete(), "a stopped watch reported the server gone");
  }
}
