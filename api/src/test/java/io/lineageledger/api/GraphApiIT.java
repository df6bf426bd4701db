package io.lineageledger.api;

import static org.assertj.core.api.Assertions.assertThat;

import io.lineageledger.ledger.verify.OfflineVerifier;
import io.lineageledger.platform.testing.Await;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class GraphApiIT {
  static TestService service;
  static JournalClient client;
  static String vkey;

  @TempDir Path dir;

  @BeforeAll
  static void start() throws Exception {
    service =
        TestService.start(
            Map.of(
                "LINEAGE_LOG_SEQUENCE_INTERVAL_MILLIS",
                "20",
                "LINEAGE_LOG_CHECKPOINT_INTERVAL_MILLIS",
                "0",
                // anchor every checkpoint as soon as it is signed
                "LINEAGE_ANCHOR_INTERVAL_SECONDS",
                "0",
                "LINEAGE_ANCHOR_CHECK_MILLIS",
                "50"));
    client = JournalClient.of(service);
    long last =
        append(
            "ds-run",
            "mlflow://prod/runs/r%201",
            "mlflow://prod/datasets/train@d1df",
            "input-to",
            "mlflow://prod/runs/r%201");
    last =
        Math.max(
            last,
            append(
                "run-mv",
                "mlflow://prod/model-versions/churn%20model/3",
                "mlflow://prod/runs/r%201",
                "produced",
                "mlflow://prod/model-versions/churn%20model/3"));
    client.awaitProof(last);
    vkey =
        new JsonObject(service.get("/api/v1/checkpoints/latest", client.auditorKey).body())
            .getString("verifierKey");
  }

  @AfterAll
  static void stop() throws Exception {
    service.close();
  }

  private static long append(String ref, String subject, String from, String rel, String to)
      throws Exception {
    JsonObject body =
        new JsonObject()
            .put("source", "test")
            .put("kind", "test.lineage")
            .put("sourceRef", ref)
            .put("observedAt", "2026-01-01T00:00:00Z")
            .put("subjects", new JsonArray().add(subject).add(from))
            .put(
                "payload",
                new JsonObject()
                    .put(
                        "links",
                        new JsonArray()
                            .add(
                                new JsonObject().put("from", from).put("rel", rel).put("to", to))));
    HttpResponse<String> r =
        service.send("POST", "/api/v1/records", client.ingestKey, body.encode());
    assertThat(r.statusCode()).as(r.body()).isEqualTo(201);
    return new JsonObject(r.body()).getLong("id");
  }

  private static JsonObject lineage(String path) {
    JsonObject[] out = new JsonObject[1];
    // The graph follows the log; a freshly signed checkpoint is projected on the next step.
    Await.until(
        Duration.ofSeconds(20),
        "lineage answer at " + path,
        () -> {
          HttpResponse<String> r = service.get(path, client.auditorKey);
          if (r.statusCode() == 200) {
            out[0] = new JsonObject(r.body());
            return out[0].getJsonArray("nodes").size() >= 3;
          }
          return false;
        });
    return out[0];
  }

  @Test
  void modelVersionLineage_withProofs_answerFromAnAnchoredCheckpointVerifiesOffline()
      throws Exception {
    JsonObject a =
        lineage("/api/v1/model-versions/churn%20model/3/lineage?direction=up&depth=5&proofs=true");
    assertThat(a.getJsonArray("start").getString(0))
        .isEqualTo("mlflow://prod/model-versions/churn%20model/3");
    assertThat(a.getJsonArray("nodes").stream().map(n -> ((JsonObject) n).getString("id")))
        .containsExactly(
            "mlflow://prod/model-versions/churn%20model/3",
            "mlflow://prod/runs/r%201", "mlflow://prod/datasets/train@d1df");
    assertThat(a.getJsonArray("records").size()).isGreaterThanOrEqualTo(2);
    JsonObject anchor = a.getJsonObject("anchor");
    long size = a.getJsonObject("checkpoint").getLong("size");
    assertThat(anchor.getBoolean("anchored")).as(anchor.encode()).isTrue();
    assertThat(anchor.getString("backend")).isEqualTo("embedded");
    assertThat(anchor.getLong("treeSize")).isEqualTo(size);
    assertThat(anchor.getString("root")).isEqualTo(a.getJsonObject("checkpoint").getString("root"));
    assertThat(anchor.getString("txId")).isNotEmpty();
    assertThat(anchor.getString("blockNumber")).isNotEmpty();
    assertThat(anchor.getString("anchoredAt")).isNotEmpty();
    assertThat(anchor.getString("note")).contains("NOT independent");
    JsonObject from = a.getJsonObject("answeredFrom");
    assertThat(from.getLong("treeSize")).isEqualTo(size);
    assertThat(from.getLong("requestedTreeSize")).isGreaterThanOrEqualTo(size);
    assertThat(a.getJsonObject("crossCheck").getString("modelVersion"))
        .isEqualTo("churn%20model/3");

    assertThat(verifyAnswer(a)).isTrue();
    // One altered cited record, an edge no record states, a record dropped, a foreign anchor:
    // each fails.
    JsonObject altered = a.copy();
    altered.getJsonArray("records").getJsonObject(0).getJsonObject("record").put("kind", "x");
    assertThat(verifyAnswer(altered)).isFalse();
    JsonObject forged = a.copy();
    forged.getJsonArray("edges").getJsonObject(0).put("rel", "forged");
    assertThat(verifyAnswer(forged)).isFalse();
    JsonObject dropped = a.copy();
    dropped.getJsonArray("records").remove(0);
    assertThat(verifyAnswer(dropped)).isFalse();
    JsonObject otherAnchor = a.copy();
    otherAnchor.getJsonObject("anchor").put("treeSize", size + 1);
    assertThat(verifyAnswer(otherAnchor)).isFalse();
  }

  /** The answer checked as {@code lineage verify ANSWER.json --key VKEY} checks it. */
  private boolean verifyAnswer(JsonObject answer) throws Exception {
    Path file = Files.createTempFile(dir, "answer", ".json");
    Files.writeString(file, answer.encode());
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    int code =
        new Cli(
                new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8),
                Map.of(),
                java.time.Clock.systemUTC())
            .run(new String[] {"verify", file.toString(), "--key", vkey});
    String printed = out.toString(StandardCharsets.UTF_8);
    assertThat(printed)
        .as(err.toString(StandardCharsets.UTF_8))
        .contains(code == 0 ? "VERIFIED" : "NOT VERIFIED");
    return code == 0;
  }

  @Test
  void lineageWithProofs_nothingAnchoredYet_409SayingWhatToWaitFor() throws Exception {
    // An anchorer whose first check is a minute away has anchored nothing.
    try (TestService s =
        TestService.start(
            Map.of(
                "LINEAGE_LOG_SEQUENCE_INTERVAL_MILLIS",
                "20",
                "LINEAGE_LOG_CHECKPOINT_INTERVAL_MILLIS",
                "0",
                "LINEAGE_ANCHOR_CHECK_MILLIS",
                "60000"))) {
      JournalClient c = JournalClient.of(s);
      JsonObject body =
          new JsonObject()
              .put("source", "test")
              .put("kind", "test.lineage")
              .put("sourceRef", "one")
              .put("observedAt", "2026-01-01T00:00:00Z")
              .put("subjects", new JsonArray().add("mlflow://prod/runs/lonely"))
              .put("payload", new JsonObject());
      HttpResponse<String> r = s.send("POST", "/api/v1/records", c.ingestKey, body.encode());
      assertThat(r.statusCode()).as(r.body()).isEqualTo(201);
      c.awaitProof(new JsonObject(r.body()).getLong("id"));
      Await.until(
          Duration.ofSeconds(20),
          "lineage without proofs",
          () -> s.get("/api/v1/runs/lonely/lineage", c.auditorKey).statusCode() == 200);
      HttpResponse<String> refused = s.get("/api/v1/runs/lonely/lineage?proofs=true", c.auditorKey);
      assertThat(refused.statusCode()).as(refused.body()).isEqualTo(409);
      JsonObject problem = new JsonObject(refused.body());
      assertThat(problem.getString("type")).endsWith("not-anchored");
      assertThat(problem.getBoolean("retryable")).isTrue();
      assertThat(problem.getString("anchorBackend")).isEqualTo("embedded");
      assertThat(problem.getString("detail")).contains("wait for the anchorer");
      assertThat(s.get("/api/v1/runs/lonely/cross-check?proofs=true", c.auditorKey).statusCode())
          .isEqualTo(409);
    }
  }

  @Test
  void lineageWithProofs_anchoringOff_answerMarkedUnanchoredAndVerifyFails() throws Exception {
    try (TestService s =
        TestService.start(
            Map.of(
                "LINEAGE_LOG_SEQUENCE_INTERVAL_MILLIS",
                "20",
                "LINEAGE_LOG_CHECKPOINT_INTERVAL_MILLIS",
                "0",
                "LINEAGE_ANCHOR_BACKEND",
                "off"))) {
      JournalClient c = JournalClient.of(s);
      JsonObject body =
          new JsonObject()
              .put("source", "test")
              .put("kind", "test.lineage")
              .put("sourceRef", "one")
              .put("observedAt", "2026-01-01T00:00:00Z")
              .put("subjects", new JsonArray().add("mlflow://prod/runs/free"))
              .put("payload", new JsonObject());
      HttpResponse<String> r = s.send("POST", "/api/v1/records", c.ingestKey, body.encode());
      assertThat(r.statusCode()).as(r.body()).isEqualTo(201);
      c.awaitProof(new JsonObject(r.body()).getLong("id"));
      JsonObject[] a = new JsonObject[1];
      Await.until(
          Duration.ofSeconds(20),
          "lineage with proofs",
          () -> {
            HttpResponse<String> x = s.get("/api/v1/runs/free/lineage?proofs=true", c.auditorKey);
            a[0] = x.statusCode() == 200 ? new JsonObject(x.body()) : null;
            return a[0] != null;
          });
      assertThat(a[0].getJsonObject("anchor").getBoolean("anchored")).isFalse();
      assertThat(a[0].getJsonObject("anchor").getString("backend")).isEqualTo("off");
      assertThat(a[0].getJsonObject("answeredFrom").getString("why")).contains("anchoring is off");
      String key =
          new JsonObject(s.get("/api/v1/checkpoints/latest", c.auditorKey).body())
              .getString("verifierKey");
      Path file = Files.createTempFile(dir, "answer", ".json");
      Files.writeString(file, a[0].encode());
      ByteArrayOutputStream out = new ByteArrayOutputStream();
      boolean ok =
          new OfflineVerifier(new PrintStream(out, true, StandardCharsets.UTF_8))
              .verifyAnswer(file, key);
      assertThat(ok).isFalse();
      assertThat(out.toString(StandardCharsets.UTF_8))
          .contains("FAIL  the answer is not anchored")
          .contains("ok    1 records are included");
    }
  }

  @Test
  void lineage_unknownNodeOrBadParameters_problemDocuments() throws Exception {
    HttpResponse<String> unknown =
        service.get("/api/v1/runs/nope/lineage?direction=up", client.auditorKey);
    assertThat(unknown.statusCode()).isEqualTo(404);
    assertThat(new JsonObject(unknown.body()).getString("type")).endsWith("unknown-node");
    HttpResponse<String> deep = service.get("/api/v1/lineage?node=x&depth=11", client.auditorKey);
    assertThat(deep.statusCode()).isEqualTo(400);
    assertThat(deep.body()).contains("depth");
    HttpResponse<String> badAsOf =
        service.get("/api/v1/lineage?node=x&asOf=yesterday", client.auditorKey);
    assertThat(badAsOf.statusCode()).isEqualTo(400);
    HttpResponse<String> ingestOnly = service.get("/api/v1/runs/r%201/lineage", client.ingestKey);
    assertThat(ingestOnly.statusCode()).isEqualTo(403);
  }

  @Test
  void datasetImpact_byDigest_listsRunAndModelVersionDownstream() throws Exception {
    lineage("/api/v1/datasets/d1df/lineage?direction=down&depth=5");
    HttpResponse<String> r = service.get("/api/v1/datasets/d1df/impact", client.auditorKey);
    assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
    JsonObject impact = new JsonObject(r.body()).getJsonObject("impact");
    assertThat(impact.getJsonArray("runs").getList()).containsExactly("mlflow://prod/runs/r%201");
    assertThat(impact.getJsonArray("model-versions").getList())
        .containsExactly("mlflow://prod/model-versions/churn%20model/3");
    assertThat(impact.containsKey("datasets")).isFalse();
    assertThat(service.get("/api/v1/datasets/ffff/impact", client.auditorKey).statusCode())
        .isEqualTo(404);
    assertThat(service.get("/api/v1/datasets/a_b%25/impact", client.auditorKey).statusCode())
        .isEqualTo(400);
  }

  @Test
  void datasetImpact_records_leanByDefaultAndInFullWithIncludeRecords() throws Exception {
    lineage("/api/v1/datasets/d1df/lineage?direction=down&depth=5");
    JsonObject lean =
        new JsonObject(service.get("/api/v1/datasets/d1df/impact", client.auditorKey).body());
    long size = lean.getJsonObject("checkpoint").getLong("size");
    JsonObject full =
        new JsonObject(
            service
                .get("/api/v1/datasets/d1df/impact?include=records&asOf=" + size, client.auditorKey)
                .body());
    assertThat(full.getJsonObject("checkpoint").getLong("size")).isEqualTo(size);
    JsonArray leanRecords = lean.getJsonArray("records");
    JsonArray fullRecords = full.getJsonArray("records");
    assertThat(leanRecords.size()).isGreaterThanOrEqualTo(2).isEqualTo(fullRecords.size());
    for (int i = 0; i < leanRecords.size(); i++) {
      JsonObject l = leanRecords.getJsonObject(i);
      JsonObject f = fullRecords.getJsonObject(i);
      // The lean entry is the full one less the document and its bytes.
      assertThat(l.fieldNames())
          .containsExactlyInAnyOrder(
              "id", "source", "kind", "sourceRef", "receivedAt", "leafHash", "leafIndex");
      for (String field : l.fieldNames()) {
        assertThat(l.getValue(field)).as(field).isEqualTo(f.getValue(field));
      }
      assertThat(f.getJsonObject("record")).isNotNull();
      assertThat(f.getString("canonical")).isNotEmpty();
      // What a record fetched by id says matches what the lean answer cites.
      JsonObject byId =
          new JsonObject(
              service.get("/api/v1/records/" + l.getLong("id"), client.auditorKey).body());
      assertThat(byId.getString("leafHash")).isEqualTo(l.getString("leafHash"));
      assertThat(byId.getString("canonical")).isEqualTo(f.getString("canonical"));
    }
    assertThat(
            service
                .get("/api/v1/datasets/d1df/impact?include=bytes", client.auditorKey)
                .statusCode())
        .isEqualTo(400);
  }

  @Test
  void aliasHistory_setThenMoved_twoIntervals() throws Exception {
    String alias = "mlflow://prod/registered-models/churn%20model/aliases/champion";
    append("al-1", alias, "mlflow://prod/model-versions/churn%20model/7", "carries-alias", alias);
    long last =
        append(
            "al-2", alias, "mlflow://prod/model-versions/churn%20model/8", "carries-alias", alias);
    client.awaitProof(last);
    JsonObject[] h = new JsonObject[1];
    Await.until(
        Duration.ofSeconds(20),
        "alias history with two intervals",
        () -> {
          HttpResponse<String> r =
              service.get("/api/v1/models/churn%20model/aliases/history", client.auditorKey);
          h[0] = r.statusCode() == 200 ? new JsonObject(r.body()) : null;
          return h[0] != null && h[0].getJsonArray("intervals").size() == 2;
        });
    JsonArray intervals = h[0].getJsonArray("intervals");
    assertThat(intervals.getJsonObject(0).getString("version")).endsWith("/7");
    assertThat(intervals.getJsonObject(0).containsKey("until")).isTrue();
    assertThat(intervals.getJsonObject(1).getString("version")).endsWith("/8");
    assertThat(intervals.getJsonObject(1).containsKey("until")).isFalse();
    assertThat(
            service.get("/api/v1/models/unknown/aliases/history", client.auditorKey).statusCode())
        .isEqualTo(404);
  }

  @Test
  void runCrossCheck_declaredReadAndUndeclaredRead_findingsJournaled() throws Exception {
    JsonObject declared =
        new JsonObject()
            .put("source", "mlflow:prod")
            .put("kind", "mlflow.dataset_input")
            .put("sourceRef", "runs/cc1/dataset-inputs/train")
            .put("observedAt", "2026-01-01T00:00:00Z")
            .put("subjects", new JsonArray().add("mlflow://prod/runs/cc1"))
            .put(
                "payload",
                new JsonObject()
                    .put("name", "train")
                    .put("digest", "d1df6b9d")
                    .put("source", "{\"uri\": \"file:///data/cc1/train.csv\"}"));
    JsonObject observed =
        new JsonObject()
            .put("source", "ebpf")
            .put("kind", "ebpf.process")
            .put("sourceRef", "w1/cc1")
            .put("observedAt", "2026-01-01T00:00:00Z")
            .put("subjects", new JsonArray().add("mlflow-run:cc1"))
            .put(
                "payload",
                new JsonObject()
                    .put("eventsLost", 0)
                    .put("updatesLost", 0)
                    .put(
                        "files",
                        new JsonArray()
                            .add(
                                new JsonObject()
                                    .put("path", "/data/cc1/train.csv")
                                    .put("bytesRead", 10))
                            .add(
                                new JsonObject()
                                    .put("path", "/data/cc1/other.csv")
                                    .put("bytesRead", 5))));
    long last = 0;
    for (JsonObject body : new JsonObject[] {declared, observed}) {
      HttpResponse<String> r =
          service.send("POST", "/api/v1/records", client.ingestKey, body.encode());
      assertThat(r.statusCode()).as(r.body()).isEqualTo(201);
      last = new JsonObject(r.body()).getLong("id");
    }
    client.awaitProof(last);
    HttpResponse<String> r = service.get("/api/v1/runs/cc1/cross-check", client.auditorKey);
    assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
    JsonObject a = new JsonObject(r.body());
    JsonArray findings = a.getJsonArray("findings");
    assertThat(findings.getJsonObject(0).getString("status")).isEqualTo("corroborated");
    assertThat(findings.getJsonObject(0).getString("matchedBy")).isEqualTo("path");
    assertThat(findings.getJsonObject(1).getString("status")).isEqualTo("observed-not-declared");
    JsonObject journaled =
        new JsonObject(
            service.get("/api/v1/records/" + a.getLong("journaledAs"), client.auditorKey).body());
    assertThat(journaled.getString("kind")).isEqualTo("lineage.cross_check");
  }

  @Test
  void runLineage_pagedOneNodeAtATime_cursorCoversAll() throws Exception {
    lineage("/api/v1/runs/r%201/lineage?direction=both");
    String path = "/api/v1/runs/r%201/lineage?direction=both&limit=1";
    int seen = 0;
    String cursor = null;
    do {
      HttpResponse<String> r =
          service.get(path + (cursor == null ? "" : "&cursor=" + cursor), client.auditorKey);
      assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
      JsonObject page = new JsonObject(r.body());
      seen += page.getJsonArray("nodes").size();
      cursor = page.getString("nextCursor");
    } while (cursor != null);
    assertThat(seen).isEqualTo(3);
  }
}
