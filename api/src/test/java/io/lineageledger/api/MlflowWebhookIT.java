package io.lineageledger.api;

import static org.assertj.core.api.Assertions.assertThat;

import io.lineageledger.ingest.mlflow.FakeMlflow;
import io.lineageledger.ingest.mlflow.Fixtures;
import io.lineageledger.ledger.merkle.Hashes;
import io.lineageledger.ledger.merkle.ProofVerifier;
import io.lineageledger.ledger.note.Checkpoint;
import io.lineageledger.ledger.note.NoteVerifier;
import io.lineageledger.platform.testing.Await;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * MLflow ingestion through the real service: signed webhooks (recorded from a real MLflow, and
 * signed by the fake as MLflow signs them) → durable inbox → enrichment from a fake MLflow with the
 * recorded answer shapes → journal records with proofs, lineage links and alias history; the sync;
 * and every refused or faulty input.
 */
class MlflowWebhookIT {
  static final Instant RECORDED_AT = Instant.ofEpochSecond(1795588304L);
  static Vertx vertx;
  static FakeMlflow prod;
  static FakeMlflow lab;
  static TestService service;
  static JournalClient client;
  static Clock clock;

  @BeforeAll
  static void start() throws Exception {
    vertx = Vertx.vertx();
    prod = FakeMlflow.recorded(vertx);
    lab = FakeMlflow.recorded(vertx);
    // The service's clock starts when the recorded deliveries were signed, so they are fresh.
    clock = Clock.offset(Clock.systemUTC(), Duration.between(Instant.now(), RECORDED_AT));
    Map<String, String> env = new HashMap<>();
    env.put("LINEAGE_MLFLOW_SOURCES", "prod=" + prod.url() + ",lab=" + lab.url() + ",hooks");
    env.put(
        "LINEAGE_MLFLOW_WEBHOOK_SECRETS",
        "prod=" + Fixtures.RECORDED_SECRET + ",lab=lab-secret,hooks=hooks-secret");
    env.put("LINEAGE_MLFLOW_SYNC_INTERVAL_SECONDS", "0");
    env.put("LINEAGE_MLFLOW_MAX_ATTEMPTS", "2");
    env.put("LINEAGE_MLFLOW_INBOX_POLL_MILLIS", "50");
    env.put("LINEAGE_MLFLOW_WEBHOOK_BODY_LIMIT_BYTES", "4096");
    env.put("LINEAGE_MLFLOW_REQUEST_TIMEOUT_MILLIS", "3000");
    env.put("LINEAGE_LOG_CHECKPOINT_INTERVAL_MILLIS", "0");
    service = TestService.start(env, clock);
    client = JournalClient.of(service);
  }

  @AfterAll
  static void stop() throws Exception {
    service.close();
    prod.close();
    lab.close();
    vertx.close().await();
  }

  private static String hook(String source) {
    return service.base + "/api/v1/ingest/mlflow/" + source + "/webhook";
  }

  private static HttpResponse<String> postRecorded(Fixtures.RecordedDelivery d) throws Exception {
    HttpRequest.Builder b =
        HttpRequest.newBuilder(URI.create(hook("prod")))
            .timeout(Duration.ofSeconds(30))
            .POST(HttpRequest.BodyPublishers.ofByteArray(d.body()));
    for (Map.Entry<String, String> h : d.headers()) {
      if (!Set.of("host", "connection", "content-length", "accept-encoding")
          .contains(h.getKey().toLowerCase(java.util.Locale.ROOT))) {
        b.header(h.getKey(), h.getValue());
      }
    }
    return service.send(b.build());
  }

  private static List<List<Object>> rows(String sql, Object... args) throws Exception {
    try (Connection c = service.database.superuser();
        PreparedStatement ps = c.prepareStatement(sql)) {
      for (int i = 0; i < args.length; i++) {
        ps.setObject(i + 1, args[i]);
      }
      List<List<Object>> out = new ArrayList<>();
      try (ResultSet rs = ps.executeQuery()) {
        int n = rs.getMetaData().getColumnCount();
        while (rs.next()) {
          List<Object> row = new ArrayList<>();
          for (int i = 1; i <= n; i++) {
            row.add(rs.getObject(i));
          }
          out.add(row);
        }
      }
      return out;
    }
  }

  private static long count(String sql, Object... args) throws Exception {
    return ((Number) rows(sql, args).get(0).get(0)).longValue();
  }

  private static void awaitStatus(String source, String deliveryId, String status) {
    Await.until(
        Duration.ofSeconds(30),
        () -> {
          try {
            return "delivery "
                + deliveryId
                + " "
                + status
                + "; state: "
                + rows(
                    "SELECT s.status, s.attempts, s.last_error FROM mlflow_delivery_state s JOIN"
                        + " mlflow_deliveries d ON d.id = s.delivery WHERE d.source = ? AND"
                        + " d.delivery_id = ?",
                    source,
                    deliveryId);
          } catch (Exception e) {
            return e.toString();
          }
        },
        () ->
            service
                .verticle
                .mlflow()
                .inbox()
                .status(source, deliveryId)
                .map(status::equals)
                .orElse(false));
  }

  /** Checks an inclusion proof of record {@code id} against a signed checkpoint. */
  private static void assertProven(long id) throws Exception {
    JsonObject proof = client.awaitProof(id);
    JsonObject cp = proof.getJsonObject("checkpoint");
    String vkey =
        new JsonObject(service.get("/api/v1/checkpoints/latest", client.auditorKey).body())
            .getString("verifierKey");
    Checkpoint verified = NoteVerifier.fromVerifierKey(vkey).verifyCheckpoint(cp.getString("note"));
    JsonObject rec = new JsonObject(service.get("/api/v1/records/" + id, client.auditorKey).body());
    byte[] leafHash = Hashes.leafHash(Base64.getDecoder().decode(rec.getString("canonical")));
    ProofVerifier.verifyInclusion(
        proof.getLong("leafIndex"),
        verified.size(),
        leafHash,
        JournalClient.hashes(proof.getJsonArray("hashes")),
        verified.rootHash());
  }

  @Test
  void recordedDeliveries_enrichedIntoLinkedRecordsAliasHistoryAndProofs() throws Exception {
    Fixtures.RecordedDelivery created = Fixtures.delivery(Fixtures.MODEL_VERSION_CREATED);
    Fixtures.RecordedDelivery alias = Fixtures.delivery(Fixtures.ALIAS_CREATED);
    HttpResponse<String> r1 = postRecorded(created);
    assertThat(r1.statusCode()).as(r1.body()).isEqualTo(202);
    assertThat(new JsonObject(r1.body()).getString("status")).isEqualTo("accepted");
    assertThat(postRecorded(alias).statusCode()).isEqualTo(202);
    awaitStatus("prod", created.header("X-MLflow-Delivery-Id"), "done");
    awaitStatus("prod", alias.header("X-MLflow-Delivery-Id"), "done");

    // The inbox kept the exact bytes and headers.
    List<Object> stored =
        rows(
                "SELECT body, headers::text FROM mlflow_deliveries WHERE delivery_id = ?",
                created.header("X-MLflow-Delivery-Id"))
            .get(0);
    assertThat((byte[]) stored.get(0)).isEqualTo(created.body());
    assertThat((String) stored.get(1)).contains("v1,rhgk5owANezKlalM6JnPDj3zSDXp9IpeGMTbfF2e02g=");

    Map<String, Long> ids = new HashMap<>();
    for (List<Object> row :
        rows(
            "SELECT kind, seq, raw FROM journal_records WHERE source = 'mlflow:prod' ORDER BY seq")) {
      ids.putIfAbsent((String) row.get(0), (Long) row.get(1));
      if (row.get(0).equals("mlflow.model_version")) {
        assertThat((byte[]) row.get(2))
            .as("raw is MLflow's answer, byte for byte")
            .isEqualTo(Fixtures.bytes("model-versions-get.json"));
      }
      if (row.get(0).equals("mlflow.run")) {
        assertThat((byte[]) row.get(2)).isEqualTo(Fixtures.bytes("runs-get.json"));
      }
    }
    assertThat(ids.keySet())
        .contains(
            "mlflow.model_version",
            "mlflow.run",
            "mlflow.dataset_input",
            "mlflow.logged_model",
            "mlflow.registered_model",
            "mlflow.alias_set");

    JsonObject mv = record(ids.get("mlflow.model_version"));
    assertThat(mv.getJsonArray("subjects").getList())
        .containsExactly(
            "mlflow://prod/model-versions/JavaContractModel/1",
            "mlflow://prod/registered-models/JavaContractModel",
            "mlflow://prod/runs/" + FakeMlflow.RECORDED_RUN,
            "mlflow://prod/logged-models/" + FakeMlflow.RECORDED_LOGGED_MODEL);
    assertThat(mv.getJsonObject("payload").getString("model_id"))
        .isEqualTo(FakeMlflow.RECORDED_LOGGED_MODEL);
    JsonObject ds = record(ids.get("mlflow.dataset_input")).getJsonObject("payload");
    assertThat(ds.getString("name")).isEqualTo("train-ds");
    assertThat(ds.getString("digest")).isEqualTo("d1df6b9d");
    assertThat(ds.getString("source_type")).isEqualTo("local");
    assertThat(ds.getString("source")).isEqualTo("{\"uri\": \"/srv/mlflow/train.csv\"}");
    JsonObject run = record(ids.get("mlflow.run")).getJsonObject("payload");
    assertThat(run.getJsonObject("params").getString("alpha")).isEqualTo("0.5");
    assertThat(run.getJsonArray("model_outputs").getJsonObject(0).getString("model_id"))
        .isEqualTo(FakeMlflow.RECORDED_LOGGED_MODEL);

    String dsSubject = "mlflow://prod/datasets/train-ds@d1df6b9d";
    String runSubject = "mlflow://prod/runs/" + FakeMlflow.RECORDED_RUN;
    String mvSubject = "mlflow://prod/model-versions/JavaContractModel/1";
    String lmSubject = "mlflow://prod/logged-models/" + FakeMlflow.RECORDED_LOGGED_MODEL;
    assertThat(
            rows(
                "SELECT from_subject || ' ' || relation || ' ' || to_subject FROM mlflow_links"
                    + " WHERE from_subject LIKE 'mlflow://prod/%'"))
        .extracting(r -> (String) r.get(0))
        .contains(
            dsSubject + " input_to " + runSubject,
            runSubject + " produced " + mvSubject,
            mvSubject + " version_of mlflow://prod/registered-models/JavaContractModel",
            lmSubject + " registered_as " + mvSubject,
            runSubject + " logged " + lmSubject,
            runSubject + " in_experiment mlflow://prod/experiments/1");

    assertThat(
            rows(
                "SELECT alias, version, valid_until FROM mlflow_alias_history WHERE source = 'prod'"
                    + " AND model_name = 'JavaContractModel'"))
        .containsExactly(Arrays.asList("champion", "1", null));

    for (long id : ids.values()) {
      assertProven(id);
    }

    // A redelivery (MLflow retries with the same delivery id) changes nothing.
    long records = count("SELECT count(*) FROM journal_records");
    HttpResponse<String> again = postRecorded(created);
    assertThat(again.statusCode()).isEqualTo(200);
    assertThat(new JsonObject(again.body()).getString("status")).isEqualTo("duplicate");
    assertThat(
            count(
                "SELECT count(*) FROM mlflow_deliveries WHERE delivery_id = ?",
                created.header("X-MLflow-Delivery-Id")))
        .isEqualTo(1);
    assertThat(count("SELECT count(*) FROM journal_records")).isEqualTo(records);

    // The sync sees the same state and journals nothing new.
    long before = count("SELECT count(*) FROM journal_records WHERE source = 'mlflow:prod'");
    service.verticle.mlflow().syncNow("prod").toCompletionStage().toCompletableFuture().get();
    assertThat(count("SELECT count(*) FROM journal_records WHERE source = 'mlflow:prod'"))
        .isEqualTo(before);
    assertThat(count("SELECT count(*) FROM mlflow_alias_events WHERE source = 'prod'"))
        .isEqualTo(1);
  }

  private static JsonObject record(long id) throws Exception {
    HttpResponse<String> r = service.get("/api/v1/records/" + id, client.auditorKey);
    assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
    JsonObject body = new JsonObject(r.body());
    return body.containsKey("record") ? body.getJsonObject("record") : body;
  }
}
