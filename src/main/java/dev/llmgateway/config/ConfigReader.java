package dev.llmgateway.config;

import java.io.IOException;
import java.nio.charset.CharacterCodingException;
import java.nio.file.AccessDeniedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.List;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.constructor.SafeConstructor;
import org.yaml.snakeyaml.error.Mark;
import org.yaml.snakeyaml.error.MarkedYAMLException;
import org.yaml.snakeyaml.error.YAMLException;

/**
 * Reads and validates a config file synchronously (for the command line, and for worker threads that
 * need line numbers). Parses the way Vert.x Config's YAML store does: SnakeYAML, safe constructor.
 */
public final class ConfigReader {

  private ConfigReader() {
  }

  public static ConfigBinder.Bound read(Path file, Overrides overrides) throws ConfigException {
    String text = readText(file);
    Object root = parse(text, file);
    try {
      ConfigBinder.Bound bound = ConfigBinder.bind(root, file, overrides);
      return bound.warnings().isEmpty() ? bound
          : new ConfigBinder.Bound(bound.config(), YamlLines.of(text).place(bound.warnings()));
    } catch (ConfigException e) {
      throw placed(e, text);
    }
  }

  /** The same exception with line numbers filled in from the file's text. */
  public static ConfigException placed(ConfigException e, String text) {
    return new ConfigException(e.file(), YamlLines.of(text).place(e.problems()));
  }

  public static String readText(Path file) throws ConfigException {
    try {
      return Files.readString(file);
    } catch (NoSuchFileException e) {
      throw single(file, "file not found; pass --config <file> or copy conf/llm.yml there");
    } catch (AccessDeniedException e) {
      throw single(file, "cannot be read (permission denied)");
    } catch (CharacterCodingException e) {
      throw single(file, "is not UTF-8 text");
    } catch (IOException e) {
      throw single(file, Files.isDirectory(file) ? "is a folder, not a file"
          : "cannot be read: " + e.getMessage());
    }
  }

  public static Object parse(String text, Path file) throws ConfigException {
    try {
      return new Yaml(new SafeConstructor(new LoaderOptions())).load(text);
    } catch (MarkedYAMLException e) {
      Mark mark = e.getProblemMark() != null ? e.getProblemMark() : e.getContextMark();
      String what = e.getProblem() != null ? e.getProblem() : "invalid YAML";
      String context = e.getContext() != null ? " (" + e.getContext() + ")" : "";
      int line = mark == null ? 0 : mark.getLine() + 1;
      String col = mark == null ? "" : "column " + (mark.getColumn() + 1) + ": ";
      throw new ConfigException(file.toString(), List.of(
          new ConfigProblem(false, "", "invalid YAML: " + col + what + context, line)));
    } catch (YAMLException e) {
      throw single(file, "invalid YAML: " + e.getMessage());
    }
  }

  private static ConfigException single(Path file, String message) {
    return new ConfigException(file.toString(), List.of(ConfigProblem.error("", message)));
  }
}
