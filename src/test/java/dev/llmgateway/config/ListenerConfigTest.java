package dev.llmgateway.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code gateway.tls} and {@code gateway.header_timeout_seconds}. */
class ListenerConfigTest {

  @TempDir
  Path dir;

  private GatewaySettings read(String gateway) throws Exception {
    Path file = dir.resolve("llm.yml");
    Files.writeString(file, gateway + "cloud_models:\n  - id: gpt\n    path: openai/gpt-4o\n");
    return ConfigReader.read(file, Overrides.NONE).config().gateway();
  }

  @Test
  void defaultsToPlainHttpAndTenSecondsForAHead() throws Exception {
    GatewaySettings g = read("");
    assertEquals(false, g.tls().enabled());
    assertEquals(10_000, g.headerTimeoutMs());
    assertEquals(3_000, read("gateway:\n  header_timeout_seconds: 3\n").headerTimeoutMs());
  }

  @Test
  void namesTheMissingOrUnreadableTlsFile() throws Exception {
    Path cert = Files.writeString(dir.resolve("cert.pem"), "-----BEGIN CERTIFICATE-----\n");
    ConfigException missing = assertThrows(ConfigException.class,
        () -> read("gateway:\n  tls:\n    cert: " + cert + "\n"));
    assertEquals("gateway.tls.key", missing.errors().get(0).key());
    assertEquals(2, missing.errors().get(0).line(), "the tls: block that lacks it");
    ConfigException unreadable = assertThrows(ConfigException.class,
        () -> read("gateway:\n  tls:\n    cert: " + cert + "\n    key: /nowhere/key.pem\n"));
    assertEquals("gateway.tls.key", unreadable.errors().get(0).key());
    assertTrue(unreadable.errors().get(0).message().contains("cannot read /nowhere/key.pem"),
        unreadable.describeAll());
  }
}
