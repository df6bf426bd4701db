package io.lineageledger.graph;

/** The node a question starts from is not in the graph at the checkpoint asked about. */
public final class UnknownNodeException extends RuntimeException {
  private final String node;
  private final long treeSize;

  UnknownNodeException(String node, long treeSize) {
    super("no node " + node + " in the lineage graph as of tree size " + treeSize);
    this.node = node;
    this.treeSize = treeSize;
  }

  public String node() {
    return node;
  }

  public long treeSize() {
    return treeSize;
  }
}
