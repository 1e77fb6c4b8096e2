package dev.llmgateway.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Replacing llm.yml: atomic, with a backup, never with an invalid file. */
class ConfigFileWriterTest {

  private static final String VALID = "local_models:\n  - {id: a, type: ollama, path: \"a:1b\"}\n"
      + "main_llm_local: local_models/a   # the main one\n";

  @TempDir
  Path dir;

  private static ConfigFileWriter.Change<String> replaceMain(String text, String with) {
    return new ConfigFileWriter.Change<>(text.replace("main_llm_local: local_models/a", with), "v", c -> true);
  }

  private List<String> files() throws Exception {
    try (Stream<Path> s = Files.list(dir)) {
      return s.map(p -> p.getFileName().toString()).sorted().toList();
    }
  }

  @Test
  void replacesTheFileKeepingABackupAndItsPermissions() throws Exception {
    Path file = dir.resolve("llm.yml");
    Files.writeString(file, VALID);
    Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-r-----"));
    String edited = VALID.replace("a:1b", "a:2b");
    ConfigFileWriter.Written<String> w = ConfigFileWriter.update(file, Overrides.NONE,
        text -> new ConfigFileWriter.Change<>(edited, "done", c -> c.local("a").path().equals("a:2b")));
    assertTrue(w.changed());
    assertEquals("done", w.value());
    assertEquals(edited, Files.readString(file));
    assertEquals(VALID, Files.readString(dir.resolve("llm.yml.bak")));
    assertEquals("rw-r-----", PosixFilePermissions.toString(Files.getPosixFilePermissions(file)));
    assertEquals(List.of("llm.yml", "llm.yml.bak"), files(), "no temp file is left behind");
  }

  @Test
  void neverReplacesTheFileWithAnInvalidOne() throws Exception {
    Path file = dir.resolve("llm.yml");
    Files.writeString(file, VALID);
    IllegalStateException invalid = assertThrows(IllegalStateException.class, () ->
        ConfigFileWriter.update(file, Overrides.NONE, t -> replaceMain(t, "main_llm_local: local_models/zzz")));
    assertTrue(invalid.getMessage().contains("not defined"), invalid.getMessage());
    assertTrue(invalid.getMessage().contains("the file was not changed"), invalid.getMessage());
    assertThrows(IllegalStateException.class, () ->
        ConfigFileWriter.update(file, Overrides.NONE, t -> replaceMain(t, "main_llm_local: [unclosed")));
    assertThrows(IllegalStateException.class, () -> ConfigFileWriter.update(file, Overrides.NONE,
        t -> new ConfigFileWriter.Change<>(t + "\n", "v", c -> false)), "an edit that misses its purpose");
    assertEquals(VALID, Files.readString(file));
    assertEquals(List.of("llm.yml"), files());
  }

  @Test
  void refusesToEditAFileThatIsAlreadyInvalid() throws Exception {
    Path file = dir.resolve("llm.yml");
    Files.writeString(file, VALID + "main_llm_mode: sometimes\n");
    ConfigException e = assertThrows(ConfigException.class,
        () -> ConfigFileWriter.update(file, Overrides.NONE, t -> replaceMain(t, "main_llm_local: a")));
    assertTrue(e.getMessage().contains(":4: main_llm_mode"), e.getMessage());
  }

  @Test
  void writesNothingWhenNothingChanges() throws Exception {
    Path file = dir.resolve("llm.yml");
    Files.writeString(file, VALID);
    ConfigFileWriter.Written<String> w = ConfigFileWriter.update(file, Overrides.NONE,
        t -> new ConfigFileWriter.Change<>(t, "same", c -> true));
    assertFalse(w.changed());
    assertEquals(List.of("llm.yml"), files());
  }

  @Test
  void writesThroughASymlinkAndKeepsTheLink() throws Exception {
    Path real = Files.createDirectory(dir.resolve("dotfiles")).resolve("llm.yml");
    Files.writeString(real, VALID);
    Path link = Files.createSymbolicLink(dir.resolve("llm.yml"), real);
    ConfigFileWriter.update(link, Overrides.NONE, t -> replaceMain(t, "main_llm_local: a"));
    assertTrue(Files.isSymbolicLink(link));
    assertTrue(Files.readString(real).contains("main_llm_local: a   # the main one"));
    assertTrue(Files.exists(real.resolveSibling("llm.yml.bak")));
  }
}
