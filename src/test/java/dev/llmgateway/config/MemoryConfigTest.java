package dev.llmgateway.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vertx.core.json.JsonObject;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class MemoryConfigTest {

  @TempDir
  Path dir;

  private GatewayConfig read(String yaml) throws Exception {
    Path file = dir.resolve("llm.yml");
    Files.writeString(file, yaml);
    return ConfigReader.read(file, Overrides.NONE).config();
  }

  private ConfigException invalid(String yaml) {
    return assertThrows(ConfigException.class, () -> read(yaml));
  }

  @Test
  void parsesSizesAsPeopleWriteThem() {
    assertEquals(6_979_321_856L, ByteSize.parse("6.5GiB"));
    assertEquals(512L << 20, ByteSize.parse("512 MiB"));
    assertEquals(24_000_000_000L, ByteSize.parse("24GB"));
    assertEquals(8L << 30, ByteSize.parse("8G"));
    assertEquals(1234L, ByteSize.parse(1234));
    assertEquals(1234L, ByteSize.parse("1234"));
    assertNull(ByteSize.parse("lots"));
    assertNull(ByteSize.parse("-1GiB"));
    assertNull(ByteSize.parse(-5));
    assertEquals("6.5 GiB", ByteSize.format(6_979_321_856L));
  }

  @Test
  void aFileWithoutMemoryKeysGetsTheDefaults() throws Exception {
    GatewayConfig c = read("""
        local_models:
          - id: a
            path: a.gguf
            port: 5001
        """);
    assertEquals(MemorySettings.DEFAULTS, c.gateway().memory());
    assertEquals(ModelScheduling.DEFAULTS, c.local("a").scheduling());
  }

  @Test
  void bindsBudgetsPerDeviceAndEntryKeys() throws Exception {
    GatewayConfig c = read("""
        gateway:
          memory:
            budget: {gpu0: "24GiB", cpu: "32GiB"}
            reserve: 512MiB
            max_loaded: 2
            swap_timeout_seconds: 30
        llama_cpp:
          keep_cache_on_swap: true
        local_models:
          - id: a
            path: a.gguf
            port: 5001
            memory: "6.5GiB"
            device: gpu0
            pin: true
            priority: 3
        """);
    MemorySettings m = c.gateway().memory();
    assertFalse(m.auto());
    assertEquals(24L << 30, m.budgetOf("gpu0"));
    assertEquals(32L << 30, m.budgetOf("cpu"));
    assertNull(m.budgetOf("gpu1"));
    assertEquals(512L << 20, m.reserveBytes());
    assertEquals(2, m.maxLoaded());
    assertEquals(30_000, m.swapTimeoutMs());
    assertTrue(m.keepCacheOnSwap());
    assertEquals(new ModelScheduling(6_979_321_856L, "gpu0", true, 3, null), c.local("a").scheduling());
    assertEquals(c, ConfigJson.fromJson(new JsonObject(ConfigJson.toJson(c).encode())), "survives the bus");
  }

  @Test
  void oneSizeIsTheBudgetOfEveryDevice() throws Exception {
    GatewayConfig c = read("""
        gateway:
          memory:
            budget: 22GiB
        local_models:
          - {id: a, path: a.gguf, port: 5001, device: gpu1}
        """);
    assertEquals(22L << 30, c.gateway().memory().budgetOf("gpu1"));
    assertEquals(22L << 30, c.gateway().memory().budgetOf("cpu"));
  }

  @Test
  void badMemoryKeysNameFileLineAndKey() {
    ConfigException e = invalid("""
        gateway:
          memory:
            budget: {gpu0: "lots", tpu: 8GiB}
            reserve: -1GiB
        local_models:
          - id: a
            path: a.gguf
            port: 5001
            memory: "six gigs"
            priority: -2
            device: gpu3
        """);
    List<String> lines = e.errors().stream().map(p -> p.format("llm.yml")).toList();
    String all = String.join("\n", lines);
    assertTrue(all.contains("llm.yml:3: gateway.memory.budget.gpu0: must be a size"), all);
    assertTrue(all.contains("llm.yml:3: gateway.memory.budget.tpu: is not a device name"), all);
    assertTrue(all.contains("llm.yml:4: gateway.memory.reserve: must be a size"), all);
    assertTrue(all.contains("llm.yml:9: local_models[0] (a).memory: must be a size"), all);
    assertTrue(all.contains("llm.yml:10: local_models[0] (a).priority: must be 0 or more"), all);
    assertTrue(all.contains("llm.yml:11: local_models[0] (a).device: device \"gpu3\" does not exist"), all);
  }

  @Test
  void aDeviceNameMustLookLikeOne() {
    ConfigException e = invalid("""
        local_models:
          - {id: a, path: a.gguf, port: 5001, device: "GPU-0"}
        """);
    assertTrue(e.getMessage().contains("llm.yml:2: local_models[0] (a).device: \"GPU-0\" is not a device name"),
        e.getMessage());
  }
}
