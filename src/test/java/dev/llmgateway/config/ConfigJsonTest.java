package dev.llmgateway.config;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.vertx.core.json.JsonObject;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

class ConfigJsonTest {

  @Test
  void aConfigSurvivesTheTripThroughEventBusJson() throws Exception {
    GatewayConfig config = ConfigReader.read(Path.of("src/test/resources/configs/homeclaw-style.yml"),
        Overrides.NONE).config();
    JsonObject json = ConfigJson.toJson(config);
    // What a consumer gets: an event-bus copy, re-encoded as a sender in another process would send it.
    JsonObject received = new JsonObject(json.copy().encode());
    assertEquals(config, ConfigJson.fromJson(received));
    assertEquals("on", received.getJsonObject("llamaCpp").getString("flashAttn"));
    assertEquals("MIX", received.getString("mainMode"));
  }
}
