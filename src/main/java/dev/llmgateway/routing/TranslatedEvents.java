package dev.llmgateway.routing;

import io.vertx.core.Handler;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.streams.ReadStream;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;

/**
 * A backend's Chat Completions event stream read as the client's API's events: split into lines on
 * {@code \n} (never on network chunks; a multi-byte character never spans a line end), events on
 * blank lines, each event's {@code data} handed to an {@link EventTranslator}. Backpressure is the
 * backend's own: pausing this pauses the backend's answer. When the translation has ended early (the
 * backend sent an error or garbage) the stream ends at once and the backend request is dropped.
 */
final class TranslatedEvents implements ReadStream<Buffer> {

  private final ReadStream<Buffer> source;
  private final EventTranslator translator;
  private final Runnable abandon;
  private final ByteArrayOutputStream line = new ByteArrayOutputStream();
  private final StringBuilder data = new StringBuilder();
  private boolean hasData;
  private Handler<Buffer> handler;
  private Handler<Void> endHandler;
  private boolean ended;

  TranslatedEvents(ReadStream<Buffer> source, EventTranslator translator, Runnable abandon) {
    this.source = source;
    this.translator = translator;
    this.abandon = abandon;
  }

  @Override
  public ReadStream<Buffer> handler(Handler<Buffer> h) {
    handler = h;
    if (h == null) {
      source.handler(null);
    } else {
      source.handler(this::onBytes);
    }
    return this;
  }

  @Override
  public ReadStream<Buffer> endHandler(Handler<Void> h) {
    endHandler = h;
    source.endHandler(h == null ? null : v -> {
      if (!ended) {
        onBytes(Buffer.buffer("\n\n")); // an event the backend did not close with a blank line
        emit(translator.onEnd());
        end();
      }
    });
    return this;
  }

  @Override
  public ReadStream<Buffer> exceptionHandler(Handler<Throwable> h) {
    source.exceptionHandler(h == null ? null : err -> {
      if (ended) {
        return;
      }
      if (translator.finished()) {
        end(); // the answer was whole; only the connection's end went wrong
      } else {
        ended = true;
        h.handle(err); // the relay ends the stream with an error event
      }
    });
    return this;
  }

  @Override
  public ReadStream<Buffer> pause() {
    source.pause();
    return this;
  }

  @Override
  public ReadStream<Buffer> resume() {
    source.resume();
    return this;
  }

  @Override
  public ReadStream<Buffer> fetch(long amount) {
    source.fetch(amount);
    return this;
  }

  private void onBytes(Buffer bytes) {
    if (ended) {
      return;
    }
    int n = bytes.length();
    for (int i = 0; i < n && !translator.finished(); i++) {
      byte b = bytes.getByte(i);
      if (b != '\n') {
        line.write(b);
        continue;
      }
      String text = line.toString(StandardCharsets.UTF_8);
      line.reset();
      if (text.endsWith("\r")) {
        text = text.substring(0, text.length() - 1);
      }
      if (text.isEmpty()) {
        if (hasData) {
          String payload = data.toString();
          data.setLength(0);
          hasData = false;
          emit(translator.onData(payload));
        }
      } else if (text.startsWith(":")) {
        emit(translator.onComment());
      } else if (text.startsWith("data:")) {
        if (hasData) {
          data.append('\n');
        }
        data.append(text.startsWith("data: ") ? text.substring(6) : text.substring(5));
        hasData = true;
      }
      // other fields (event:, id:) carry nothing to translate
    }
    if (translator.failed() && !ended) {
      end();
      abandon.run(); // nothing more is wanted from a backend that failed (a no-op once it has ended)
    }
  }

  private void emit(String events) {
    if (!events.isEmpty() && handler != null) {
      handler.handle(Buffer.buffer(events));
    }
  }

  private void end() {
    if (!ended) {
      ended = true;
      if (endHandler != null) {
        endHandler.handle(null);
      }
    }
  }
}
