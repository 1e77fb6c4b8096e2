package dev.llmgateway.cli;

import dev.llmgateway.Gateway;
import dev.llmgateway.config.Overrides;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.PoolOptions;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.stream.Stream;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code train} (hidden): the training run of the class-data archive that {@code scripts/llm-gateway}
 * and the Dockerfile make ({@code -XX:ArchiveClassesAtExit}). Starts the gateway in front of a tiny
 * in-process llama-server look-alike, sends it the requests a gateway serves (health, models,
 * metrics, chat streamed and not, a bad request), then stops: every class of those paths is then
 * loaded, and lands in the archive. A later start maps them instead of loading, verifying and
 * linking each again: about half the CPU to the first {@code /health}.
 */
@Command(name = "train", hidden = true, description = "Exercise the request paths once, then exit.")
final class TrainCommand implements Callable<Integer> {

  @Option(names = "--rounds", description = "times each request is sent (default: 5)")
  private int rounds = 5;

  private static final String CHUNK = "data: {\"id\":\"t\",\"object\":\"chat.completion.chunk\",\"created\":1,"
      + "\"model\":\"m\",\"choices\":[{\"index\":0,\"delta\":{\"content\":\"hi\"},\"finish_reason\":null}]}\n\n";
  private static final String ANSWER = "{\"id\":\"t\",\"object\":\"chat.completion\",\"created\":1,\"model\":\"m\","
      + "\"choices\":[{\"index\":0,\"message\":{\"role\":\"assistant\",\"content\":\"hi\"},"
      + "\"finish_reason\":\"stop\"}],\"usage\":{\"prompt_tokens\":1,\"completion_tokens\":1,\"total_tokens\":2}}";

  @Override
  public Integer call() throws Exception {
    Path dir = Files.createTempDirectory("llm-gateway-train");
    Vertx vertx = Vertx.vertx(new VertxOptions().setPreferNativeTransport(true));
    try {
      HttpServer upstream = vertx.createHttpServer().requestHandler(TrainCommand::answer)
          .listen(0, "127.0.0.1").await();
      Path config = dir.resolve("llm.yml");
      Files.writeString(config, """
          local_models:
            - id: train
              path: train.gguf
              host: 127.0.0.1
              port: %d
          main_llm_mode: local
          main_llm_local: local_models/train
          gateway:
            state_dir: %s
          """.formatted(upstream.actualPort(), dir.resolve("state")));
      Gateway gateway = Gateway.start(vertx, Gateway.Options.of(config,
          Overrides.of("127.0.0.1", 0, null, null, null, Map.of()))).await();
      HttpClient client = vertx.createHttpClient(new HttpClientOptions().setDefaultHost("127.0.0.1")
          .setDefaultPort(gateway.port()), new PoolOptions().setHttp1MaxSize(8));
      String chat = "{\"model\":\"main\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]";
      for (int i = 0; i < rounds; i++) {
        List<Future<Integer>> all = new ArrayList<>();
        all.add(send(client, HttpMethod.GET, "/health", null));
        all.add(send(client, HttpMethod.GET, "/v1/models", null));
        all.add(send(client, HttpMethod.GET, "/metrics", null));
        all.add(send(client, HttpMethod.POST, "/v1/chat/completions", chat + "}"));
        all.add(send(client, HttpMethod.POST, "/v1/chat/completions", chat + ",\"stream\":true}"));
        all.add(send(client, HttpMethod.POST, "/v1/chat/completions", "{not json"));
        Future.join(all).await();
      }
      client.close().await();
      gateway.stop().await();
      return Main.OK;
    } finally {
      vertx.close().await();
      deleteTree(dir);
    }
  }

  private static Future<Integer> send(HttpClient client, HttpMethod method, String path, String body) {
    return client.request(method, path).compose(req -> {
      req.putHeader("Content-Type", "application/json");
      return (body == null ? req.send() : req.send(body))
          .compose(resp -> resp.body().map(b -> resp.statusCode()));
    });
  }

  /** The look-alike: /health, and chat completions whole or as a short event stream. */
  private static void answer(HttpServerRequest req) {
    if (req.method() == HttpMethod.GET) {
      req.response().putHeader("Content-Type", "application/json").end("{\"status\":\"ok\"}");
      return;
    }
    req.body().onSuccess(body -> {
      if (body.toString().contains("\"stream\":true")) {
        var resp = req.response().setChunked(true).putHeader("Content-Type", "text/event-stream");
        for (int i = 0; i < 5; i++) {
          resp.write(Buffer.buffer(CHUNK));
        }
        resp.end("data: [DONE]\n\n");
      } else {
        req.response().putHeader("Content-Type", "application/json").end(ANSWER);
      }
    });
  }

  private static void deleteTree(Path dir) throws IOException {
    try (Stream<Path> paths = Files.walk(dir)) {
      paths.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
    }
  }
}
