package dev.llmgateway.config;

import java.io.StringReader;
import java.util.List;
import org.yaml.snakeyaml.DumperOptions.FlowStyle;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.error.Mark;
import org.yaml.snakeyaml.nodes.MappingNode;
import org.yaml.snakeyaml.nodes.Node;
import org.yaml.snakeyaml.nodes.NodeTuple;
import org.yaml.snakeyaml.nodes.ScalarNode;
import org.yaml.snakeyaml.nodes.SequenceNode;

/**
 * YAML text with SnakeYAML's node tree, for finding where a key or value sits so an edit can splice
 * that text and nothing else. Offsets are {@code String} indexes into {@link #text()}.
 *
 * <p>Block collections end where the next token starts (after trailing comments and blank lines),
 * so "the end of an entry" is taken from its last scalar or flow value instead: {@link #contentEnd}.
 */
public final class YamlDocument {

  private final String text;
  private final MappingNode root;

  private YamlDocument(String text, MappingNode root) {
    this.text = text;
    this.root = root;
  }

  /** Composes the text; fails with {@link IllegalArgumentException} when the top level is not a block mapping. */
  public static YamlDocument parse(String text) {
    Node node = new Yaml(new LoaderOptions()).compose(new StringReader(text));
    if (!(node instanceof MappingNode map) || map.getFlowStyle() == FlowStyle.FLOW) {
      throw new IllegalArgumentException("the top level is not a block of `key: value` lines");
    }
    return new YamlDocument(text, map);
  }

  public String text() {
    return text;
  }

  public MappingNode root() {
    return root;
  }

  /** The text offset of a mark (SnakeYAML counts code points, Java strings count UTF-16 units). */
  public int offset(Mark mark) {
    return text.offsetByCodePoints(0, mark.getIndex());
  }

  public int start(Node node) {
    return offset(node.getStartMark());
  }

  public int end(Node node) {
    return offset(node.getEndMark());
  }

  /** The last tuple with this key: with duplicate keys, the last one is the one that counts. */
  public static NodeTuple lastTuple(MappingNode map, String key) {
    NodeTuple found = null;
    for (NodeTuple t : map.getValue()) {
      if (t.getKeyNode() instanceof ScalarNode k && k.getValue().equals(key)) {
        found = t;
      }
    }
    return found;
  }

  /** The scalar value of a key in a mapping, or null when absent or not a scalar. */
  public static String scalar(Node map, String key) {
    if (!(map instanceof MappingNode m)) {
      return null;
    }
    NodeTuple t = lastTuple(m, key);
    return t != null && t.getValueNode() instanceof ScalarNode s ? s.getValue() : null;
  }

  /** Whether a node is a flow collection ({@code [..]} or {@code {..}}). */
  public static boolean flow(Node node) {
    if (node instanceof SequenceNode s) {
      return s.getFlowStyle() == FlowStyle.FLOW;
    }
    if (node instanceof MappingNode m) {
      return m.getFlowStyle() == FlowStyle.FLOW;
    }
    return false;
  }

  /**
   * Where the written content of a node ends: just after its last non-blank character, not counting
   * the comments and blank lines that follow it.
   */
  public int contentEnd(Node node) {
    Node last = node;
    while (!flow(last)) {
      if (last instanceof MappingNode m && !m.getValue().isEmpty()) {
        List<NodeTuple> tuples = m.getValue();
        last = tuples.get(tuples.size() - 1).getValueNode();
      } else if (last instanceof SequenceNode s && !s.getValue().isEmpty()) {
        last = s.getValue().get(s.getValue().size() - 1);
      } else {
        break;
      }
    }
    int end = end(last);
    while (end > 0 && Character.isWhitespace(text.charAt(end - 1))) {
      end--;
    }
    return end;
  }

  /** The offset of the first character of the line holding {@code offset}. */
  public int lineStart(int offset) {
    int i = Math.min(offset, text.length());
    while (i > 0 && text.charAt(i - 1) != '\n' && text.charAt(i - 1) != '\r') {
      i--;
    }
    return i;
  }

  /** The offset just past the line break of the line holding {@code offset} (or the text's end). */
  public int nextLineStart(int offset) {
    int i = offset;
    while (i < text.length() && text.charAt(i) != '\n' && text.charAt(i) != '\r') {
      i++;
    }
    if (i < text.length() && text.charAt(i) == '\r') {
      i++;
    }
    if (i < text.length() && text.charAt(i) == '\n') {
      i++;
    }
    return i;
  }

  /** The column of an offset: characters since its line start. */
  public int column(int offset) {
    return offset - lineStart(offset);
  }

  /** Whether the line holding {@code offset} has nothing but blanks. */
  public boolean blankLine(int offset) {
    int from = lineStart(offset);
    int to = nextLineStart(offset);
    return text.substring(from, to).isBlank();
  }

  /** The line break the file uses: {@code \r\n} when its first line break is one, else {@code \n}. */
  public String newline() {
    int n = text.indexOf('\n');
    return n > 0 && text.charAt(n - 1) == '\r' ? "\r\n" : "\n";
  }
}
