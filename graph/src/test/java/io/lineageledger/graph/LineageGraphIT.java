package io.lineageledger.graph;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.lineageledger.ledger.journal.Record;
import io.lineageledger.ledger.journal.SignedCheckpoint;
import io.lineageledger.ledger.journal.TransparencyLog;
import io.lineageledger.ledger.merkle.Hashes;
import io.lineageledger.ledger.merkle.ProofVerificationException;
import io.lineageledger.ledger.merkle.ProofVerifier;
import io.lineageledger.ledger.note.NoteSigner;
import io.lineageledger.platform.Database;
import io.lineageledger.platform.testing.SharedPostgres;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class LineageGraphIT {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final String DATASET = "mlflow://prod/datasets/train@sha256:aa";
  private static final String RUN = "mlflow://prod/runs/r1";
  private static final String V1 = "mlflow://prod/model-versions/churn/1";
  private static final String V2 = "mlflow://prod/model-versions/churn/2";
  private static final String MODEL = "mlflow://prod/registered-models/churn";

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
    return fact(Instant.EPOCH, ref, subjects, links);
  }

  private static Record fact(Instant at, String ref, List<String> subjects, String... links) {
    ObjectNode payload = JSON.createObjectNode();
    ArrayNode arr = payload.putArray("links");
    for (int i = 0; i < links.length; i += 3) {
      arr.addObject().put("from", links[i]).put("rel", links[i + 1]).put("to", links[i + 2]);
    }
    return Record.of("test", "test.lineage", ref, at, subjects, payload);
  }

  /** Appends, sequences and signs; returns the checkpoint that covers the records. */
  private SignedCheckpoint commit(Record... records) throws Exception {
    log.journal().appendAll(List.of(records));
    log.step();
    return log.latestCheckpoint().orElseThrow();
  }

  private SignedCheckpoint firstVersion() throws Exception {
    return commit(
        fact("run", List.of(RUN, DATASET), DATASET, "input-to", RUN),
        fact("v1", List.of(V1, RUN, MODEL), RUN, "produced", V1, V1, "version-of", MODEL));
  }

  private LineageQuery query(LineageQuery.Start start, String dir, int depth) {
    return query(start, dir, depth, null, false, LineageQuery.DEFAULT_LIMIT, null);
  }

  private static LineageQuery query(
      LineageQuery.Start start,
      String dir,
      int depth,
      String asOf,
      boolean proofs,
      int limit,
      String cursor) {
    return new LineageQuery(
        start,
        LineageQuery.Direction.parse(dir),
        depth,
        Optional.ofNullable(asOf).map(LineageQuery.AsOf::parse),
        proofs,
        false,
        limit,
        Optional.ofNullable(cursor));
  }

  @Test
  void lineage_upstreamOfModelVersion_reachesRunAndDatasetCitingRecords() throws Exception {
    firstVersion();
    LineageAnswer a =
        graph.lineage(query(LineageQuery.Start.byKey("model-versions", "churn/1"), "up", 5));
    assertThat(a.start()).containsExactly(V1);
    assertThat(a.nodes())
        .extracting(LineageAnswer.Node::id, LineageAnswer.Node::distance)
        .containsExactly(
            org.assertj.core.groups.Tuple.tuple(V1, 0),
            org.assertj.core.groups.Tuple.tuple(RUN, 1),
            org.assertj.core.groups.Tuple.tuple(DATASET, 2));
    assertThat(a.edges())
        .extracting(LineageAnswer.Edge::from, LineageAnswer.Edge::rel, LineageAnswer.Edge::to)
        .containsExactlyInAnyOrder(
            org.assertj.core.groups.Tuple.tuple(RUN, "produced", V1),
            org.assertj.core.groups.Tuple.tuple(DATASET, "input-to", RUN));
    assertThat(a.records()).hasSize(2);
    assertThat(a.edges()).allSatisfy(e -> assertThat(e.records()).hasSize(1));
    assertThat(a.nextCursor()).isEmpty();

    LineageAnswer down = graph.lineage(query(LineageQuery.Start.node(DATASET), "down", 1));
    assertThat(down.nodes()).extracting(LineageAnswer.Node::id).containsExactly(DATASET, RUN);
  }

  @Test
  void lineage_runSeenByAnotherSource_isTheSameEntity() throws Exception {
    firstVersion();
    commit(
        fact(
            "evidence",
            List.of("mlflow-run:r1", "process:host/42"),
            "process:host/42",
            "executed-for",
            "mlflow-run:r1",
            "sha256:abcd",
            "read-by",
            "process:host/42"));
    LineageAnswer up = graph.lineage(query(LineageQuery.Start.node(V1), "up", 4));
    assertThat(up.nodes())
        .extracting(LineageAnswer.Node::id)
        .contains(RUN, "mlflow-run:r1", "process:host/42", "sha256:abcd", DATASET);
    assertThat(up.nodes())
        .filteredOn(n -> n.id().equals("mlflow-run:r1"))
        .extracting(LineageAnswer.Node::type, LineageAnswer.Node::distance)
        .containsExactly(org.assertj.core.groups.Tuple.tuple("runs", 1));
    // Model-version keys are only unique within a source: no such merging for them.
    commit(fact("other-server", List.of("mlflow://staging/model-versions/churn/1")));
    LineageAnswer v1 = graph.lineage(query(LineageQuery.Start.node(V1), "both", 1));
    assertThat(v1.nodes())
        .extracting(LineageAnswer.Node::id)
        .doesNotContain("mlflow://staging/model-versions/churn/1");
  }

  /** Anchors at the given sizes, as the anchoring backend records them. */
  private static AnchoredCheckpoints anchoredAt(long... sizes) {
    return new AnchoredCheckpoints() {
      @Override
      public java.util.OptionalLong newestAtOrBelow(long size) {
        return java.util.Arrays.stream(sizes).filter(s -> s <= size).max();
      }

      @Override
      public java.util.OptionalLong newest() {
        return java.util.Arrays.stream(sizes).max();
      }

      @Override
      public String backend() {
        return "test";
      }
    };
  }

  @Test
  void lineage_withProofs_answersFromNewestAnchoredCheckpointAtOrBelowTheOneAsked()
      throws Exception {
    SignedCheckpoint anchored = firstVersion();
    SignedCheckpoint latest = commit(fact("v2", List.of(V2, RUN), RUN, "produced", V2));
    LineageGraph withAnchors =
        new LineageGraph(
            db.dataSource(),
            log,
            Extractors.standard(),
            Clock.systemUTC(),
            Optional.of(anchoredAt(anchored.size())),
            LineageGraph.DEFAULT_READ_THREADS);
    LineageAnswer a =
        withAnchors.lineage(
            query(LineageQuery.Start.node(DATASET), "down", 3, null, true, 100, null));
    assertThat(a.checkpoint().size()).isEqualTo(anchored.size());
    assertThat(a.requestedSize()).isEqualTo(latest.size());
    assertThat(a.nodes()).extracting(LineageAnswer.Node::id).contains(V1).doesNotContain(V2);
    assertThat(a.records())
        .allSatisfy(
            r ->
                assertThat(r.proof().orElseThrow().checkpoint().size()).isEqualTo(anchored.size()));
    // Without proofs the same graph answers from the latest checkpoint.
    LineageAnswer plain = withAnchors.lineage(query(LineageQuery.Start.node(DATASET), "down", 3));
    assertThat(plain.checkpoint().size()).isEqualTo(latest.size());
    assertThat(plain.requestedSize()).isEqualTo(latest.size());
  }

  @Test
  void lineage_withProofsNothingAnchoredAtOrBelow_notAnchoredSaysWhetherWaitingHelps()
      throws Exception {
    SignedCheckpoint first = firstVersion();
    SignedCheckpoint second = commit(fact("v2", List.of(V2, RUN), RUN, "produced", V2));
    LineageQuery latestWithProofs =
        query(LineageQuery.Start.node(DATASET), "down", 3, null, true, 100, null);
    LineageGraph none =
        new LineageGraph(
            db.dataSource(),
            log,
            Extractors.standard(),
            Clock.systemUTC(),
            Optional.of(anchoredAt()),
            LineageGraph.DEFAULT_READ_THREADS);
    assertThatThrownBy(() -> none.lineage(latestWithProofs))
        .isInstanceOfSatisfying(
            NotAnchoredException.class,
            e -> {
              assertThat(e.retryable()).isTrue();
              assertThat(e.requestedSize()).isEqualTo(second.size());
              assertThat(e.getMessage()).contains("wait for the anchorer");
            });
    LineageGraph later =
        new LineageGraph(
            db.dataSource(),
            log,
            Extractors.standard(),
            Clock.systemUTC(),
            Optional.of(anchoredAt(second.size())),
            LineageGraph.DEFAULT_READ_THREADS);
    assertThatThrownBy(
            () ->
                later.lineage(
                    query(
                        LineageQuery.Start.node(DATASET),
                        "down",
                        3,
                        Long.toString(first.size()),
                        true,
                        100,
                        null)))
        .isInstanceOfSatisfying(
            NotAnchoredException.class,
            e -> {
              assertThat(e.retryable()).isFalse();
              assertThat(e.newestAnchored()).hasValue(second.size());
            });
  }

  @Test
  void lineage_asOfEarlierCheckpoint_omitsWhatWasRegisteredLater() throws Exception {
    SignedCheckpoint before = firstVersion();
    commit(fact("v2", List.of(V2, RUN), RUN, "produced", V2));
    LineageQuery asOfBefore =
        query(
            LineageQuery.Start.node(DATASET),
            "down",
            3,
            Long.toString(before.size()),
            false,
            100,
            null);
    LineageAnswer then = graph.lineage(asOfBefore);
    LineageAnswer now = graph.lineage(query(LineageQuery.Start.node(DATASET), "down", 3));
    assertThat(then.checkpoint().size()).isEqualTo(before.size());
    assertThat(then.nodes()).extracting(LineageAnswer.Node::id).doesNotContain(V2).contains(V1);
    assertThat(now.nodes()).extracting(LineageAnswer.Node::id).contains(V1, V2);
    assertThatThrownBy(
            () ->
                graph.lineage(
                    query(
                        LineageQuery.Start.node(V2),
                        "up",
                        1,
                        Long.toString(before.size()),
                        false,
                        10,
                        null)))
        .isInstanceOf(UnknownNodeException.class)
        .hasMessageContaining(V2);
    // By time: a timestamp before any checkpoint knows nothing.
    assertThatThrownBy(
            () ->
                graph.lineage(
                    query(
                        LineageQuery.Start.node(DATASET),
                        "down",
                        1,
                        "2000-01-01T00:00:00Z",
                        false,
                        10,
                        null)))
        .isInstanceOf(UnknownNodeException.class);
  }

  @Test
  void lineage_withProofs_everyCitedRecordVerifiesAndAnAlteredOneDoesNot() throws Exception {
    firstVersion();
    commit(fact("v2", List.of(V2, RUN), RUN, "produced", V2));
    LineageAnswer a =
        graph.lineage(query(LineageQuery.Start.node(DATASET), "down", 3, null, true, 100, null));
    assertThat(a.records()).hasSize(3);
    for (LineageAnswer.CitedRecord c : a.records()) {
      var p = c.proof().orElseThrow();
      assertThat(p.checkpoint().size()).isEqualTo(a.checkpoint().size());
      byte[] leaf = Hashes.leafHash(c.full().orElseThrow().canonical());
      ProofVerifier.verifyInclusion(
          p.leafIndex(), p.checkpoint().size(), leaf, p.hashes(), a.checkpoint().root());
      byte[] altered =
          new String(c.full().orElseThrow().canonical(), StandardCharsets.UTF_8)
              .replace("test.lineage", "test.lineagX")
              .getBytes(StandardCharsets.UTF_8);
      assertThatThrownBy(
              () ->
                  ProofVerifier.verifyInclusion(
                      p.leafIndex(),
                      p.checkpoint().size(),
                      Hashes.leafHash(altered),
                      p.hashes(),
                      a.checkpoint().root()))
          .isInstanceOf(ProofVerificationException.class);
    }
  }

  @Test
  void lineage_smallPages_cursorWalksEveryNodeOnceAndForeignCursorRefused() throws Exception {
    firstVersion();
    commit(fact("v2", List.of(V2, RUN), RUN, "produced", V2));
    List<String> seen = new ArrayList<>();
    Optional<String> cursor = Optional.empty();
    long total = -1;
    do {
      LineageAnswer page =
          graph.lineage(
              query(
                  LineageQuery.Start.node(DATASET),
                  "both",
                  5,
                  null,
                  false,
                  2,
                  cursor.orElse(null)));
      assertThat(page.nodes()).hasSizeLessThanOrEqualTo(2);
      page.nodes().forEach(n -> seen.add(n.id()));
      total = page.totalNodes();
      cursor = page.nextCursor();
    } while (cursor.isPresent());
    assertThat(seen)
        .hasSize((int) total)
        .doesNotHaveDuplicates()
        .contains(DATASET, RUN, V1, V2, MODEL);

    LineageAnswer first = graph.lineage(query(LineageQuery.Start.node(DATASET), "both", 5));
    assertThat(first.nextCursor()).isEmpty();
    String foreign = LineageGraph.Cursor.encode(first.checkpoint().size(), 1, "other");
    assertThatThrownBy(
            () ->
                graph.lineage(
                    query(LineageQuery.Start.node(DATASET), "both", 5, null, false, 2, foreign)))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("cursor");
    assertThatThrownBy(() -> query(LineageQuery.Start.node(DATASET), "both", 11))
        .hasMessageContaining("depth 11");
    assertThatThrownBy(() -> query(LineageQuery.Start.node(DATASET), "sideways", 1))
        .hasMessageContaining("up, down or both");
  }

  @Test
  void aliasHistory_createdMovedDeletedAndRepointed_intervalsFromRecordTimes() throws Exception {
    String champion = MODEL + "/aliases/champion";
    String challenger = MODEL + "/aliases/challenger";
    Instant t1 = Instant.parse("2026-03-01T10:00:00Z");
    Instant t2 = t1.plusSeconds(3600);
    Instant t3 = t2.plusSeconds(3600);
    Instant t4 = t3.plusSeconds(3600);
    commit(fact(t1, "a1", List.of(champion), V1, "carries-alias", champion));
    SignedCheckpoint beforeRemoval =
        commit(
            fact(t2, "a2", List.of(champion), V2, "carries-alias", champion),
            fact(t2, "a3", List.of(challenger), V2, "carries-alias", challenger));
    commit(fact(t3, "a4", List.of(champion), MODEL, "alias-removed", champion));
    commit(fact(t4, "a5", List.of(champion), V1, "carries-alias", champion));

    AliasHistoryAnswer now = graph.aliasHistory("churn", Optional.empty());
    assertThat(now.intervals())
        .extracting(
            AliasHistoryAnswer.Interval::alias,
            AliasHistoryAnswer.Interval::version,
            AliasHistoryAnswer.Interval::from,
            AliasHistoryAnswer.Interval::until)
        .containsExactly(
            org.assertj.core.groups.Tuple.tuple(champion, V1, t1, Optional.of(t2)),
            org.assertj.core.groups.Tuple.tuple(champion, V2, t2, Optional.of(t3)),
            org.assertj.core.groups.Tuple.tuple(challenger, V2, t2, Optional.empty()),
            org.assertj.core.groups.Tuple.tuple(champion, V1, t4, Optional.empty()));
    assertThat(now.intervals().get(1).records()).hasSize(2);

    AliasHistoryAnswer then =
        graph.aliasHistory(
            "churn", Optional.of(LineageQuery.AsOf.parse(Long.toString(beforeRemoval.size()))));
    assertThat(then.intervals())
        .extracting(AliasHistoryAnswer.Interval::version, AliasHistoryAnswer.Interval::until)
        .containsExactly(
            org.assertj.core.groups.Tuple.tuple(V1, Optional.of(t2)),
            org.assertj.core.groups.Tuple.tuple(V2, Optional.empty()),
            org.assertj.core.groups.Tuple.tuple(V2, Optional.empty()));
    assertThatThrownBy(() -> graph.aliasHistory("other", Optional.empty()))
        .isInstanceOf(UnknownNodeException.class);
  }

  @Test
  void rebuild_fromJournalAlone_equalsIncrementalProjection() throws Exception {
    firstVersion();
    graph.catchUp();
    commit(fact("v2", List.of(V2, RUN), RUN, "produced", V2));
    graph.catchUp();
    commit(fact("v2-again", List.of(V2), RUN, "produced", V2)); // a second citation of one edge
    graph.catchUp();
    String incremental = dump();
    assertThat(incremental).contains("produced");
    long projected = graph.rebuild();
    assertThat(projected).isEqualTo(log.latestHead().orElseThrow().size());
    assertThat(dump()).isEqualTo(incremental);
    assertThat(graph.position()).isEqualTo(projected);
  }

  private String dump() throws Exception {
    StringBuilder out = new StringBuilder();
    try (Connection c = fresh.superuser();
        Statement s = c.createStatement()) {
      for (String sql :
          List.of(
              "SELECT node, type, key, leaf_index, record_seq FROM graph_nodes ORDER BY 1, 4",
              "SELECT from_node, rel, to_node, leaf_index, record_seq FROM graph_edges"
                  + " ORDER BY 1, 2, 3, 4")) {
        try (ResultSet rs = s.executeQuery(sql)) {
          while (rs.next()) {
            for (int i = 1; i <= 5; i++) {
              out.append(rs.getString(i)).append('|');
            }
            out.append('\n');
          }
        }
      }
    }
    return out.toString();
  }
}
