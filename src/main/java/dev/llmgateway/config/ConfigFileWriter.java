package dev.llmgateway.config;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.function.Function;
import java.util.function.Predicate;

/**
 * Replaces {@code llm.yml} with an edited text, never leaving a half-written or invalid file: the
 * current file must be valid, the edit is validated (and checked to do what it meant to) before
 * anything is written, the new text goes to a temp file in the same folder that is renamed over the
 * old one, and the old one is kept as {@code llm.yml.bak}. Blocking: call it from a worker thread.
 *
 * <p>Writes from one process go through one caller at a time (the gateway runs them as ordered
 * blocking tasks on one verticle). A change made by someone else between reading and renaming is
 * noticed and the edit is redone on the new text.
 */
public final class ConfigFileWriter {

  /** An edit's result: the new text, a value for the caller, and a check of the bound result. */
  public record Change<R>(String text, R value, Predicate<GatewayConfig> intended) {
  }

  /** What happened: the edit's value, whether the file was replaced, and where the old one is. */
  public record Written<R>(R value, boolean changed, Path backup) {
  }

  private static final int ATTEMPTS = 3;

  private ConfigFileWriter() {
  }

  /**
   * @throws ConfigException when the file as it is now does not load (fix it first)
   * @throws IllegalStateException when the edit would make the file invalid or miss its purpose;
   *     the file is not touched
   * @throws IOException when the file cannot be read or replaced
   */
  public static <R> Written<R> update(Path file, Overrides overrides, Function<String, Change<R>> edit)
      throws ConfigException, IOException {
    Path target = file.toRealPath(); // a symlinked llm.yml stays a symlink: write where it points
    Path dir = target.getParent();
    String name = target.getFileName().toString();
    for (int attempt = 0; attempt < ATTEMPTS; attempt++) {
      String before = ConfigReader.readText(target);
      bind(before, file, overrides);
      Change<R> change = edit.apply(before);
      if (change.text().equals(before)) {
        return new Written<>(change.value(), false, null);
      }
      check(change, file, overrides);
      Path tmp = Files.createTempFile(dir, "." + name + ".", ".tmp");
      try {
        writeDurably(tmp, change.text());
        copyPermissions(target, tmp);
        if (!ConfigReader.readText(target).equals(before)) {
          continue; // edited by someone else meanwhile: redo the edit on their text
        }
        Path backup = dir.resolve(name + ".bak");
        Files.copy(target, backup, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.COPY_ATTRIBUTES);
        replace(tmp, target, file);
        return new Written<>(change.value(), true, backup);
      } finally {
        Files.deleteIfExists(tmp);
      }
    }
    throw new IOException(file + " kept changing while it was being edited; try again");
  }

  /** Loads a text as the gateway would; problems carry their line in that text. */
  public static ConfigBinder.Bound bind(String text, Path file, Overrides overrides) throws ConfigException {
    Object root = ConfigReader.parse(text, file);
    try {
      return ConfigBinder.bind(root, file, overrides);
    } catch (ConfigException e) {
      throw ConfigReader.placed(e, text);
    }
  }

  private static void check(Change<?> change, Path file, Overrides overrides) {
    GatewayConfig after;
    try {
      after = bind(change.text(), file, overrides).config();
    } catch (ConfigException e) {
      throw new IllegalStateException("the edit would make " + file + " invalid (" + e.getMessage()
          + "); the file was not changed");
    }
    if (!change.intended().test(after)) {
      throw new IllegalStateException("the edit of " + file + " would not have the intended effect "
          + "(is a key written twice, or through an alias?); the file was not changed");
    }
  }

  private static void writeDurably(Path tmp, String text) throws IOException {
    try (FileChannel ch = FileChannel.open(tmp, StandardOpenOption.WRITE, StandardOpenOption.TRUNCATE_EXISTING)) {
      ByteBuffer bytes = ByteBuffer.wrap(text.getBytes(StandardCharsets.UTF_8));
      while (bytes.hasRemaining()) {
        ch.write(bytes);
      }
      ch.force(true);
    }
  }

  /** The temp file is created owner-only; the config keeps the permissions it had. */
  private static void copyPermissions(Path from, Path to) {
    try {
      Files.setPosixFilePermissions(to, Files.getPosixFilePermissions(from));
    } catch (UnsupportedOperationException | IOException e) {
      // not a POSIX file system: nothing to copy
    }
  }

  private static void replace(Path tmp, Path target, Path shown) throws IOException {
    try {
      Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    } catch (AtomicMoveNotSupportedException e) {
      throw new IOException("cannot replace " + shown + " atomically on this file system", e);
    } catch (FileSystemException e) {
      throw new IOException("cannot replace " + shown + " by renaming a file next to it ("
          + e.getReason() + "); if it is a single file mounted into a container, mount its folder "
          + "instead", e);
    }
  }
}
