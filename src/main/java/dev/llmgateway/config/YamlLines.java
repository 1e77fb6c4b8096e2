package dev.llmgateway.config;

import java.io.StringReader;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.nodes.MappingNode;
import org.yaml.snakeyaml.nodes.Node;
import org.yaml.snakeyaml.nodes.NodeTuple;
import org.yaml.snakeyaml.nodes.ScalarNode;
import org.yaml.snakeyaml.nodes.SequenceNode;

/**
 * Finds the line of a key path such as {@code local_models[2].port} in YAML text, using SnakeYAML's
 * node marks. Used only to place problems, so a file it cannot compose simply yields no lines.
 */
public final class YamlLines {

  private final Map<String, Integer> lines = new HashMap<>();

  private YamlLines() {
  }

  public static YamlLines of(String text) {
    YamlLines out = new YamlLines();
    try {
      Node root = new Yaml(new LoaderOptions()).compose(new StringReader(text));
      if (root != null) {
        out.walk(root, "");
      }
    } catch (RuntimeException e) {
      // Syntax errors carry their own line; nothing to place here.
    }
    return out;
  }

  private void walk(Node node, String path) {
    if (node instanceof MappingNode map) {
      for (NodeTuple t : map.getValue()) {
        if (t.getKeyNode() instanceof ScalarNode key) {
          String child = path.isEmpty() ? key.getValue() : path + "." + key.getValue();
          lines.putIfAbsent(child, key.getStartMark().getLine() + 1);
          walk(t.getValueNode(), child);
        }
      }
    } else if (node instanceof SequenceNode seq) {
      List<Node> items = seq.getValue();
      for (int i = 0; i < items.size(); i++) {
        String child = path + "[" + i + "]";
        lines.putIfAbsent(child, items.get(i).getStartMark().getLine() + 1);
        walk(items.get(i), child);
      }
    }
  }

  /** The line of the key, or of its nearest enclosing key; 0 when unknown. */
  public int lineOf(String key) {
    if (key == null) {
      return 0;
    }
    // Messages name entries as "local_models[2] (my-id).port": drop the id part.
    String path = key.replaceAll(" \\([^)]*\\)", "");
    while (!path.isEmpty()) {
      Integer line = lines.get(path);
      if (line != null) {
        return line;
      }
      int cut = Math.max(path.lastIndexOf('.'), path.lastIndexOf('['));
      if (cut <= 0) {
        return 0;
      }
      path = path.substring(0, cut);
    }
    return 0;
  }

  public List<ConfigProblem> place(List<ConfigProblem> problems) {
    return problems.stream().map(p -> p.line() > 0 ? p : p.atLine(lineOf(p.key()))).toList();
  }
}
