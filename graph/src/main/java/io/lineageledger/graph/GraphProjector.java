package io.lineageledger.graph;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.lineageledger.ledger.journal.StoredRecord;
import java.io.IOException;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.sql.Timestamp;
import java.time.Clock;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import javax.sql.DataSource;

/**
 * Keeps the graph tables in step with the log: reads sequenced records in leaf order from where it
 * stopped, extracts their elements and writes them with the new position in one transaction, so a
 * crash never projects a record twice or skips one. Only sequenced records are projected, so
 * everything the graph cites has an inclusion proof.
 */
final class GraphProjector {
  private static final ObjectMapper JSON = new ObjectMapper();

  private final DataSource db;
  private final EdgeExtractor extractor;
  private final Clock clock;
  private final int batch;

  GraphProjector(DataSource db, EdgeExtractor extractor, Clock clock, int batch) {
    if (batch < 1) {
      throw new IllegalArgumentException("batch " + batch + " is not allowed: expected >= 1");
    }
    this.db = db;
    this.extractor = extractor;
    this.clock = clock;
    this.batch = batch;
  }

  /**
   * Projects up to one batch of records.
   *
   * @return how many records were projected (0 when the graph is up to date)
   */
  synchronized int step() throws SQLException {
    try (Connection c = db.getConnection()) {
      c.setAutoCommit(false);
      try {
        int n = step(c);
        c.commit();
        return n;
      } catch (SQLException | RuntimeException e) {
        c.rollback();
        throw e;
      } finally {
        c.setAutoCommit(true);
      }
    }
  }

  /** Projects until the graph covers the current tree; returns records projected. */
  long catchUp() throws SQLException {
    long total = 0;
    for (int n = step(); n > 0; n = step()) {
      total += n;
    }
    return total;
  }

  /** Empties the graph and projects the whole log again. */
  synchronized long rebuild() throws SQLException {
    try (Connection c = db.getConnection();
        Statement s = c.createStatement()) {
      c.setAutoCommit(false);
      try {
        s.execute("LOCK TABLE graph_projection IN EXCLUSIVE MODE");
        GraphStore.clear(c);
        s.execute("DELETE FROM graph_projection");
        c.commit();
      } catch (SQLException | RuntimeException e) {
        c.rollback();
        throw e;
      } finally {
        c.setAutoCommit(true);
      }
    }
    return catchUp();
  }

  private int step(Connection c) throws SQLException {
    long next = position(c);
    long size = treeSize(c);
    if (next >= size) {
      return 0;
    }
    long to = Math.min(size, next + batch);
    List<GraphStore.NodeRow> nodes = new ArrayList<>();
    List<GraphStore.EdgeRow> edges = new ArrayList<>();
    int n = 0;
    try (PreparedStatement ps =
        c.prepareStatement(
            "SELECT l.leaf_index, r.seq, r.source, r.kind, r.source_ref, r.canonical, r.leaf_hash,"
                + " r.received_at FROM journal_leaf_range(?, ?) l JOIN journal_records r"
                + " ON r.seq = l.seq ORDER BY l.leaf_index")) {
      ps.setLong(1, next);
      ps.setLong(2, to);
      try (ResultSet rs = ps.executeQuery()) {
        while (rs.next()) {
          long leaf = rs.getLong(1);
          if (leaf != next + n) {
            throw new SQLException("leaf " + (next + n) + " is missing from the log");
          }
          StoredRecord record =
              new StoredRecord(
                  rs.getLong(2),
                  rs.getString(3),
                  rs.getString(4),
                  rs.getString(5),
                  rs.getBytes(6),
                  rs.getBytes(7),
                  null,
                  rs.getTimestamp(8).toInstant(),
                  OptionalLong.of(leaf));
          GraphElements elements = extractor.extract(record, parse(record));
          // One citation per node and record (the first statement of it, should two extractors
          // type one subject differently), as the citation rows' key (node, leaf) requires.
          Map<String, GraphElements.Node> distinctNodes = new LinkedHashMap<>();
          for (GraphElements.Node node : elements.nodes()) {
            distinctNodes.putIfAbsent(node.id(), node);
          }
          for (GraphElements.Node node : distinctNodes.values()) {
            nodes.add(new GraphStore.NodeRow(node, leaf, record.id()));
          }
          for (GraphElements.Edge edge : new LinkedHashSet<>(elements.edges())) {
            edges.add(new GraphStore.EdgeRow(edge, leaf, record.id()));
          }
          n++;
        }
      }
    }
    if (next + n != to) {
      throw new SQLException(
          "leaves " + (next + n) + ".." + (to - 1) + " are missing from the log");
    }
    GraphStore.insert(c, nodes, edges);
    try (PreparedStatement ps =
        c.prepareStatement(
            "INSERT INTO graph_projection (singleton, next_leaf, updated_at) VALUES (true, ?, ?)"
                + " ON CONFLICT (singleton) DO UPDATE SET next_leaf = excluded.next_leaf,"
                + " updated_at = excluded.updated_at")) {
      ps.setLong(1, to);
      ps.setTimestamp(2, Timestamp.from(clock.instant()));
      ps.executeUpdate();
    }
    return n;
  }

  // FOR UPDATE serializes projectors (two instances on one database) on the position row.
  private static long position(Connection c) throws SQLException {
    try (Statement s = c.createStatement()) {
      s.execute(
          "INSERT INTO graph_projection (singleton, next_leaf, updated_at) VALUES (true, 0, now())"
              + " ON CONFLICT DO NOTHING");
      try (ResultSet rs =
          s.executeQuery("SELECT next_leaf FROM graph_projection WHERE singleton FOR UPDATE")) {
        rs.next();
        return rs.getLong(1);
      }
    }
  }

  static long treeSize(Connection c) throws SQLException {
    try (Statement s = c.createStatement();
        ResultSet rs = s.executeQuery("SELECT coalesce(max(size), 0) FROM journal_tree_heads")) {
      rs.next();
      return rs.getLong(1);
    }
  }

  /** How far the graph has projected the log. */
  long position() throws SQLException {
    try (Connection c = db.getConnection();
        Statement s = c.createStatement();
        ResultSet rs = s.executeQuery("SELECT next_leaf FROM graph_projection")) {
      return rs.next() ? rs.getLong(1) : 0;
    }
  }

  private static JsonNode parse(StoredRecord r) {
    try {
      return JSON.readTree(r.canonical());
    } catch (IOException e) {
      throw new IllegalStateException("record " + r.id() + " holds no JSON document", e);
    }
  }
}
