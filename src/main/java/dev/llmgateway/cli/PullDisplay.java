package dev.llmgateway.cli;

import io.vertx.core.json.JsonObject;
import java.io.PrintWriter;
import java.time.temporal.ChronoUnit;
import me.tongfei.progressbar.ConsoleProgressBarConsumer;
import me.tongfei.progressbar.ProgressBar;
import me.tongfei.progressbar.ProgressBarBuilder;
import me.tongfei.progressbar.ProgressBarStyle;

/**
 * Shows the progress of {@code ollama pull}: a live bar on a terminal, plain lines otherwise (a pipe,
 * a log, a test) — one per step and one per tenth of the download. Takes the JSON of
 * {@link dev.llmgateway.ollama.PullProgress#toJson()}.
 */
interface PullDisplay extends AutoCloseable {

  void show(JsonObject progress);

  @Override
  void close();

  /** A bar when standard output is a terminal, else lines on {@code out}. */
  static PullDisplay create(String model, PrintWriter out) {
    return System.console() != null ? new Bar(model, out) : new Lines(out);
  }

  /** The terminal bar (me.tongfei:progressbar): overall bytes, speed, and the current step. */
  final class Bar implements PullDisplay {
    private final ProgressBar bar;

    Bar(String model, PrintWriter out) {
      out.flush();
      bar = new ProgressBarBuilder().setTaskName(model).setInitialMax(-1)
          .setStyle(ProgressBarStyle.COLORFUL_UNICODE_BAR).setUnit(" MB", 1_000_000)
          .showSpeed().setSpeedUnit(ChronoUnit.SECONDS).setUpdateIntervalMillis(100)
          .setConsumer(new ConsoleProgressBarConsumer(System.out)).build();
    }

    @Override
    public void show(JsonObject p) {
      long total = p.getLong("total_bytes", 0L);
      if (total > 0 && total != bar.getMax()) {
        bar.maxHint(total);
      }
      bar.stepTo(p.getLong("completed_bytes", 0L));
      bar.setExtraMessage(" " + p.getString("status", ""));
    }

    @Override
    public void close() {
      bar.close();
    }
  }

  /** Plain lines for output that is not a terminal. */
  final class Lines implements PullDisplay {
    private final PrintWriter out;
    private String status;
    private int tenth = -1;

    Lines(PrintWriter out) {
      this.out = out;
    }

    @Override
    public void show(JsonObject p) {
      String now = p.getString("status", "");
      long total = p.getLong("total_bytes", 0L);
      int tenthNow = (int) (p.getDouble("percent", 0.0) / 10);
      if (now.equals(status) && tenthNow == tenth) {
        return;
      }
      boolean downloading = p.getString("digest") != null && total > 0;
      out.println(!downloading ? now : String.format("%s  %3.0f%%  %s of %s", now,
          Math.floor(p.getDouble("percent", 0.0)), HumanUnits.bytes(p.getLong("completed_bytes", 0L)),
          HumanUnits.bytes(total)));
      out.flush();
      status = now;
      tenth = tenthNow;
    }

    @Override
    public void close() {
      out.flush();
    }
  }
}
