package dev.llmgateway.process;

import io.netty.channel.ConnectTimeoutException;
import java.util.concurrent.TimeoutException;
import io.vertx.core.Future;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.RequestOptions;
import java.net.ConnectException;

/**
 * Asks a port who is there: nobody, the kind of server the spec runs (ready or still loading — a
 * loading llama-server answers 503 "Loading model"), another program, or something that took the
 * connection but said nothing in time (a busy server as much as a foreign one: ask again).
 */
final class PortProbe {

  enum Result { FREE, READY, LOADING, OTHER, SILENT }

  private PortProbe() {
  }

  static Future<Result> probe(HttpClient client, ChildSpec spec) {
    RequestOptions options = new RequestOptions().setMethod(HttpMethod.GET)
        .setHost(connectHost(spec.host())).setPort(spec.port()).setURI(spec.kind().healthPath())
        .setConnectTimeout(1000).setIdleTimeout(2000);
    return client.request(options)
        .compose(req -> req.send())
        .compose(resp -> resp.body().map(body -> classify(spec.kind(), resp.statusCode(), body.toString())))
        .recover(err -> Future.succeededFuture(
            err instanceof ConnectException && !(err instanceof ConnectTimeoutException) ? Result.FREE
                : err instanceof TimeoutException || err instanceof ConnectTimeoutException ? Result.SILENT
                : Result.OTHER));
  }

  private static Result classify(ChildSpec.Kind kind, int status, String body) {
    if (kind == ChildSpec.Kind.LITELLM) {
      return status == 200 ? Result.READY : Result.OTHER;
    }
    String compact = body.replace(" ", "");
    if (status == 200 && compact.contains("\"status\":\"ok\"")) {
      return Result.READY;
    }
    if (status == 503 && body.contains("Loading model")) {
      return Result.LOADING;
    }
    return Result.OTHER;
  }

  /** A server bound to the wildcard address is reached on loopback. */
  static String connectHost(String host) {
    return host.equals("0.0.0.0") || host.equals("::") || host.equals("[::]") ? "127.0.0.1" : host;
  }
}
