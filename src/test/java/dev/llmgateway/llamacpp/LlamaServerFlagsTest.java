package dev.llmgateway.llamacpp;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.llmgateway.config.ConfigBinder;
import dev.llmgateway.config.ConfigReader;
import dev.llmgateway.config.GatewayConfig;
import dev.llmgateway.config.LocalModel;
import dev.llmgateway.config.Overrides;
import dev.llmgateway.process.LlamaServerArgs;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * Every flag the gateway can put on a {@code llama-server} command line, checked against what the
 * real server's {@code --help} lists, and every value it gives a flag with a fixed set of values
 * checked against that set.
 */
@Tag("llama-server")
class LlamaServerFlagsTest {

  /** Every {@code llama_cpp:} key and every entry field that becomes a flag, in each of its forms. */
  private static final String CONFIG = """
      model_path: /models
      llama_cpp:
        ctx_size: 4096
        predict: 512
        temp: 0.2
        threads: 4
        n_gpu_layers: all
        repeat_penalty: 1.1
        flash_attn: on
        cache_type_k: q8_0
        cache_type_v: q8_0
        batch_size: 512
        ubatch_size: 256
        cont_batching: %s
        use_mmap: false
        function_calling: true
        jinja: %s
        parallel: 2
        embedding:
          ctx_size: 0
          pooling: mean
      local_models:
        - id: vision
          path: vl/model.gguf
          mmproj: vl/mmproj.gguf
          lora: [a1.gguf, a2.gguf]
          port: 5025
        - id: embed
          path: embed.gguf
          port: 5026
      main_llm_local: vision
      embedding_llm: embed
      """;

  private static Map<String, Option> help;

  /** A flag as {@code --help} lists it: all its spellings, and its fixed values (empty if free). */
  record Option(List<String> names, List<String> choices) {
  }

  @BeforeAll
  static void readHelp() throws Exception {
    RealLlamaServer real = RealLlamaServer.find();
    if (real == null) {
      return; // each test says why it is skipped
    }
    Process p = new ProcessBuilder(real.binary().toString(), "--help").redirectErrorStream(true).start();
    p.getOutputStream().close();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertTrue(p.waitFor(30, TimeUnit.SECONDS));
    assertEquals(0, p.exitValue(), out);
    help = parse(out);
    assertTrue(help.size() > 100 && help.containsKey("--port") && help.containsKey("-m"),
        "--help did not look as expected:\n" + out);
  }

  @BeforeEach
  void needsARealServer() {
    RealLlamaServer.require();
  }

  /**
   * llama.cpp prints each option on a line of its own, starting with the flag: {@code -c,    --ctx-size N}
   * then the help from column 40 (or on the next lines when the flags are longer).
   */
  static Map<String, Option> parse(String helpText) {
    Pattern flag = Pattern.compile("(?:^|[\\s,])(--?[A-Za-z][\\w.-]*)");
    Map<String, Option> options = new LinkedHashMap<>();
    for (String line : helpText.split("\n")) {
      if (!line.startsWith("-")) {
        continue;
      }
      String spec = line.split("(?<![,\\s])\\s{2,}", 2)[0];
      List<String> names = new ArrayList<>();
      Matcher m = flag.matcher(spec);
      int end = 0;
      while (m.find()) {
        names.add(m.group(1));
        end = m.end();
      }
      String hint = spec.substring(end).trim();
      List<String> choices = List.of();
      if (hint.matches("\\[[\\w|+-]+\\]")) {
        choices = List.of(hint.substring(1, hint.length() - 1).split("\\|"));
      } else if (hint.matches("\\{[\\w,+-]+\\}")) {
        choices = List.of(hint.substring(1, hint.length() - 1).split(","));
      }
      Option option = new Option(List.copyOf(names), choices);
      names.forEach(n -> options.put(n, option));
    }
    return options;
  }

  /** Every command line the gateway builds for this config: both models, each jinja/batching form. */
  private static List<List<String>> commandLines() throws Exception {
    List<List<String>> lines = new ArrayList<>();
    for (String[] variant : new String[][] {{"true", "true"}, {"false", "false"}}) {
      Path file = Path.of("/srv/llm/llm.yml");
      GatewayConfig c = ConfigBinder.bind(ConfigReader.parse(CONFIG.formatted(variant[0], variant[1]), file), file,
          Overrides.NONE).config();
      for (LocalModel m : c.localModels()) {
        lines.add(LlamaServerArgs.build("llama-server", m, c.llamaCpp(), c.embeddingModel(m), Path.of(c.modelPath())));
      }
    }
    return lines;
  }

  @Test
  void everyFlagTheGatewayEmitsIsOneTheRealServerKnows() throws Exception {
    Set<String> emitted = new LinkedHashSet<>();
    Set<String> unknown = new LinkedHashSet<>();
    for (List<String> args : commandLines()) {
      for (String a : args.subList(1, args.size())) {
        if (a.startsWith("-") && !a.matches("-?\\d+(\\.\\d+)?")) {
          emitted.add(a);
          if (!help.containsKey(a)) {
            unknown.add(a);
          }
        }
      }
    }
    System.out.println("llama-server: the gateway's " + emitted.size() + " flags all checked against --help: " + emitted);
    assertTrue(emitted.containsAll(List.of("--model", "--port", "--alias", "--embedding", "--pooling", "--jinja",
        "--no-jinja", "--cont-batching", "--no-cont-batching", "--lora", "--mmproj", "--flash-attn")), emitted.toString());
    assertTrue(unknown.isEmpty(), "flags llama-server does not know (it would exit at once): " + unknown);
  }

  @Test
  void everyValueOfAFlagWithFixedChoicesIsOneOfThem() throws Exception {
    int checked = 0;
    for (List<String> args : commandLines()) {
      for (int i = 1; i + 1 < args.size(); i++) {
        Option option = help.get(args.get(i));
        if (option != null && !option.choices().isEmpty()) {
          assertTrue(option.choices().contains(args.get(i + 1)),
              args.get(i) + " " + args.get(i + 1) + ": llama-server takes only " + option.choices());
          checked++;
        }
      }
    }
    assertTrue(checked >= 3, "--flash-attn, --pooling and the like were checked: " + checked);
  }
}
