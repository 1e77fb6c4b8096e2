package dev.llmgateway.llamacpp;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.llmgateway.llamacpp.LlamaServerFlagsTest.Option;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** How {@link LlamaServerFlagsTest} reads {@code llama-server --help}; no server needed. */
class HelpTextTest {

  @Test
  void readsTheHelpLayout() {
    Map<String, Option> parsed = LlamaServerFlagsTest.parse("""
        -c,    --ctx-size N                     size of the prompt context (default: 4096, 0 = loaded
                                                from model)
        -fa,   --flash-attn [on|off|auto]       set Flash Attention use ('on', 'off', or 'auto', default:
        --pooling {none,mean,cls,last,rank}     pooling type for embeddings, use model default if
        -cb,   --cont-batching, -nocb, --no-cont-batching
                                                whether to enable continuous batching (default: enabled)
        """);
    assertEquals(List.of("-c", "--ctx-size"), parsed.get("--ctx-size").names());
    assertEquals(List.of("on", "off", "auto"), parsed.get("-fa").choices());
    assertEquals(List.of("none", "mean", "cls", "last", "rank"), parsed.get("--pooling").choices());
    assertTrue(parsed.containsKey("--no-cont-batching") && parsed.containsKey("-nocb"));
    assertTrue(!parsed.containsKey("-from") && !parsed.containsKey("--default"), parsed.keySet().toString());
  }
}
