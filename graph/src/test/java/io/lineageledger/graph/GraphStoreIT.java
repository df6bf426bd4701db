package io.lineageledger.graph;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.lineageledger.ledger.journal.Record;
import io.lineageledger.ledger.journal.StoredRecord;
import io.lineageledger.ledger.journal.TransparencyLog;
import io.lineageledger.ledger.note.NoteSigner;
import io.lineageledger.platform.Database;
import io.lineageledger.platform.testing.SharedPostgres;
import java.nio.file.Path;
import java.sql.Array;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.TreeSet;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The summaries (V7) answer exactly what aggregating the citation rows answers, at every tree size:
 * the elements known, their citation counts and their earliest citing records.
 */
class GraphStoreIT {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final String DATASET = "mlflow://prod/datasets/train@sha256:aa";
  private static final String RUN = "mlflow://prod/runs/r1";
  private static final String SAME_RUN = "mlflow-run:r1";
  private static final String V1 = "mlflow://prod/model-versions/churn/1";
  private static final String PROCESS = "process:host/42";
  // COPY's text format gives backslashes a meaning: the rows must hold them as written.
  private static final String FILE = "file:C:\\data\\train\tset.csv";

  @TempDir Path dataDir;
  private SharedPostgres.FreshDatabase fresh;
  private Database db;
  private TransparencyLog log;
  private LineageGraph graph;

  @BeforeEach
  void open() {
    fresh = SharedPostgres.freshDatabase();
    db = Database.open(fresh.settings(dataDir));
    log =
        new TransparencyLog(
            db.dataSource(),
            NoteSigner.generate("graph.test/log"),
            Clock.systemUTC(),
            100,
            Duration.ZERO);
    graph = new LineageGraph(db.dataSource(), log, Extractors.standard(), Clock.systemUTC());
  }

  @AfterEach
  void close() {
    log.close();
    db.close();
  }

  private static Record fact(String ref, List<String> subjects, String... links) {
    ObjectNode payload = JSON.createObjectNode();
    ArrayNode arr = payload.putArray("links");
    for (int i = 0; i < links.length; i += 3) {
      arr.addObject().put("from", links[i]).put("rel", links[i + 1]).put("to", links[i + 2]);
    }
    return Record.of("test", "test.lineage", ref, Instant.EPOCH, subjects, payload);
  }

  private long commit(Record... records) throws Exception {
    log.journal().appendAll(List.of(records));
    log.step();
    return log.latestCheckpoint().orElseThrow().size();
  }

  /**
   * A history where the run and the process→run edge are cited more often than a page lists, in
   * several checkpoints, some projected in one step and some in many.
   */
  private List<Long> history() throws Exception {
    List<Long> sizes = new ArrayList<>();
    sizes.add(commit(fact("run", List.of(RUN, DATASET), DATASET, "input-to", RUN)));
    graph.catchUp();
    for (int w = 0; w < 4; w++) {
      sizes.add(
          commit(
              fact("window-" + w, List.of(PROCESS, SAME_RUN), PROCESS, "executed", SAME_RUN),
              fact("window-" + w + "b", List.of(PROCESS, RUN), PROCESS, "executed", RUN)));
      if (w % 2 == 1) {
        graph.catchUp();
      }
    }
    sizes.add(
        commit(
            fact("v1", List.of(V1, RUN), RUN, "produced", V1),
            fact("read", List.of(FILE, PROCESS), FILE, "read-by", PROCESS)));
    for (int w = 4; w < 9; w++) {
      sizes.add(commit(fact("window-" + w, List.of(PROCESS, RUN), PROCESS, "executed", RUN)));
    }
    graph.catchUp();
    return sizes;
  }

  private static final List<String> ALL = List.of(DATASET, RUN, SAME_RUN, V1, PROCESS, FILE);

  @Test
  void nodesAndEdges_atEveryTreeSize_equalAggregatedCitationRows() throws Exception {
    List<Long> sizes = history();
    try (Connection c = db.dataSource().getConnection()) {
      for (long size : sizes) {
        assertThat(nodeLines(GraphStore.nodes(c, ALL, size)))
            .as("nodes at %d", size)
            .isEqualTo(referenceNodes(c, size));
        for (LineageQuery.Direction d : LineageQuery.Direction.values()) {
          List<String> expected = referenceEdges(c, d, size);
          assertThat(edgeLines(GraphStore.edges(c, ALL, d, size)))
              .as("%s edges at %d", d, size)
              .isEqualTo(expected);
        }
      }
      long last = sizes.get(sizes.size() - 1);
      // The citation rows hold names with backslashes and tabs as written.
      assertThat(referenceNodes(c, last)).anyMatch(l -> l.startsWith(FILE + " file "));
      assertThat(referenceEdges(c, LineageQuery.Direction.DOWN, last))
          .anyMatch(l -> l.startsWith(FILE + " read-by " + PROCESS + " 1 "));
      // The run is cited by more records than a page lists: the count is complete, the list not.
      GraphStore.NodeView run =
          GraphStore.nodes(c, List.of(RUN), last).stream().findFirst().orElseThrow();
      assertThat(run.citations()).isEqualTo(11);
      assertThat(run.records()).hasSize(GraphStore.CITED_PER_ELEMENT);
    }
  }

  @Test
  void lineage_everyDirectionAndDepth_listsEachEdgeOfTheInnerNodesOnce() throws Exception {
    List<Long> sizes = history();
    for (long size : sizes) {
      for (LineageQuery.Direction d : LineageQuery.Direction.values()) {
        for (int depth = 1; depth <= 3; depth++) {
          LineageAnswer a =
              graph.lineage(
                  new LineageQuery(
                      LineageQuery.Start.node(DATASET),
                      d,
                      depth,
                      Optional.of(LineageQuery.AsOf.parse(Long.toString(size))),
                      false,
                      false,
                      LineageQuery.DEFAULT_LIMIT,
                      Optional.empty()));
          // The traversal met every edge touching a node nearer than the depth (each was in a
          // frontier), once each; one level statement over all of them lists each once too.
          int inner = depth;
          List<String> near =
              a.nodes().stream().filter(n -> n.distance() < inner).map(n -> n.id()).toList();
          List<String> expected;
          try (Connection c = db.dataSource().getConnection()) {
            expected = edgeLines(GraphStore.edges(c, near, d, size));
          }
          assertThat(edgeSet(a)).as("%s depth %d at %d", d, depth, size).isEqualTo(expected);
        }
      }
    }
  }

  // Levels, node pages and citation lists above LineageGraph.SPLIT_AT are read in two halves on
  // two connections; the answer must be the one a single connection gives.
  @Test
  void lineage_largeLevelsReadInHalves_answerAsOnOneConnection() throws Exception {
    List<Record> facts = new ArrayList<>();
    for (int i = 0; i < 1100; i++) {
      String run = "mlflow://prod/runs/w" + i;
      String version = "mlflow://prod/model-versions/wide/" + i;
      facts.add(fact("in-" + i, List.of(DATASET, run), DATASET, "input-to", run));
      facts.add(fact("out-" + i, List.of(run, version), run, "produced", version));
      if (i % 3 == 0) {
        // Another name of the same run, and a process that executed it.
        String alias = "mlflow-run:w" + i;
        facts.add(fact("exec-" + i, List.of(PROCESS, alias), PROCESS, "executed", alias));
      }
    }
    long size = commit(facts.toArray(Record[]::new));
    graph.catchUp();
    LineageGraph oneConnection =
        new LineageGraph(
            db.dataSource(), log, Extractors.standard(), Clock.systemUTC(), Optional.empty(), 0);
    for (String start : List.of(DATASET, PROCESS, "mlflow://prod/model-versions/wide/7")) {
      for (LineageQuery.Direction d : LineageQuery.Direction.values()) {
        for (int depth = 1; depth <= 3; depth++) {
          LineageQuery q =
              new LineageQuery(
                  LineageQuery.Start.node(start),
                  d,
                  depth,
                  Optional.of(LineageQuery.AsOf.parse(Long.toString(size))),
                  false,
                  false,
                  LineageQuery.MAX_LIMIT,
                  Optional.empty());
          LineageAnswer split = graph.lineage(q);
          LineageAnswer single = oneConnection.lineage(q);
          String what = start + " " + d + " depth " + depth;
          assertThat(split.nodes()).as(what).isEqualTo(single.nodes());
          assertThat(edgeSet(split)).as(what).isEqualTo(edgeSet(single));
          assertThat(recordLines(split)).as(what).isEqualTo(recordLines(single));
        }
      }
    }
    // The widest answer really crossed the split threshold.
    LineageAnswer widest =
        graph.lineage(
            new LineageQuery(
                LineageQuery.Start.node(DATASET),
                LineageQuery.Direction.DOWN,
                3,
                Optional.empty(),
                false,
                false,
                LineageQuery.MAX_LIMIT,
                Optional.empty()));
    assertThat(widest.totalNodes()).isGreaterThan(2 * LineageGraph.SPLIT_AT);
    assertThat(widest.nodes()).hasSizeGreaterThanOrEqualTo(LineageGraph.SPLIT_AT);
    assertThat(widest.records()).hasSizeGreaterThanOrEqualTo(LineageGraph.SPLIT_AT);
  }

  // In the answer's order; a citation's leaf hash is an array, so compared by content.
  private static List<String> recordLines(LineageAnswer a) {
    return a.records().stream()
        .map(
            r ->
                r.id()
                    + " "
                    + r.leafIndex()
                    + " "
                    + r.sourceRef()
                    + " "
                    + java.util.HexFormat.of().formatHex(r.leafHash()))
        .toList();
  }

  private static List<String> edgeSet(LineageAnswer a) {
    return a.edges().stream()
        .map(e -> e.from() + " " + e.rel() + " " + e.to() + " " + e.citations() + " " + e.records())
        .sorted()
        .toList();
  }

  private LineageAnswer lineageAt(long size, boolean fullRecords) throws Exception {
    return graph.lineage(
        new LineageQuery(
            LineageQuery.Start.node(DATASET),
            LineageQuery.Direction.BOTH,
            3,
            Optional.of(LineageQuery.AsOf.parse(Long.toString(size))),
            false,
            fullRecords,
            LineageQuery.DEFAULT_LIMIT,
            Optional.empty()));
  }

  @Test
  void lineage_citedRecords_carryTheJournalsLeafIndices() throws Exception {
    List<Long> sizes = history();
    for (long size : List.of(sizes.get(2), sizes.get(sizes.size() - 1))) {
      LineageAnswer a = lineageAt(size, true);
      List<StoredRecord> cited = a.records().stream().map(r -> r.full().orElseThrow()).toList();
      List<StoredRecord> journal =
          log.journal().records(cited.stream().map(StoredRecord::id).toList());
      assertThat(cited).hasSameSizeAs(journal).isNotEmpty();
      for (int i = 0; i < cited.size(); i++) {
        assertThat(cited.get(i).id()).isEqualTo(journal.get(i).id());
        assertThat(cited.get(i).leafIndex()).isEqualTo(journal.get(i).leafIndex());
        assertThat(cited.get(i).leafIndex().getAsLong()).isLessThan(size);
        assertThat(cited.get(i).canonical()).isEqualTo(journal.get(i).canonical());
        assertThat(cited.get(i).leafHash()).isEqualTo(journal.get(i).leafHash());
      }
    }
  }

  @Test
  void lineage_withoutFullRecords_citesTheSameRecordsAsTheJournalHoldsThemWithoutBytes()
      throws Exception {
    List<Long> sizes = history();
    for (long size : sizes) {
      LineageAnswer full = lineageAt(size, true);
      LineageAnswer lean = lineageAt(size, false);
      assertThat(lean.nodes()).isEqualTo(full.nodes());
      assertThat(lean.edges()).isEqualTo(full.edges());
      List<Long> ids = lean.records().stream().map(LineageAnswer.CitedRecord::id).toList();
      assertThat(ids)
          .as("cited at %d", size)
          .isNotEmpty()
          .isEqualTo(full.records().stream().map(LineageAnswer.CitedRecord::id).toList());
      List<StoredRecord> journal = log.journal().records(ids);
      for (int i = 0; i < ids.size(); i++) {
        LineageAnswer.CitedRecord c = lean.records().get(i);
        StoredRecord r = journal.get(i);
        assertThat(c.full()).isEmpty();
        assertThat(c.proof()).isEmpty();
        assertThat(c.leafIndex()).isEqualTo(r.leafIndex().getAsLong()).isLessThan(size);
        assertThat(c.leafHash()).isEqualTo(r.leafHash());
        assertThat(List.of(c.source(), c.kind(), c.sourceRef(), c.receivedAt()))
            .isEqualTo(List.of(r.source(), r.kind(), r.sourceRef(), r.receivedAt()));
      }
    }
  }

  @Test
  void sameEntities_atEveryTreeSize_equalAJoinOfTheSummaries() throws Exception {
    List<Long> sizes = history();
    // A run seen under a second name only later, so it is the same entity from that size on.
    sizes.add(commit(fact("late", List.of("mlflow-run:r2", "mlflow://other/runs/r2"))));
    graph.catchUp();
    List<String> all = new ArrayList<>(ALL);
    all.addAll(List.of("mlflow-run:r2", "mlflow://other/runs/r2", "mlflow://prod/runs/none"));
    try (Connection c = db.dataSource().getConnection()) {
      for (long size : sizes) {
        for (List<String> ids :
            List.of(all, List.of(RUN), List.of(SAME_RUN, RUN), List.of("mlflow-run:r2"))) {
          assertThat(GraphStore.sameEntities(c, ids, size))
              .as("same entities as %s at %d", ids, size)
              .isEqualTo(referenceSameEntities(c, ids, size));
        }
      }
      // A traversal level gives the same other names for the ends of the edges it reads.
      for (long size : sizes) {
        for (LineageQuery.Direction d : LineageQuery.Direction.values()) {
          GraphStore.Level level = GraphStore.level(c, GraphStore.textArray(all), d, size);
          java.util.Map<String, List<String>> expected = new java.util.HashMap<>();
          for (GraphStore.EdgeView e : level.edges()) {
            for (String end : List.of(e.from(), e.to())) {
              List<String> others = referenceSameEntities(c, List.of(end), size);
              if (!others.isEmpty()) {
                expected.put(end, others);
              }
            }
          }
          java.util.Map<String, List<String>> actual = new java.util.HashMap<>();
          level.sameAs().forEach((n, others) -> actual.put(n, others.stream().sorted().toList()));
          if (d != LineageQuery.Direction.BOTH) {
            // Only the far ends are looked up: the ends the frontier is left by or entered from.
            expected
                .keySet()
                .removeIf(
                    n ->
                        level.edges().stream()
                            .noneMatch(
                                e ->
                                    n.equals(
                                        d == LineageQuery.Direction.DOWN ? e.to() : e.from())));
          }
          assertThat(actual).as("%s level at %d", d, size).isEqualTo(expected);
        }
      }
      assertThat(GraphStore.sameEntities(c, List.of(RUN), sizes.get(0))).isEmpty();
      assertThat(GraphStore.sameEntities(c, List.of(RUN), sizes.get(1))).containsExactly(SAME_RUN);
    }
  }

  // Other nodes with the type and key of a node among ids, as both are stored at that size.
  private static List<String> referenceSameEntities(Connection c, List<String> ids, long size)
      throws Exception {
    List<String> out = new ArrayList<>();
    try (PreparedStatement ps =
        c.prepareStatement(
            "SELECT DISTINCT o.node FROM graph_node_summary n JOIN graph_node_summary o"
                + " ON o.type = n.type AND o.key = n.key AND o.node <> n.node AND o.first_leaf < ?"
                + " WHERE n.node = ANY(?) AND n.first_leaf < ? AND n.type = ANY(?) ORDER BY 1")) {
      ps.setLong(1, size);
      ps.setArray(2, c.createArrayOf("text", ids.toArray()));
      ps.setLong(3, size);
      ps.setArray(4, c.createArrayOf("text", Extractors.GLOBAL_KEY_TYPES.toArray()));
      try (ResultSet rs = ps.executeQuery()) {
        while (rs.next()) {
          out.add(rs.getString(1));
        }
      }
    }
    return out;
  }

  @Test
  void rebuild_summaries_equalIncrementalProjection() throws Exception {
    history();
    String incremental = dumpSummaries();
    assertThat(incremental).contains("executed").contains(FILE).contains("same " + SAME_RUN);
    graph.rebuild();
    assertThat(dumpSummaries()).isEqualTo(incremental);
  }

  private String dumpSummaries() throws Exception {
    StringBuilder out = new StringBuilder();
    try (Connection c = fresh.superuser();
        Statement s = c.createStatement()) {
      for (String sql :
          List.of(
              "SELECT node, type, key, first_leaf, last_leaf, citations, first_leaves,"
                  + " first_records FROM graph_node_summary ORDER BY 1",
              "SELECT from_node || ' ' || rel, to_node, first_leaf, last_leaf, citations,"
                  + " first_leaves, first_records FROM graph_edge_summary ORDER BY 1, 2",
              "SELECT 'same ' || node, type, key, first_leaf FROM graph_same_entity ORDER BY 1")) {
        try (ResultSet rs = s.executeQuery(sql)) {
          int n = rs.getMetaData().getColumnCount();
          while (rs.next()) {
            for (int i = 1; i <= n; i++) {
              out.append(rs.getString(i)).append('|');
            }
            out.append('\n');
          }
        }
      }
    }
    return out.toString();
  }

  private static List<String> nodeLines(List<GraphStore.NodeView> views) {
    return views.stream()
        .map(v -> v.id() + " " + v.type() + " " + v.key() + " " + v.citations() + " " + v.records())
        .sorted()
        .toList();
  }

  private static List<String> edgeLines(List<GraphStore.EdgeView> views) {
    return views.stream()
        .map(e -> e.from() + " " + e.rel() + " " + e.to() + " " + e.citations() + " " + e.records())
        .sorted()
        .toList();
  }

  // What the graph answered before the summaries: an aggregation of the citation rows.
  private static List<String> referenceNodes(Connection c, long size) throws Exception {
    List<String> out = new ArrayList<>();
    try (PreparedStatement ps =
        c.prepareStatement(
            "SELECT node, min(type), min(key), count(*), (array_agg(record_seq ORDER BY"
                + " leaf_index))[1:"
                + GraphStore.CITED_PER_ELEMENT
                + "] FROM graph_nodes WHERE node = ANY(?) AND leaf_index < ? GROUP BY node")) {
      ps.setArray(1, c.createArrayOf("text", ALL.toArray()));
      ps.setLong(2, size);
      try (ResultSet rs = ps.executeQuery()) {
        while (rs.next()) {
          out.add(
              rs.getString(1)
                  + " "
                  + rs.getString(2)
                  + " "
                  + rs.getString(3)
                  + " "
                  + rs.getLong(4)
                  + " "
                  + longs(rs.getArray(5)));
        }
      }
    }
    return out.stream().sorted().toList();
  }

  private static List<String> referenceEdges(Connection c, LineageQuery.Direction d, long size)
      throws Exception {
    String touching =
        switch (d) {
          case DOWN -> "from_node = ANY(?)";
          case UP -> "to_node = ANY(?)";
          case BOTH -> "(from_node = ANY(?) OR to_node = ANY(?))";
        };
    TreeSet<String> out = new TreeSet<>();
    try (PreparedStatement ps =
        c.prepareStatement(
            "SELECT from_node, rel, to_node, count(*), (array_agg(record_seq ORDER BY"
                + " leaf_index))[1:"
                + GraphStore.CITED_PER_ELEMENT
                + "] FROM graph_edges WHERE "
                + touching
                + " AND leaf_index < ? GROUP BY from_node, rel, to_node")) {
      Array ids = c.createArrayOf("text", ALL.toArray());
      int i = 1;
      ps.setArray(i++, ids);
      if (d == LineageQuery.Direction.BOTH) {
        ps.setArray(i++, ids);
      }
      ps.setLong(i, size);
      try (ResultSet rs = ps.executeQuery()) {
        while (rs.next()) {
          out.add(
              rs.getString(1)
                  + " "
                  + rs.getString(2)
                  + " "
                  + rs.getString(3)
                  + " "
                  + rs.getLong(4)
                  + " "
                  + longs(rs.getArray(5)));
        }
      }
    }
    return new ArrayList<>(out);
  }

  private static List<Long> longs(Array a) throws Exception {
    return Arrays.stream((Object[]) a.getArray()).map(o -> ((Number) o).longValue()).toList();
  }
}
