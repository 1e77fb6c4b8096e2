package dev.llmgateway.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The one rule for roles, and the settings binder reading the gateway block once. */
class RolesTest {

  @TempDir
  Path dir;

  private static final String MODELS = """
      local_models:
        - {id: a, path: a.gguf, port: 9001}
        - {id: b, path: b.gguf, port: 9002}
        - {id: e, path: e.gguf, port: 9003}
      cloud_models:
        - {id: c, path: openai/gpt-4o, host: 127.0.0.1, port: 4000}
      embedding_llm: local_models/e
      """;

  private GatewayConfig read(String yaml) throws Exception {
    Path file = dir.resolve("llm.yml");
    Files.writeString(file, yaml);
    return ConfigReader.read(file, Overrides.NONE).config();
  }

  @Test
  void localModeHasOneMainAndTheEmbeddingModel() throws Exception {
    Roles roles = Roles.of(read(MODELS + "main_llm_mode: local\nmain_llm_local: local_models/a\n"
        + "main_llm_cloud: cloud_models/c\n"));
    assertEquals(List.of("main"), roles.of("local_models/a"));
    assertEquals(List.of(), roles.of("cloud_models/c"), "the cloud side has no role outside mix mode");
    assertEquals(List.of("embedding"), roles.of("local_models/e"));
    assertFalse(roles.has("local_models/b"));
    assertEquals("main_llm_local", roles.assignments().get(0).key());
  }

  @Test
  void mixModeGivesBothSidesTheMainRole() throws Exception {
    GatewayConfig config = read(MODELS + "main_llm_mode: mix\nmain_llm_local: local_models/a\n"
        + "main_llm_cloud: cloud_models/c\nhybrid_router: {default_route: cloud}\n");
    Roles roles = Roles.of(config);
    assertEquals("cloud_models/c", config.mainRef(), "the default route's side answers main");
    assertEquals(List.of("main"), roles.of("local_models/a"));
    assertEquals(List.of("main"), roles.of("cloud_models/c"));
    assertEquals(List.of("main_llm_cloud", "main_llm_local", "embedding_llm"),
        roles.assignments().stream().map(Roles.Assignment::key).toList());
  }

  @Test
  void oneEntryCanHoldBothRoles() throws Exception {
    Roles roles = Roles.of(read(MODELS.replace("embedding_llm: local_models/e", "embedding_llm: local_models/a")
        + "main_llm_local: local_models/a\n"));
    assertEquals(List.of("main", "embedding"), roles.of("local_models/a"));
  }

  @Test
  void entriesWithRolesThatShareAPortAreAnErrorAtTheRolesKey() throws Exception {
    ConfigException e = assertThrows(ConfigException.class, () -> read(MODELS.replace("port: 9003", "port: 9001")
        + "main_llm_local: local_models/a\n"));
    assertEquals(1, e.errors().size(), e.describeAll());
    assertEquals("embedding_llm", e.errors().get(0).key());
    assertTrue(e.errors().get(0).message().contains("both use port 9001"), e.describeAll());
  }

  @Test
  void aGatewayBlockThatIsNotAMapIsReportedOnce() throws Exception {
    ConfigException e = assertThrows(ConfigException.class, () -> read(MODELS
        + "main_llm_local: local_models/a\ngateway: 5\n"));
    assertEquals(1, e.errors().size(), e.describeAll());
    assertEquals("gateway", e.errors().get(0).key());
  }
}
