package dev.llmgateway.config;

import java.util.List;
import java.util.stream.Collectors;

/** A config file that cannot be used, with every problem found (errors first). */
public final class ConfigException extends Exception {

  private final String file;
  private final List<ConfigProblem> problems;

  public ConfigException(String file, List<ConfigProblem> problems) {
    super(null, null, false, false);
    this.file = file;
    this.problems = List.copyOf(problems);
  }

  public String file() {
    return file;
  }

  public List<ConfigProblem> problems() {
    return problems;
  }

  public List<ConfigProblem> errors() {
    return problems.stream().filter(p -> !p.warning()).toList();
  }

  /** The first error, on one line: what a log or an HTTP answer shows. */
  @Override
  public String getMessage() {
    List<ConfigProblem> errors = errors();
    ConfigProblem first = errors.isEmpty() ? problems.get(0) : errors.get(0);
    String more = errors.size() > 1 ? " (and " + (errors.size() - 1) + " more problem"
        + (errors.size() > 2 ? "s" : "") + "; run `config check` to see all)" : "";
    return first.format(file) + more;
  }

  /** Every problem, one per line. */
  public String describeAll() {
    return problems.stream().map(p -> p.format(file)).collect(Collectors.joining("\n"));
  }
}
