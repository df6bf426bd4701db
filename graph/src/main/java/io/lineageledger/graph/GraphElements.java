package io.lineageledger.graph;

import java.util.List;
import java.util.Objects;
import java.util.regex.Pattern;

/**
 * The nodes and edges one journal record evidences. Built by an {@link EdgeExtractor}; validated
 * when built, so the projection never stores a malformed element.
 *
 * @param nodes entities the record mentions
 * @param edges relations the record states, directed along the flow of data (dataset → run → model
 *     version): "upstream" follows them backwards
 */
public record GraphElements(List<Node> nodes, List<Edge> edges) {
  private static final Pattern TYPE = Pattern.compile("[a-z0-9][a-z0-9._-]{0,63}");

  public static final GraphElements NONE = new GraphElements(List.of(), List.of());

  public GraphElements {
    nodes = List.copyOf(Objects.requireNonNull(nodes, "nodes"));
    edges = List.copyOf(Objects.requireNonNull(edges, "edges"));
  }

  /** Both lists joined. */
  public GraphElements plus(GraphElements other) {
    if (other.nodes.isEmpty() && other.edges.isEmpty()) {
      return this;
    }
    return new GraphElements(
        java.util.stream.Stream.concat(nodes.stream(), other.nodes.stream()).toList(),
        java.util.stream.Stream.concat(edges.stream(), other.edges.stream()).toList());
  }

  /**
   * An entity of the graph.
   *
   * @param id the subject that names it, as records write it (1..1024 characters)
   * @param type what it is, e.g. {@code model-versions}, {@code runs}, {@code datasets}
   * @param key what identifies it apart from where it was seen, e.g. {@code <name>/<version>}
   */
  public record Node(String id, String type, String key) {
    public Node {
      requireText(id, "node id");
      requireText(key, "node key");
      if (type == null || !TYPE.matcher(type).matches()) {
        throw new IllegalArgumentException(
            "node type '" + type + "' is not allowed: expected 1..64 of a-z 0-9 . _ -");
      }
    }
  }

  /**
   * A relation between two nodes, e.g. {@code dataset —input-to→ run}.
   *
   * @param from source node id
   * @param rel relation name, 1..64 of a-z 0-9 . _ -
   * @param to target node id
   */
  public record Edge(String from, String rel, String to) {
    public Edge {
      requireText(from, "edge source");
      requireText(to, "edge target");
      if (rel == null || !TYPE.matcher(rel).matches()) {
        throw new IllegalArgumentException(
            "relation '" + rel + "' is not allowed: expected 1..64 of a-z 0-9 . _ -");
      }
    }
  }

  private static void requireText(String s, String what) {
    if (s == null || s.isEmpty() || s.length() > 1024) {
      throw new IllegalArgumentException(
          what + " '" + s + "' is not allowed: expected 1..1024 characters");
    }
  }
}
