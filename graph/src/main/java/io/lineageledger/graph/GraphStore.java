package io.lineageledger.graph;

import java.sql.Array;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;

/** SQL of the graph tables. Reads take a tree size and see only rows with a smaller leaf. */
final class GraphStore {
  /** Most record ids listed per node or edge; the full count is reported beside them. */
  static final int CITED_PER_ELEMENT = 5;

  private GraphStore() {}

  record NodeRow(GraphElements.Node node, long leafIndex, long recordSeq) {}

  record EdgeRow(GraphElements.Edge edge, long leafIndex, long recordSeq) {}

  /** A node as known at a tree size: its type and key, and the records that cite it. */
  record NodeView(String id, String type, String key, long citations, List<Long> records) {}

  /** An edge as known at a tree size, with the records that state it. */
  record EdgeView(String from, String rel, String to, long citations, List<Long> records) {}

  static void insert(Connection c, List<NodeRow> nodes, List<EdgeRow> edges) throws SQLException {
    if (!nodes.isEmpty()) {
      try (PreparedStatement ps =
          c.prepareStatement(
              "INSERT INTO graph_nodes (node, type, key, leaf_index, record_seq)"
                  + " SELECT * FROM unnest(?::text[], ?::text[], ?::text[], ?::bigint[], ?::bigint[])"
                  + " ON CONFLICT DO NOTHING")) {
        ps.setArray(1, c.createArrayOf("text", nodes.stream().map(n -> n.node().id()).toArray()));
        ps.setArray(2, c.createArrayOf("text", nodes.stream().map(n -> n.node().type()).toArray()));
        ps.setArray(3, c.createArrayOf("text", nodes.stream().map(n -> n.node().key()).toArray()));
        ps.setArray(4, c.createArrayOf("int8", nodes.stream().map(NodeRow::leafIndex).toArray()));
        ps.setArray(5, c.createArrayOf("int8", nodes.stream().map(NodeRow::recordSeq).toArray()));
        ps.executeUpdate();
      }
    }
    if (!edges.isEmpty()) {
      try (PreparedStatement ps =
          c.prepareStatement(
              "INSERT INTO graph_edges (from_node, rel, to_node, leaf_index, record_seq)"
                  + " SELECT * FROM unnest(?::text[], ?::text[], ?::text[], ?::bigint[], ?::bigint[])"
                  + " ON CONFLICT DO NOTHING")) {
        ps.setArray(1, c.createArrayOf("text", edges.stream().map(e -> e.edge().from()).toArray()));
        ps.setArray(2, c.createArrayOf("text", edges.stream().map(e -> e.edge().rel()).toArray()));
        ps.setArray(3, c.createArrayOf("text", edges.stream().map(e -> e.edge().to()).toArray()));
        ps.setArray(4, c.createArrayOf("int8", edges.stream().map(EdgeRow::leafIndex).toArray()));
        ps.setArray(5, c.createArrayOf("int8", edges.stream().map(EdgeRow::recordSeq).toArray()));
        ps.executeUpdate();
      }
    }
  }

  /** Binds a statement's parameters. */
  private interface Binder {
    void bind(PreparedStatement ps) throws SQLException;
  }

  /** Maps the current row. */
  private interface Row<T> {
    T map(ResultSet rs) throws SQLException;
  }

  private static <T> List<T> query(Connection c, String sql, Binder binder, Row<T> row)
      throws SQLException {
    List<T> out = new ArrayList<>();
    try (PreparedStatement ps = c.prepareStatement(sql)) {
      binder.bind(ps);
      try (ResultSet rs = ps.executeQuery()) {
        while (rs.next()) {
          out.add(row.map(rs));
        }
      }
    }
    return out;
  }

  /** Node ids of the given type and key known at {@code treeSize}. */
  static List<String> nodesByKey(Connection c, String type, String key, long treeSize)
      throws SQLException {
    return query(
        c,
        "SELECT DISTINCT node FROM graph_nodes WHERE type = ? AND key = ? AND leaf_index < ?"
            + " ORDER BY node",
        ps -> {
          ps.setString(1, type);
          ps.setString(2, key);
          ps.setLong(3, treeSize);
        },
        rs -> rs.getString(1));
  }

  /** Records that mention a node of this type and key, below {@code treeSize}. */
  static List<Long> recordsMentioning(Connection c, String type, String key, long treeSize)
      throws SQLException {
    return query(
        c,
        "SELECT DISTINCT record_seq FROM graph_nodes WHERE type = ? AND key = ?"
            + " AND leaf_index < ? ORDER BY 1",
        ps -> {
          ps.setString(1, type);
          ps.setString(2, key);
          ps.setLong(3, treeSize);
        },
        rs -> rs.getLong(1));
  }

  /** Dataset nodes with content digest {@code digest} known at {@code treeSize}. */
  static List<String> datasetsByDigest(Connection c, String digest, long treeSize)
      throws SQLException {
    // The digest pattern (LineageQuery.Start) admits no LIKE wildcards.
    return query(
        c,
        "SELECT DISTINCT node FROM graph_nodes WHERE leaf_index < ? AND ((type = 'datasets'"
            + " AND key LIKE '%@' || ?) OR (type = 'sha256' AND key = ?)) ORDER BY node",
        ps -> {
          ps.setLong(1, treeSize);
          ps.setString(2, digest);
          ps.setString(3, digest);
        },
        rs -> rs.getString(1));
  }

  /**
   * Other nodes that are the same entity as one of {@code ids}: equal type and key, for {@link
   * Extractors#GLOBAL_KEY_TYPES}.
   */
  static List<String> sameEntities(Connection c, Collection<String> ids, long treeSize)
      throws SQLException {
    if (ids.isEmpty()) {
      return new ArrayList<>();
    }
    return query(
        c,
        "SELECT DISTINCT o.node FROM graph_nodes n JOIN graph_nodes o"
            + " ON o.type = n.type AND o.key = n.key AND o.node <> n.node AND o.leaf_index < ?"
            + " WHERE n.node = ANY(?) AND n.leaf_index < ? AND n.type = ANY(?) ORDER BY 1",
        ps -> {
          ps.setLong(1, treeSize);
          ps.setArray(2, c.createArrayOf("text", ids.toArray()));
          ps.setLong(3, treeSize);
          ps.setArray(4, c.createArrayOf("text", Extractors.GLOBAL_KEY_TYPES.toArray()));
        },
        rs -> rs.getString(1));
  }

  /** The nodes among {@code ids} known at {@code treeSize}. */
  static List<NodeView> nodes(Connection c, Collection<String> ids, long treeSize)
      throws SQLException {
    if (ids.isEmpty()) {
      return new ArrayList<>();
    }
    return query(
        c,
        "SELECT node, min(type), min(key), count(*), (array_agg(record_seq ORDER BY leaf_index))[1:"
            + CITED_PER_ELEMENT
            + "] FROM graph_nodes WHERE node = ANY(?) AND leaf_index < ? GROUP BY node",
        ps -> {
          ps.setArray(1, c.createArrayOf("text", ids.toArray()));
          ps.setLong(2, treeSize);
        },
        rs ->
            new NodeView(
                rs.getString(1),
                rs.getString(2),
                rs.getString(3),
                rs.getLong(4),
                longs(rs.getArray(5))));
  }

  /**
   * Edges touching {@code frontier} known at {@code treeSize}: leaving it when {@code outgoing},
   * entering it otherwise.
   */
  static List<EdgeView> edges(
      Connection c, Collection<String> frontier, boolean outgoing, long treeSize)
      throws SQLException {
    if (frontier.isEmpty()) {
      return new ArrayList<>();
    }
    return query(
        c,
        "SELECT from_node, rel, to_node, count(*), (array_agg(record_seq ORDER BY leaf_index))[1:"
            + CITED_PER_ELEMENT
            + "] FROM graph_edges WHERE "
            + (outgoing ? "from_node" : "to_node")
            + " = ANY(?) AND leaf_index < ? GROUP BY from_node, rel, to_node",
        ps -> {
          ps.setArray(1, c.createArrayOf("text", frontier.toArray()));
          ps.setLong(2, treeSize);
        },
        rs ->
            new EdgeView(
                rs.getString(1),
                rs.getString(2),
                rs.getString(3),
                rs.getLong(4),
                longs(rs.getArray(5))));
  }

  private static List<Long> longs(Array a) throws SQLException {
    List<Long> out = new ArrayList<>();
    for (Object o : (Object[]) a.getArray()) {
      out.add(((Number) o).longValue());
    }
    return out;
  }
}
