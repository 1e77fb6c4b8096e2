package dev.llmgateway.routing;

import io.vertx.core.Future;
import io.vertx.core.Handler;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.core.streams.WriteStream;

/**
 * The client's response as the pipe's destination: every chunk is written through as it comes
 * (backpressure is the response's own) and counted in the request's record.
 */
final class MeteredResponse implements WriteStream<Buffer> {

  private final HttpServerResponse response;
  private final RequestRecord record;

  MeteredResponse(HttpServerResponse response, RequestRecord record) {
    this.response = response;
    this.record = record;
  }

  @Override
  public Future<Void> write(Buffer data) {
    record.wrote(data);
    return response.write(data);
  }

  @Override
  public Future<Void> end() {
    return response.end();
  }

  @Override
  public WriteStream<Buffer> exceptionHandler(Handler<Throwable> handler) {
    response.exceptionHandler(handler);
    return this;
  }

  @Override
  public WriteStream<Buffer> setWriteQueueMaxSize(int maxSize) {
    response.setWriteQueueMaxSize(maxSize);
    return this;
  }

  @Override
  public boolean writeQueueFull() {
    return response.writeQueueFull();
  }

  @Override
  public WriteStream<Buffer> drainHandler(Handler<Void> handler) {
    response.drainHandler(handler);
    return this;
  }
}
