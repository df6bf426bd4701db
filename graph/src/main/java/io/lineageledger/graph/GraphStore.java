package io.lineageledger.graph;

import io.lineageledger.ledger.journal.StoredRecord;
import java.io.IOException;
import java.io.StringReader;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.AbstractSet;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import org.postgresql.PGConnection;

/** SQL of the graph tables. Reads take a tree size and see only rows with a smaller leaf. */
final class GraphStore {
  /** Most record ids listed per node or edge; the full count is reported beside them. */
  static final int CITED_PER_ELEMENT = 5;

  private GraphStore() {}

  record NodeRow(GraphElements.Node node, long leafIndex, long recordSeq) {}

  record EdgeRow(GraphElements.Edge edge, long leafIndex, long recordSeq) {}

  /**
   * A node as known at a tree size: its type and key, how many records cite it, and the first ones
   * with their leaf indices ({@code leaves.get(i)} is the leaf of {@code records.get(i)}).
   */
  record NodeView(
      String id, String type, String key, long citations, List<Long> records, List<Long> leaves) {}

  /** An edge as known at a tree size, with the records that state it (as in {@link NodeView}). */
  record EdgeView(
      String from, String rel, String to, long citations, List<Long> records, List<Long> leaves) {}

  /**
   * Record ids a lineage page cites, each with the leaf index the graph holds (in no order: the
   * reads that use them return rows in id order). Kept in primitive arrays ({@link LongLongMap}):
   * an impact page cites thousands of records.
   */
  static final class Cited extends AbstractSet<Long> {
    private final LongLongMap leafOf = new LongLongMap(1024);

    /** Adds {@code records.get(i)} at leaf {@code leaves.get(i)}, for each i. */
    void add(List<Long> records, List<Long> leaves) {
      if (records instanceof LongList r && leaves instanceof LongList l) {
        for (int i = 0; i < r.size(); i++) {
          leafOf.put(r.getLong(i), l.getLong(i));
        }
        return;
      }
      for (int i = 0; i < records.size(); i++) {
        leafOf.put(records.get(i), leaves.get(i));
      }
    }

    /** The ids, in no order. */
    long[] ids() {
      return leafOf.keys();
    }

    /** The leaf index of a cited record. */
    long leafOf(long id) {
      long leaf = leafOf.get(id, -1);
      if (leaf < 0) {
        throw new IllegalStateException("record " + id + " is not cited by this page");
      }
      return leaf;
    }

    @Override
    public boolean contains(Object o) {
      return o instanceof Long id && leafOf.containsKey(id);
    }

    @Override
    public Iterator<Long> iterator() {
      long[] ids = ids();
      return java.util.Arrays.stream(ids).iterator();
    }

    @Override
    public int size() {
      return leafOf.size();
    }
  }

  /**
   * Writes one projection step: the citation rows, and the summaries they change. {@code nodes} and
   * {@code edges} are in leaf order and all lie beyond what the summaries hold (the projector's
   * position row serializes steps), so a summary only ever grows at its end.
   */
  static void insert(Connection c, List<NodeRow> nodes, List<EdgeRow> edges) throws SQLException {
    if (!nodes.isEmpty()) {
      StringBuilder rows = new StringBuilder(nodes.size() * 96);
      for (NodeRow n : nodes) {
        row(rows, n.node().id(), n.node().type(), n.node().key(), n.leafIndex(), n.recordSeq());
      }
      copy(c, "COPY graph_nodes (node, type, key, leaf_index, record_seq) FROM STDIN", rows);
      Map<String, Summary> sums = new LinkedHashMap<>();
      for (NodeRow n : nodes) {
        sums.computeIfAbsent(
                n.node().id(),
                id -> new Summary(new String[] {id, n.node().type(), n.node().key()}))
            .add(n.leafIndex(), n.recordSeq());
      }
      upsert(
          c,
          "INSERT INTO graph_node_summary AS s (node, type, key, first_leaf, last_leaf, citations,"
              + " first_leaves, first_records) SELECT a, b, k, f, l, n, fl::bigint[], fr::bigint[]"
              + " FROM unnest(?::text[], ?::text[], ?::text[], ?::bigint[], ?::bigint[],"
              + " ?::bigint[], ?::text[], ?::text[]) AS u(a, b, k, f, l, n, fl, fr)"
              + " ON CONFLICT (node) DO UPDATE SET"
              // min() of the citation rows, as a read without the summary would answer.
              + " type = least(s.type, excluded.type), key = least(s.key, excluded.key),"
              + SUMMARY_GROWS,
          sums.values());
      sameEntities(c, nodes);
    }
    if (!edges.isEmpty()) {
      StringBuilder rows = new StringBuilder(edges.size() * 128);
      for (EdgeRow e : edges) {
        row(rows, e.edge().from(), e.edge().rel(), e.edge().to(), e.leafIndex(), e.recordSeq());
      }
      copy(
          c, "COPY graph_edges (from_node, rel, to_node, leaf_index, record_seq) FROM STDIN", rows);
      Map<GraphElements.Edge, Summary> sums = new LinkedHashMap<>();
      for (EdgeRow e : edges) {
        sums.computeIfAbsent(e.edge(), x -> new Summary(new String[] {x.from(), x.rel(), x.to()}))
            .add(e.leafIndex(), e.recordSeq());
      }
      upsert(
          c,
          "INSERT INTO graph_edge_summary AS s (from_node, rel, to_node, first_leaf, last_leaf,"
              + " citations, first_leaves, first_records)"
              + " SELECT a, b, k, f, l, n, fl::bigint[], fr::bigint[]"
              + " FROM unnest(?::text[], ?::text[], ?::text[], ?::bigint[], ?::bigint[],"
              + " ?::bigint[], ?::text[], ?::text[]) AS u(a, b, k, f, l, n, fl, fr)"
              + " ON CONFLICT (from_node, rel, to_node) DO UPDATE SET"
              + SUMMARY_GROWS,
          sums.values());
    }
  }

  // The step's nodes of a global-key type whose key a node (of this step or an earlier one) shares
  // with another: they and those others get a graph_same_entity row, once.
  private static void sameEntities(Connection c, List<NodeRow> nodes) throws SQLException {
    java.util.Set<List<String>> keys = new java.util.LinkedHashSet<>();
    for (NodeRow n : nodes) {
      if (Extractors.GLOBAL_KEY_TYPES.contains(n.node().type())) {
        keys.add(List.of(n.node().type(), n.node().key()));
      }
    }
    if (keys.isEmpty()) {
      return;
    }
    try (PreparedStatement ps =
        c.prepareStatement(
            "INSERT INTO graph_same_entity (node, type, key, first_leaf)"
                + " SELECT s.node, s.type, s.key, s.first_leaf FROM graph_node_summary s"
                + " WHERE (s.type, s.key) IN (SELECT o.type, o.key FROM graph_node_summary o"
                + " JOIN unnest(?::text[], ?::text[]) AS k(type, key)"
                + " ON o.type = k.type AND o.key = k.key GROUP BY 1, 2 HAVING count(*) > 1)"
                + " ORDER BY 1 ON CONFLICT (node) DO NOTHING")) {
      ps.setArray(1, c.createArrayOf("text", keys.stream().map(k -> k.get(0)).toArray()));
      ps.setArray(2, c.createArrayOf("text", keys.stream().map(k -> k.get(1)).toArray()));
      ps.executeUpdate();
    }
  }

  // COPY (text format) streams the citation rows: no arrays to build, bind and unnest.
  private static void copy(Connection c, String sql, StringBuilder rows) throws SQLException {
    try {
      c.unwrap(PGConnection.class).getCopyAPI().copyIn(sql, new StringReader(rows.toString()));
    } catch (IOException e) {
      throw new SQLException("could not stream rows to " + sql + ": " + e.getMessage(), e);
    }
  }

  private static void row(StringBuilder b, String t1, String t2, String t3, long n1, long n2) {
    copyText(b, t1);
    b.append('\t');
    copyText(b, t2);
    b.append('\t');
    copyText(b, t3);
    b.append('\t').append(n1).append('\t').append(n2).append('\n');
  }

  // Escapes what COPY's text format gives a meaning (backslash, tab, newline, carriage return).
  private static void copyText(StringBuilder b, String s) {
    for (int i = 0; i < s.length(); i++) {
      char ch = s.charAt(i);
      switch (ch) {
        case '\\' -> b.append("\\\\");
        case '\t' -> b.append("\\t");
        case '\n' -> b.append("\\n");
        case '\r' -> b.append("\\r");
        default -> b.append(ch);
      }
    }
  }

  // The step's citations come after every citation already summarized.
  private static final String SUMMARY_GROWS =
      " last_leaf = excluded.last_leaf, citations = s.citations + excluded.citations,"
          + " first_leaves = (s.first_leaves || excluded.first_leaves)[1:"
          + CITED_PER_ELEMENT
          + "], first_records = (s.first_records || excluded.first_records)[1:"
          + CITED_PER_ELEMENT
          + "]";

  /** Empties the graph tables (the caller holds the projection lock). */
  static void clear(Connection c) throws SQLException {
    try (Statement s = c.createStatement()) {
      for (String t :
          List.of(
              "graph_edges",
              "graph_nodes",
              "graph_edge_summary",
              "graph_same_entity",
              "graph_node_summary")) {
        s.execute("DELETE FROM " + t);
      }
    }
  }

  /** One step's citations of one node or edge, in leaf order. */
  private static final class Summary {
    final String[] key;
    long first = -1;
    long last;
    long count;
    final List<Long> leaves = new ArrayList<>(CITED_PER_ELEMENT);
    final List<Long> records = new ArrayList<>(CITED_PER_ELEMENT);

    Summary(String[] key) {
      this.key = key;
    }

    void add(long leaf, long seq) {
      if (first < 0) {
        first = leaf;
      }
      last = leaf;
      count++;
      if (leaves.size() < CITED_PER_ELEMENT) {
        leaves.add(leaf);
        records.add(seq);
      }
    }
  }

  private static void upsert(Connection c, String sql, Collection<Summary> sums)
      throws SQLException {
    int n = sums.size();
    Object[][] text = new Object[3][n];
    Object[][] nums = new Object[3][n];
    Object[][] lists = new Object[2][n];
    int i = 0;
    for (Summary s : sums) {
      for (int k = 0; k < 3; k++) {
        text[k][i] = s.key[k];
      }
      nums[0][i] = s.first;
      nums[1][i] = s.last;
      nums[2][i] = s.count;
      lists[0][i] = arrayLiteral(s.leaves);
      lists[1][i] = arrayLiteral(s.records);
      i++;
    }
    try (PreparedStatement ps = c.prepareStatement(sql)) {
      for (int k = 0; k < 3; k++) {
        ps.setArray(1 + k, c.createArrayOf("text", text[k]));
        ps.setArray(4 + k, c.createArrayOf("int8", nums[k]));
      }
      ps.setArray(7, c.createArrayOf("text", lists[0]));
      ps.setArray(8, c.createArrayOf("text", lists[1]));
      ps.executeUpdate();
    }
  }

  // A one-dimensional bigint array as text, so arrays of differing lengths pass through unnest.
  private static String arrayLiteral(List<Long> values) {
    StringBuilder b = new StringBuilder("{");
    for (int i = 0; i < values.size(); i++) {
      b.append(i == 0 ? "" : ",").append(values.get(i));
    }
    return b.append('}').toString();
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
    // A dataset's key ends in "@<digest>": reversed, a prefix the partial index answers. The
    // digest pattern (LineageQuery.Start) admits no LIKE wildcards.
    return query(
        c,
        "SELECT node FROM graph_node_summary WHERE first_leaf < ? AND ((type = 'datasets'"
            + " AND reverse(key) LIKE reverse('@' || ?) || '%') OR (type = 'sha256' AND key = ?))"
            + " ORDER BY node",
        ps -> {
          ps.setLong(1, treeSize);
          ps.setString(2, digest);
          ps.setString(3, digest);
        },
        rs -> rs.getString(1));
  }

  /**
   * Other nodes that are the same entity as one of {@code ids}: equal type and key, for {@link
   * Extractors#GLOBAL_KEY_TYPES}. Read from {@code graph_same_entity} (V8), which holds only the
   * nodes whose key another node shares, so the nodes of an unshared key (nearly all) cost no probe
   * of the summaries.
   */
  static List<String> sameEntities(Connection c, Collection<String> ids, long treeSize)
      throws SQLException {
    if (ids.isEmpty()) {
      return new ArrayList<>();
    }
    return sameEntities(c, textArray(ids), treeSize);
  }

  /** As {@link #sameEntities(Connection, Collection, long)}, for ids already made an array. */
  static List<String> sameEntities(Connection c, String[] ids, long treeSize) throws SQLException {
    return query(
        c,
        "SELECT DISTINCT o.node FROM graph_same_entity n JOIN graph_same_entity o"
            + " ON o.type = n.type AND o.key = n.key AND o.node <> n.node AND o.first_leaf < ?"
            + " WHERE n.node = ANY(?) AND n.first_leaf < ? ORDER BY 1",
        ps -> {
          ps.setLong(1, treeSize);
          ps.setObject(2, ids);
          ps.setLong(3, treeSize);
        },
        rs -> rs.getString(1));
  }

  /**
   * Node ids as one array, so a traversal makes its frontier once for the same-entity lookup and
   * the next level's edges. Bound with {@code setObject}, the driver sends a {@code String[]} (and
   * a {@code long[]}) in binary form: {@code createArrayOf} spelled every id out as an escaped
   * array literal that the server then parsed again.
   */
  static String[] textArray(Collection<String> ids) {
    return ids.toArray(new String[0]);
  }

  /** The nodes among {@code ids} known at {@code treeSize}. */
  static List<NodeView> nodes(Connection c, Collection<String> ids, long treeSize)
      throws SQLException {
    if (ids.isEmpty()) {
      return new ArrayList<>();
    }
    List<NodeView> out = new ArrayList<>(ids.size());
    List<String> later = new ArrayList<>();
    Map<String, List<List<Long>>> laterRecords = new HashMap<>();
    for (Object[] r :
        query(
            c,
            "SELECT node, type, key, citations, last_leaf, "
                + FIRST_CITED
                + " FROM graph_node_summary WHERE node = ANY(?) AND first_leaf < ?",
            ps -> {
              ps.setObject(1, textArray(ids));
              ps.setLong(2, treeSize);
            },
            GraphStore::summaryRow)) {
      List<List<Long>> first = citedBelow(r, treeSize);
      if ((long) r[4] < treeSize) {
        out.add(
            new NodeView(
                (String) r[0],
                (String) r[1],
                (String) r[2],
                (long) r[3],
                first.get(0),
                first.get(1)));
      } else {
        later.add((String) r[0]);
        laterRecords.put((String) r[0], first);
      }
    }
    if (!later.isEmpty()) {
      // Cited again after the checkpoint: what it knew comes from the citation rows below it.
      out.addAll(
          query(
              c,
              "SELECT node, min(type), min(key), count(*) FROM graph_nodes WHERE node = ANY(?)"
                  + " AND leaf_index < ? GROUP BY node",
              ps -> {
                ps.setObject(1, textArray(later));
                ps.setLong(2, treeSize);
              },
              rs ->
                  new NodeView(
                      rs.getString(1),
                      rs.getString(2),
                      rs.getString(3),
                      rs.getLong(4),
                      laterRecords.get(rs.getString(1)).get(0),
                      laterRecords.get(rs.getString(1)).get(1))));
    }
    return out;
  }

  /**
   * Edges touching {@code frontier} known at {@code treeSize}: leaving it ({@code DOWN}, along the
   * flow of data), entering it ({@code UP}), or either ({@code BOTH}), each edge once.
   */
  static List<EdgeView> edges(
      Connection c, Collection<String> frontier, LineageQuery.Direction direction, long treeSize)
      throws SQLException {
    if (frontier.isEmpty()) {
      return new ArrayList<>();
    }
    return level(c, textArray(frontier), direction, treeSize).edges();
  }

  /**
   * One level of a traversal: the edges touching the frontier (as {@link #edges}), and for each of
   * their ends that has other names of the same entity ({@link #sameEntities}) those names.
   *
   * @param sameAs other names by node, only for nodes that have some
   */
  record Level(List<EdgeView> edges, Map<String, List<String>> sameAs) {}

  /**
   * The edges touching {@code frontier} and the other names of their ends, in one statement: the
   * same-entity lookup of a level's new nodes costs no round trip of its own.
   */
  static Level level(
      Connection c, String[] frontier, LineageQuery.Direction direction, long treeSize)
      throws SQLException {
    List<EdgeView> out = new ArrayList<>();
    Map<String, List<String>> sameAs = new HashMap<>();
    Map<List<String>, List<List<Long>>> later = new LinkedHashMap<>();
    for (Object[] r :
        query(
            c,
            "WITH e AS MATERIALIZED (SELECT from_node, rel, to_node, citations, last_leaf, "
                + FIRST_CITED
                + " FROM graph_edge_summary WHERE "
                + switch (direction) {
                  case DOWN -> "from_node = ANY(?)";
                  case UP -> "to_node = ANY(?)";
                  case BOTH -> "(from_node = ANY(?) OR to_node = ANY(?))";
                }
                + " AND first_leaf < ?) SELECT * FROM e UNION ALL"
                // A same-entity row: rel is null (an edge's never is), the node and its other name.
                + " SELECT n.node, NULL, o.node, NULL, NULL, NULL, NULL FROM graph_same_entity n"
                + " JOIN graph_same_entity o ON o.type = n.type AND o.key = n.key"
                + " AND o.node <> n.node AND o.first_leaf < ? WHERE n.first_leaf < ? AND n.node IN ("
                + switch (direction) {
                  case DOWN -> "SELECT to_node FROM e";
                  case UP -> "SELECT from_node FROM e";
                  case BOTH -> "SELECT from_node FROM e UNION SELECT to_node FROM e";
                }
                + ")",
            ps -> {
              int i = 1;
              ps.setObject(i++, frontier);
              if (direction == LineageQuery.Direction.BOTH) {
                ps.setObject(i++, frontier);
              }
              ps.setLong(i++, treeSize);
              ps.setLong(i++, treeSize);
              ps.setLong(i, treeSize);
            },
            rs ->
                rs.getString(2) == null
                    ? new Object[] {rs.getString(1), null, rs.getString(3)}
                    : summaryRow(rs))) {
      if (r[1] == null) {
        sameAs.computeIfAbsent((String) r[0], n -> new ArrayList<>()).add((String) r[2]);
        continue;
      }
      List<List<Long>> first = citedBelow(r, treeSize);
      if ((long) r[4] < treeSize) {
        out.add(
            new EdgeView(
                (String) r[0],
                (String) r[1],
                (String) r[2],
                (long) r[3],
                first.get(0),
                first.get(1)));
      } else {
        later.put(List.of((String) r[0], (String) r[1], (String) r[2]), first);
      }
    }
    if (!later.isEmpty()) {
      List<List<String>> keys = new ArrayList<>(later.keySet());
      out.addAll(
          query(
              c,
              "SELECT e.from_node, e.rel, e.to_node, count(*) FROM graph_edges e"
                  + " JOIN unnest(?::text[], ?::text[], ?::text[]) AS k(f, r, t)"
                  + " ON e.from_node = k.f AND e.rel = k.r AND e.to_node = k.t"
                  + " WHERE e.leaf_index < ? GROUP BY 1, 2, 3",
              ps -> {
                for (int i = 0; i < 3; i++) {
                  int part = i;
                  ps.setObject(1 + i, keys.stream().map(k -> k.get(part)).toArray(String[]::new));
                }
                ps.setLong(4, treeSize);
              },
              rs -> {
                List<List<Long>> first =
                    later.get(List.of(rs.getString(1), rs.getString(2), rs.getString(3)));
                return new EdgeView(
                    rs.getString(1),
                    rs.getString(2),
                    rs.getString(3),
                    rs.getLong(4),
                    first.get(0),
                    first.get(1));
              }));
    }
    return new Level(out, sameAs);
  }

  // A summary's first_leaves and first_records as text ("1,5,9"): read as arrays, every row cost
  // the driver an array object, an Object[] and a boxed Long per value (a fifth of an impact
  // query's JVM time and a third of what it allocated), mostly for edges that never reach the page.
  private static final String FIRST_CITED =
      "array_to_string(first_leaves, ','), array_to_string(first_records, ',')";

  // Three key columns, citations, last_leaf, first_leaves, first_records (FIRST_CITED).
  private static Object[] summaryRow(ResultSet rs) throws SQLException {
    return new Object[] {
      rs.getString(1),
      rs.getString(2),
      rs.getString(3),
      rs.getLong(4),
      rs.getLong(5),
      LongList.parseCommaSeparated(rs.getString(6)),
      LongList.parseCommaSeparated(rs.getString(7))
    };
  }

  // The listed earliest citations that lie below the tree size, as {records, leaves}: in leaf
  // order, so these are the earliest citations at that size too.
  private static List<List<Long>> citedBelow(Object[] row, long treeSize) {
    long[] leaves = (long[]) row[5];
    long[] records = (long[]) row[6];
    int n = 0;
    while (n < leaves.length && leaves[n] < treeSize) {
      n++;
    }
    return List.of(new LongList(records, n), new LongList(leaves, n));
  }

  /**
   * The cited records, read by id with the leaf index the graph holds for each (what {@code
   * Journal.records} would look up in the leaf chunks one record at a time).
   *
   * @param cited the ids, with the leaf index of each
   */
  static List<StoredRecord> records(Connection c, Cited cited) throws SQLException {
    if (cited.isEmpty()) {
      return new ArrayList<>();
    }
    return query(
        c,
        "SELECT seq, source, kind, source_ref, canonical, leaf_hash, raw, received_at"
            + " FROM journal_records WHERE seq = ANY(?) ORDER BY seq",
        ps -> ps.setObject(1, cited.ids()),
        rs ->
            new StoredRecord(
                rs.getLong(1),
                rs.getString(2),
                rs.getString(3),
                rs.getString(4),
                rs.getBytes(5),
                rs.getBytes(6),
                rs.getBytes(7),
                rs.getTimestamp(8).toInstant(),
                OptionalLong.of(cited.leafOf(rs.getLong(1)))));
  }

  /**
   * What the cited records are, without their bytes: id, leaf index (the one the graph holds), leaf
   * hash, source, kind, source reference and arrival time, in id order.
   *
   * @param cited the ids, with the leaf index of each
   */
  static List<LineageAnswer.CitedRecord> citations(Connection c, Cited cited) throws SQLException {
    return citations(c, cited, cited.ids());
  }

  /** As {@link #citations(Connection, Cited)}, for the given ids of {@code cited} only. */
  static List<LineageAnswer.CitedRecord> citations(Connection c, Cited cited, long[] ids)
      throws SQLException {
    if (ids.length == 0) {
      return new ArrayList<>();
    }
    return query(
        c,
        "SELECT seq, source, kind, source_ref, leaf_hash, received_at"
            + " FROM journal_records WHERE seq = ANY(?) ORDER BY seq",
        ps -> ps.setObject(1, ids),
        rs ->
            new LineageAnswer.CitedRecord(
                rs.getLong(1),
                cited.leafOf(rs.getLong(1)),
                rs.getString(2),
                rs.getString(3),
                rs.getString(4),
                rs.getTimestamp(6).toInstant(),
                rs.getBytes(5),
                Optional.empty(),
                Optional.empty()));
  }
}
