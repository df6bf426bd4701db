package io.lineageledger.graph;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.groups.Tuple.tuple;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.lineageledger.graph.CrossCheckAnswer.Finding;
import io.lineageledger.graph.CrossCheckAnswer.Status;
import io.lineageledger.ledger.journal.Record;
import io.lineageledger.ledger.journal.StoredRecord;
import io.lineageledger.ledger.journal.TransparencyLog;
import io.lineageledger.ledger.note.NoteSigner;
import io.lineageledger.platform.Database;
import io.lineageledger.platform.testing.SharedPostgres;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CrossCheckIT {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final String SHA_TRAIN = "a".repeat(64);
  private static final String SHA_TEST_DECLARED = "b".repeat(64);
  private static final String SHA_TEST_SEEN = "c".repeat(64);
  private static final String RUN = "mlflow://prod/runs/r9";

  @TempDir Path dataDir;
  private Database db;
  private TransparencyLog log;
  private LineageGraph graph;

  @BeforeEach
  void open() {
    db = Database.open(SharedPostgres.freshDatabase().settings(dataDir));
    log =
        new TransparencyLog(
            db.dataSource(),
            NoteSigner.generate("cc.test/log"),
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

  private static Record declared(String name, String digest, String source) {
    ObjectNode p =
        JSON.createObjectNode()
            .put("server", "prod")
            .put("run_id", "r9")
            .put("name", name)
            .put("digest", digest)
            .put("source_type", "local")
            .put("source", source);
    return Record.of(
        "mlflow:prod",
        CrossCheck.DATASET_INPUT,
        "runs/r9/dataset-inputs/" + name,
        Instant.EPOCH,
        List.of("mlflow://prod/datasets/" + name + "@" + digest, RUN),
        p);
  }

  private static Record evidence(String ref, long eventsLost, Object[]... files) {
    ObjectNode p = JSON.createObjectNode().put("eventsLost", eventsLost).put("updatesLost", 0);
    ArrayNode fs = p.putArray("files");
    for (Object[] f : files) {
      ObjectNode o = fs.addObject().put("path", (String) f[0]).put("bytesRead", (Long) f[1]);
      if (f[2] != null) {
        o.put("sha256", (String) f[2]);
      }
    }
    return Record.of("ebpf", CrossCheck.EVIDENCE, ref, Instant.EPOCH, List.of("mlflow-run:r9"), p);
  }

  private void commit(Record... records) throws Exception {
    log.journal().appendAll(List.of(records));
    log.step();
  }

  @Test
  void crossCheck_eachStatus_findingsCiteRecordsAndAreJournaled() throws Exception {
    commit(
        declared("train", SHA_TRAIN, "{\"uri\": \"file:///data/train.csv\"}"),
        declared("eval", "d1df6b9d", "/data/eval"),
        declared("test", "sha256:" + SHA_TEST_DECLARED, "/data/test.csv"),
        declared("holdout", "0badf00d", "/data/holdout.csv"),
        evidence(
            "w1/p1",
            0,
            new Object[] {"/data/train.csv", 1000L, SHA_TRAIN},
            new Object[] {"/data/eval/part-0.csv", 300L, "e".repeat(64)},
            new Object[] {"/data/test.csv", 200L, SHA_TEST_SEEN},
            new Object[] {"/data/extra.parquet", 50L, "f".repeat(64)},
            new Object[] {"/usr/lib/python3/site.py", 4000L, null}));
    CrossCheckAnswer a = graph.crossCheck("r9", Optional.empty(), List.of("/data"));
    assertThat(a.findings())
        .extracting(f -> f.dataset().orElse("-"), Finding::status, f -> f.matchedBy().orElse("-"))
        .containsExactly(
            tuple("train", Status.CORROBORATED, "digest"),
            tuple("eval", Status.CORROBORATED, "path"),
            tuple("test", Status.DIGEST_MISMATCH, "path"),
            tuple("holdout", Status.DECLARED_NOT_OBSERVED, "-"),
            tuple("-", Status.OBSERVED_NOT_DECLARED, "-"));
    assertThat(a.findings().get(0).bytesRead()).isEqualTo(1000);
    assertThat(a.findings().get(1).paths()).containsExactly("/data/eval/part-0.csv");
    assertThat(a.findings().get(2).observedSha256()).containsExactly(SHA_TEST_SEEN);
    assertThat(a.findings().get(4).paths()).containsExactly("/data/extra.parquet");
    assertThat(a.findings()).allSatisfy(f -> assertThat(f.records()).isNotEmpty());
    assertThat(a.declaredRecords()).hasSize(4);
    assertThat(a.observedRecords()).hasSize(1);
    assertThat(a.captureComplete()).isTrue();

    StoredRecord journaled = log.journal().record(a.journaledAs()).orElseThrow();
    assertThat(journaled.kind()).isEqualTo(LineageGraph.CROSS_CHECK_KIND);
    assertThat(new String(journaled.canonical(), java.nio.charset.StandardCharsets.UTF_8))
        .contains("digest-mismatch", "observed-not-declared");
    CrossCheckAnswer again = graph.crossCheck("r9", Optional.empty(), List.of("/data"));
    assertThat(again.journaledAs()).isEqualTo(a.journaledAs());
  }

  @Test
  void crossCheck_lossyCapture_saysSoAndUnknownRunIs404() throws Exception {
    commit(
        declared("train", SHA_TRAIN, "/data/train.csv"),
        evidence("w1/p1", 0, new Object[] {"/data/train.csv", 10L, SHA_TRAIN}),
        evidence("w2/p1", 7, new Object[] {"/data/train.csv", 5L, SHA_TRAIN}));
    CrossCheckAnswer a = graph.crossCheck("r9", Optional.empty(), List.of("/data"));
    assertThat(a.captureComplete()).isFalse();
    assertThat(a.findings()).singleElement().extracting(Finding::bytesRead).isEqualTo(15L);
    assertThatThrownBy(() -> graph.crossCheck("nope", Optional.empty(), List.of()))
        .isInstanceOf(UnknownNodeException.class);
  }
}
