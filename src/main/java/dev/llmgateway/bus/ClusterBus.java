package dev.llmgateway.bus;

/**
 * The cluster's contract (only with {@code serve --cluster}). Every node publishes
 * {@link #NODES} cluster-wide once a second and whenever its loaded models change:
 * {@code {"node": "<name>", "url": "http(s)://host:port", "models": ["<id>", ...], "leaving": false}};
 * a node that stops says {@code "leaving": true}, one that dies is forgotten after
 * {@code NODE_EXPIRY_MS} without a word. Each node's cluster verticle keeps what it heard and
 * publishes it on this node only as {@link #DIRECTORY} when it changes (and answers
 * {@link #DIRECTORY_NOW}): {@code {"node": "<this node>", "nodes": [{"node", "url", "models"}]}}, the
 * other live nodes only.
 */
public final class ClusterBus {

  public static final String NODES = "llm.cluster.nodes";
  public static final String DIRECTORY = "llm.cluster.directory";
  public static final String DIRECTORY_NOW = "llm.cluster.directory.now";

  public static final long ANNOUNCE_MS = 1000;
  public static final long NODE_EXPIRY_MS = 3500;

  /** On every answer a node of a cluster gives to a model endpoint: the node that served it. */
  public static final String NODE_HEADER = "X-LLM-Node";
  /**
   * On a request one node passes to another (the one running the model): that node serves it
   * itself, whatever it knows, so a request crosses at most once.
   */
  public static final String FORWARDED_BY_HEADER = "X-LLM-Forwarded-By";

  private ClusterBus() {
  }
}
