package io.lineageledger.graph;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.lineageledger.graph.ModelCrossCheckAnswer.Finding;
import io.lineageledger.graph.ModelCrossCheckAnswer.Status;
import io.lineageledger.ledger.journal.Record;
import io.lineageledger.ledger.journal.TransparencyLog;
import io.lineageledger.ledger.note.NoteSigner;
import io.lineageledger.platform.Database;
import io.lineageledger.platform.testing.SharedPostgres;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
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

class ModelCrossCheckIT {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final String MODEL_SHA = "ab".repeat(32);
  private static final String ARTIFACTS = "/srv/mlflow/artifacts/1/models/m-1/artifacts";
  private static final Instant T0 = Instant.parse("2026-01-01T00:00:00Z");

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
            NoteSigner.generate("mcc.test/log"),
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

  private static Record version(String name, String v, String source, String modelId) {
    ObjectNode p =
        JSON.createObjectNode()
            .put("server", "prod")
            .put("name", name)
            .put("version", v)
            .put("run_id", "r9")
            .put("source", source);
    if (modelId == null) {
      p.putNull("model_id");
    } else {
      p.put("model_id", modelId);
    }
    List<String> subjects = new ArrayList<>();
    subjects.add("mlflow://prod/model-versions/" + name + "/" + v);
    subjects.add("mlflow://prod/runs/r9");
    return Record.of(
        "mlflow:prod",
        ModelCrossCheck.MODEL_VERSION,
        "model-versions/" + name + "/" + v,
        T0,
        subjects,
        p);
  }

  private static Record loggedModel() {
    ObjectNode p =
        JSON.createObjectNode()
            .put("server", "prod")
            .put("model_id", "m-1")
            .put("artifact_uri", ARTIFACTS);
    return Record.of(
        "mlflow:prod",
        ModelCrossCheck.LOGGED_MODEL,
        "logged-models/m-1",
        T0,
        List.of("mlflow://prod/logged-models/m-1"),
        p);
  }

  private static Record window(String id, int startSecond) {
    ObjectNode p =
        JSON.createObjectNode()
            .put("window", id)
            .put("start", T0.plusSeconds(startSecond).toString())
            .put("end", T0.plusSeconds(startSecond + 10).toString())
            .put("eventsLost", 0)
            .put("updatesLost", 0);
    return Record.of("ebpf", ModelCrossCheck.WINDOW, id, T0, List.of("ebpf-window:" + id), p);
  }

  /** files: {path, bytesRead, bytesWritten, mmaps, sha}; flows: {localPort, sent, received}. */
  private static Record process(
      String window, String proc, String runId, Object[][] files, int[][] flows) {
    ObjectNode p =
        JSON.createObjectNode()
            .put("proc", proc)
            .put("comm", runId == null ? "server" : "train")
            .put("executable", runId == null ? "/usr/bin/server" : "/usr/bin/train")
            .put("window", window)
            .put("eventsLost", 0)
            .put("updatesLost", 0);
    ObjectNode env = p.putObject("env");
    List<String> subjects = new ArrayList<>(List.of("ebpf-window:" + window, "process:h/" + proc));
    if (runId != null) {
      env.put("MLFLOW_RUN_ID", runId);
      subjects.add("mlflow-run:" + runId);
    }
    ArrayNode fs = p.putArray("files");
    for (Object[] f : files) {
      ObjectNode o =
          fs.addObject()
              .put("path", (String) f[0])
              .put("bytesRead", (Long) f[1])
              .put("bytesWritten", (Long) f[2])
              .put("opens", 1)
              .put("mmaps", (Long) f[3]);
      if (f[4] != null) {
        o.put("sha256", (String) f[4]);
        subjects.add("sha256:" + f[4]);
      }
    }
    ArrayNode fl = p.putArray("flows");
    for (int[] f : flows) {
      fl.addObject()
          .put("family", "ipv4")
          .put("localAddress", "127.0.0.1")
          .put("localPort", f[0])
          .put("remoteAddress", "127.0.0.1")
          .put("remotePort", 40000 + f[0] % 1000)
          .put("bytesSent", f[1])
          .put("bytesReceived", f[2]);
    }
    return Record.of("ebpf", CrossCheck.EVIDENCE, window + "/" + proc, T0, subjects, p);
  }

  private void commit(Record... records) throws Exception {
    log.journal().appendAll(List.of(records));
    log.step();
  }

  @Test
  void modelVersionCrossCheck_servedAndLoadedOnly_artifactDigestTiesServersToVersion()
      throws Exception {
    commit(
        version("churn", "1", "models:/m-1", "m-1"),
        loggedModel(),
        window("w1", 0),
        window("w2", 10),
        // the run writes the model under the logged model's artifact_uri
        process(
            "w1",
            "100@1",
            "r9",
            new Object[][] {
              {"/data/train.csv", 500L, 0L, 0L, "cd".repeat(32)},
              {ARTIFACTS + "/model.pkl", 0L, 4096L, 0L, MODEL_SHA}
            },
            new int[][] {}),
        // a server loads a copy of it (same digest, other path), then serves in the next window
        process(
            "w1",
            "200@2",
            null,
            new Object[][] {{"/opt/serve/model.pkl", 4096L, 0L, 1L, MODEL_SHA}},
            new int[][] {{8080, 300, 100}}),
        process(
            "w2", "200@2", null, new Object[][] {}, new int[][] {{8080, 700, 200}, {5432, 9, 9}}),
        // another process only loads it
        process(
            "w2",
            "300@3",
            null,
            new Object[][] {{ARTIFACTS + "/model.pkl", 4096L, 0L, 0L, MODEL_SHA}},
            new int[][] {}));
    ModelCrossCheckAnswer a =
        graph.modelVersionCrossCheck("churn/1", Optional.empty(), List.of(8080), false);
    assertThat(a.runId()).contains("r9");
    assertThat(a.artifactLocations())
        .singleElement()
        .satisfies(l -> assertThat(l.path()).contains(ARTIFACTS));
    assertThat(a.findings())
        .extracting(Finding::status)
        .containsExactly(Status.ARTIFACT_OBSERVED, Status.SERVED, Status.LOADED_NOT_SERVED);
    Finding artifact = a.findings().get(0);
    assertThat(artifact.paths()).containsExactly(ARTIFACTS + "/model.pkl");
    assertThat(artifact.sha256()).containsExactly(MODEL_SHA);
    assertThat(artifact.bytesWritten()).isEqualTo(4096);
    ModelCrossCheckAnswer.ServingProcess served = a.findings().get(1).process().orElseThrow();
    assertThat(served.id()).isEqualTo("process:h/200@2");
    assertThat(served.mmaps()).isEqualTo(1);
    assertThat(served.servedFlows()).singleElement();
    assertThat(served.bytesSent()).isEqualTo(1000);
    assertThat(served.bytesReceived()).isEqualTo(300);
    assertThat(served.otherFlows()).isEqualTo(1);
    assertThat(served.from()).contains(T0);
    assertThat(served.until()).contains(T0.plusSeconds(20));
    assertThat(a.findings().get(2).process().orElseThrow().id()).isEqualTo("process:h/300@3");
    assertThat(a.captureComplete()).isTrue();
    assertThat(a.findings()).allSatisfy(f -> assertThat(f.records()).isNotEmpty());

    String journaled =
        new String(
            log.journal().record(a.journaledAs()).orElseThrow().canonical(),
            StandardCharsets.UTF_8);
    assertThat(journaled).contains("\"served\"", "loaded-not-served", "artifact-observed");
    assertThat(
            graph
                .modelVersionCrossCheck("churn/1", Optional.empty(), List.of(8080), false)
                .journaledAs())
        .isEqualTo(a.journaledAs());
  }

  @Test
  void modelVersionCrossCheck_remoteArtifactsOrUnknownVersion_notObservedOr404() throws Exception {
    commit(version("churn", "2", "s3://bucket/models/churn/2", null));
    ModelCrossCheckAnswer a =
        graph.modelVersionCrossCheck("churn/2", Optional.empty(), List.of(), false);
    assertThat(a.findings())
        .singleElement()
        .satisfies(
            f -> {
              assertThat(f.status()).isEqualTo(Status.ARTIFACT_NOT_OBSERVED);
              assertThat(f.detail()).contains("s3://bucket/models/churn/2");
            });
    assertThatThrownBy(
            () -> graph.modelVersionCrossCheck("churn/9", Optional.empty(), List.of(), false))
        .isInstanceOf(UnknownNodeException.class);
  }
}
