package dev.llmgateway.config;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.yaml.snakeyaml.DumperOptions.ScalarStyle;
import org.yaml.snakeyaml.nodes.MappingNode;
import org.yaml.snakeyaml.nodes.Node;
import org.yaml.snakeyaml.nodes.NodeTuple;
import org.yaml.snakeyaml.nodes.ScalarNode;
import org.yaml.snakeyaml.nodes.SequenceNode;
import org.yaml.snakeyaml.nodes.Tag;

/**
 * The edit of {@code llm.yml} behind {@code ollama set-main} and {@code PUT /admin/main} (DESIGN.md,
 * "Writing llm.yml back"): make sure a {@code type: ollama} entry exists for the model, point
 * {@code main_llm_local} (or {@code main_llm_cloud}) at it, and set {@code main_llm_mode}. Only the
 * text of those values changes; a new entry goes after the last one, keys that are absent go at the
 * end. Every other byte stays. Pure text in, text out: no IO.
 */
public final class MainSelectionEdit {

  /** What to make the main model. */
  public sealed interface Target permits Entry, OllamaModel {
  }

  /** An entry already in the file: {@code local_models/<id>} or {@code cloud_models/<id>}. */
  public record Entry(String ref) implements Target {
  }

  /** An Ollama model: the {@code type: ollama} entry with this path, else a new one for host:port. */
  public record OllamaModel(String name, String host, int port) implements Target {
  }

  /** The new text, the selected ref and mode, and one line per change (empty: nothing to change). */
  public record Outcome(String text, String ref, MainMode mode, List<String> changes, boolean entryAdded) {
    public boolean changed() {
      return !changes.isEmpty();
    }
  }

  private static final String MODE = "main_llm_mode";

  private final YamlDocument doc;
  private final String text;
  private final String nl;
  private final TextEdits edits;
  private final List<List<String>> appended = new ArrayList<>();
  private final List<String> changes = new ArrayList<>();
  private boolean breakAddedAtEnd;

  private MainSelectionEdit(String text) {
    this.doc = YamlDocument.parse(text);
    this.text = text;
    this.nl = doc.newline();
    this.edits = new TextEdits(text);
  }

  /**
   * @param explicitMode the mode asked for, or null for the rule: {@code mix} stays {@code mix},
   *     anything else becomes {@code local} (or {@code cloud} for a cloud entry)
   * @param comment the one-line comment put above a new entry (without {@code #})
   * @throws IllegalArgumentException when the file is shaped so that it cannot be edited safely
   */
  public static Outcome apply(String text, Target target, MainMode explicitMode, String comment) {
    return new MainSelectionEdit(text).run(target, explicitMode, comment);
  }

  private Outcome run(Target target, MainMode explicitMode, String comment) {
    String ref;
    boolean added = false;
    if (target instanceof OllamaModel m) {
      String existing = ollamaEntryId(m.name());
      if (existing == null) {
        existing = addEntry(m, comment);
        added = true;
      } else {
        moveEntry(existing, m); // the entry follows the Ollama server the command used
      }
      ref = LocalModel.REF_PREFIX + existing;
    } else {
      ref = ((Entry) target).ref();
    }
    boolean local = ref.startsWith(LocalModel.REF_PREFIX);
    String current = YamlDocument.scalar(doc.root(), MODE);
    MainMode currentMode = current == null ? null : MainMode.fromYaml(current.trim());
    MainMode mode = explicitMode != null ? explicitMode
        : currentMode == MainMode.MIX ? MainMode.MIX : local ? MainMode.LOCAL : MainMode.CLOUD;
    List<String> mainKeys = new ArrayList<>();
    setValue(MODE, mode.yamlName(), currentMode == mode, mainKeys);
    String key = local ? "main_llm_local" : "main_llm_cloud";
    String prefix = local ? LocalModel.REF_PREFIX : CloudModel.REF_PREFIX;
    String was = YamlDocument.scalar(doc.root(), key);
    boolean same = was != null && (was.trim().equals(ref) || (prefix + was.trim()).equals(ref));
    setValue(key, ref, same, mainKeys);
    if (!mainKeys.isEmpty()) {
      appended.add(mainKeys);
    }
    appendAtEnd();
    return new Outcome(edits.apply(), ref, mode, List.copyOf(changes), added);
  }

  // ---- entries ----

  private SequenceNode localModels() {
    NodeTuple t = YamlDocument.lastTuple(doc.root(), "local_models");
    return t != null && t.getValueNode() instanceof SequenceNode s ? s : null;
  }

  /** The id of the first {@code type: ollama} entry whose path names this model, or null. */
  private String ollamaEntryId(String name) {
    SequenceNode models = localModels();
    if (models == null) {
      return null;
    }
    for (Node item : models.getValue()) {
      String id = YamlDocument.scalar(item, "id");
      if (id != null && "ollama".equals(YamlDocument.scalar(item, "type"))
          && OllamaNames.same(YamlDocument.scalar(item, "path"), name)) {
        return id.trim();
      }
    }
    return null;
  }

  /** Points an existing entry at the model's host and port when they differ. */
  private void moveEntry(String id, OllamaModel m) {
    for (Node item : localModels().getValue()) {
      if (item instanceof MappingNode entry && id.equals(String.valueOf(YamlDocument.scalar(entry, "id")).trim())) {
        String host = YamlDocument.scalar(entry, "host");
        String port = YamlDocument.scalar(entry, "port");
        boolean sameHost = host == null ? m.host().equals(OllamaUrl.DEFAULT_HOST) : host.trim().equals(m.host());
        boolean samePort = port == null ? m.port() == OllamaUrl.DEFAULT_PORT : port.trim().equals(Integer.toString(m.port()));
        if (!sameHost) {
          setInEntry(entry, "host", YamlScalars.format(m.host()));
        }
        if (!samePort) {
          setInEntry(entry, "port", Integer.toString(m.port())); // a number, unquoted
        }
        if (!sameHost || !samePort) {
          changes.add("local_models/" + id + " now uses the Ollama server at " + m.host() + ":" + m.port());
        }
        return;
      }
    }
  }

  /**
   * Replaces an entry's scalar, or adds the key in the entry's own style (block or flow).
   * {@code yaml} is the value as YAML text, already quoted where needed.
   */
  private void setInEntry(MappingNode entry, String key, String yaml) {
    NodeTuple t = YamlDocument.lastTuple(entry, key);
    if (t != null) {
      replaceScalarText(t, key, yaml);
    } else if (YamlDocument.flow(entry)) {
      int close = doc.end(entry) - 1; // at '}'
      int p = close;
      while (Character.isWhitespace(text.charAt(p - 1))) {
        p--;
      }
      edits.insert(p, ", " + key + ": " + yaml);
    } else {
      int column = entry.getValue().get(0).getKeyNode().getStartMark().getColumn();
      insertLines(doc.nextLineStart(doc.contentEnd(entry)), indent(column) + key + ": " + yaml + nl);
    }
  }

  /** An entry's plain value replaced by YAML text (a host, a port number). */
  private void replaceScalarText(NodeTuple t, String key, String yaml) {
    if (!(t.getValueNode() instanceof ScalarNode s) || doc.end(s) <= doc.start(s)
        || doc.start(s) < doc.end(t.getKeyNode())) {
      throw new IllegalArgumentException(key + " of the Ollama entry is not a plain value; set it by hand");
    }
    edits.replace(doc.start(s), doc.end(s), yaml);
  }

  private String addEntry(OllamaModel m, String comment) {
    NodeTuple tuple = YamlDocument.lastTuple(doc.root(), "local_models");
    SequenceNode models = localModels();
    Set<String> ids = new HashSet<>();
    if (models != null) {
      models.getValue().forEach(item -> ids.add(String.valueOf(YamlDocument.scalar(item, "id")).trim()));
    }
    String base = OllamaNames.entryId(m.name());
    String id = base;
    for (int n = 2; ids.contains(id); n++) {
      id = base + "-" + n;
    }
    List<String> fields = List.of("id: " + YamlScalars.format(id), "type: ollama",
        "path: " + YamlScalars.format(m.name()), "host: " + YamlScalars.format(m.host()),
        "port: " + m.port());
    if (tuple == null) {
      List<String> block = new ArrayList<>();
      block.add(indent(rootColumn()) + "local_models:");
      block.addAll(entryLines(rootColumn() + 2, rootColumn() + 4, fields, comment));
      appended.add(block);
    } else if (models != null && !models.getValue().isEmpty() && !YamlDocument.flow(models)) {
      insertAfterLastItem(models, fields, comment);
    } else if (models != null && !models.getValue().isEmpty()) {
      insertIntoFlowList(tuple, models, fields, comment);
    } else if (models != null || nullValue(tuple.getValueNode())) {
      replaceEmptyList(tuple, fields, comment);
    } else {
      throw new IllegalArgumentException("local_models is not a list of entries; fix it by hand");
    }
    changes.add("added local_models/" + id + " (Ollama model " + m.name() + " at "
        + (m.host().contains(":") ? "[" + m.host() + "]" : m.host()) + ":" + m.port() + ")");
    return id;
  }

  private void insertAfterLastItem(SequenceNode models, List<String> fields, String comment) {
    List<Node> items = models.getValue();
    Node last = items.get(items.size() - 1);
    int end = doc.contentEnd(last);
    if (end < doc.start(last)) {
      throw new IllegalArgumentException("the last entry of local_models is an alias; add the entry by hand");
    }
    int dash = models.getStartMark().getColumn();
    Node first = items.get(0);
    boolean sameLine = doc.lineStart(doc.start(first)) == doc.lineStart(doc.start(models));
    int key = first instanceof MappingNode && sameLine ? first.getStartMark().getColumn() : dash + 2;
    StringBuilder lines = new StringBuilder();
    if (items.size() > 1 && blankLineBetween(doc.contentEnd(items.get(items.size() - 2)), doc.start(last))) {
      lines.append(nl); // the file separates entries with a blank line
    }
    entryLines(dash, key, fields, comment).forEach(l -> lines.append(l).append(nl));
    insertLines(doc.nextLineStart(end), lines.toString());
  }

  private void insertIntoFlowList(NodeTuple tuple, SequenceNode models, List<String> fields,
      String comment) {
    int close = doc.end(models) - 1; // at ']'
    int p = close;
    while (Character.isWhitespace(text.charAt(p - 1))) {
      p--;
    }
    String separator = text.charAt(p - 1) == ',' ? " " : ", ";
    edits.insert(p, separator + "{" + String.join(", ", fields) + "}");
    int keyStart = doc.start(tuple.getKeyNode());
    edits.insert(doc.lineStart(keyStart), indent(doc.column(keyStart)) + "# " + comment + nl);
  }

  /** {@code local_models: []} or {@code local_models:} with nothing: becomes a block list. */
  private void replaceEmptyList(NodeTuple tuple, List<String> fields, String comment) {
    Node key = tuple.getKeyNode();
    Node value = tuple.getValueNode();
    int colon = text.indexOf(':', doc.end(key));
    int start = doc.start(value);
    int end = doc.end(value);
    if (end > start) {
      while (start > colon + 1 && (text.charAt(start - 1) == ' ' || text.charAt(start - 1) == '\t')) {
        start--;
      }
      edits.replace(start, end, "");
    }
    int column = doc.column(doc.start(key));
    StringBuilder lines = new StringBuilder();
    entryLines(column + 2, column + 4, fields, comment).forEach(l -> lines.append(l).append(nl));
    // An empty value's mark may sit at the next token; the key's own line ends after the colon.
    insertLines(doc.nextLineStart(end > start ? end : colon + 1), lines.toString());
  }

  private List<String> entryLines(int dash, int key, List<String> fields, String comment) {
    List<String> out = new ArrayList<>();
    out.add(indent(dash) + "# " + comment);
    out.add(indent(dash) + "-" + " ".repeat(Math.max(1, key - dash - 1)) + fields.get(0));
    fields.subList(1, fields.size()).forEach(f -> out.add(indent(key) + f));
    return out;
  }

  /** Inserts whole lines at a line start; at the end of a file without a final line break, adds one. */
  private void insertLines(int at, String lines) {
    boolean needsBreak = at == text.length() && !text.isEmpty() && !endsWithBreak(text);
    breakAddedAtEnd |= needsBreak;
    edits.insert(at, (needsBreak ? nl : "") + lines);
  }

  private boolean blankLineBetween(int from, int to) {
    for (int line = doc.nextLineStart(from); line < doc.lineStart(to); line = doc.nextLineStart(line)) {
      if (doc.blankLine(line)) {
        return true;
      }
    }
    return false;
  }

  // ---- top-level values ----

  private void setValue(String key, String value, boolean unchanged, List<String> absent) {
    NodeTuple t = YamlDocument.lastTuple(doc.root(), key);
    if (t == null) {
      absent.add(indent(rootColumn()) + key + ": " + YamlScalars.format(value));
      changes.add(key + ": " + value + " (added)");
      return;
    }
    if (unchanged) {
      return;
    }
    String was = replaceScalar(t, key, value);
    changes.add(key + ": " + value + " (was " + was + ")");
  }

  /** Replaces the scalar value of a key in place, keeping its quoting style; returns the old value. */
  private String replaceScalar(NodeTuple t, String key, String value) {
    if (!(t.getValueNode() instanceof ScalarNode s) || s.getScalarStyle() == ScalarStyle.LITERAL
        || s.getScalarStyle() == ScalarStyle.FOLDED) {
      throw new IllegalArgumentException(key + " is not a single value; fix it by hand");
    }
    int keyEnd = doc.end(t.getKeyNode());
    int start = doc.start(s);
    int end = doc.end(s);
    if (start < keyEnd) {
      throw new IllegalArgumentException(key + " is an alias; set it by hand");
    }
    if (end > start) {
      edits.replace(start, end, YamlScalars.format(value, s.getScalarStyle()));
    } else {
      // `key:` with nothing after it: the value goes right after the colon.
      int colon = text.indexOf(':', keyEnd);
      int p = colon + 1;
      while (p < text.length() && (text.charAt(p) == ' ' || text.charAt(p) == '\t')) {
        p++;
      }
      boolean restOfLineEmpty = p == text.length() || text.charAt(p) == '\n' || text.charAt(p) == '\r';
      edits.replace(colon + 1, restOfLineEmpty ? p : colon + 1, " " + YamlScalars.format(value));
    }
    return s.getValue().isEmpty() ? "empty" : s.getValue();
  }

  private void appendAtEnd() {
    if (appended.isEmpty()) {
      return;
    }
    StringBuilder out = new StringBuilder();
    if (!endsWithBreak(text) && !breakAddedAtEnd) {
      out.append(nl);
    }
    boolean blankBefore = endsWithBlankLine();
    for (List<String> group : appended) {
      if (!blankBefore) {
        out.append(nl);
      }
      group.forEach(l -> out.append(l).append(nl));
      blankBefore = false;
    }
    edits.insert(text.length(), out.toString());
  }

  private boolean endsWithBlankLine() {
    String body = text.endsWith("\r\n") ? text.substring(0, text.length() - 2)
        : endsWithBreak(text) ? text.substring(0, text.length() - 1) : text;
    return endsWithBreak(text) && (body.isEmpty() || endsWithBreak(body) || doc.blankLine(body.length()));
  }

  private int rootColumn() {
    return doc.root().getValue().isEmpty() ? 0 : doc.root().getValue().get(0).getKeyNode().getStartMark().getColumn();
  }

  private static boolean nullValue(Node node) {
    return node instanceof ScalarNode s && s.getTag().equals(Tag.NULL);
  }

  private static boolean endsWithBreak(String s) {
    return s.endsWith("\n") || s.endsWith("\r");
  }

  private static String indent(int n) {
    return " ".repeat(n);
  }
}
