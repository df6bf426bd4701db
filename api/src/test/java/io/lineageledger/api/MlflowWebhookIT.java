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
import io.vertx.core.json.JsonArray;
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
            "SELECT kind, seq, raw FROM journal_records WHERE source = 'mlflow:prod'"
                + " AND source_ref NOT LIKE '%SyncModel%' ORDER BY seq")) {
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

    // The same lineage, from the journal alone: the records state their links, the graph reads
    // them (dataset → run → model version → alias), with the alias history.
    JsonObject[] lineage = new JsonObject[1];
    Await.until(
        Duration.ofSeconds(20),
        "graph lineage of the model version",
        () -> {
          HttpResponse<String> g =
              service.get(
                  "/api/v1/model-versions/JavaContractModel/1/lineage?direction=both&depth=2",
                  client.auditorKey);
          lineage[0] = g.statusCode() == 200 ? new JsonObject(g.body()) : null;
          return lineage[0] != null
              && lineage[0].getJsonArray("nodes").stream()
                  .anyMatch(n -> ((JsonObject) n).getString("id").equals(dsSubject));
        });
    assertThat(lineage[0].getJsonArray("nodes").stream().map(n -> ((JsonObject) n).getString("id")))
        .contains(
            mvSubject,
            runSubject,
            dsSubject,
            lmSubject,
            "mlflow://prod/registered-models/JavaContractModel/aliases/champion");
    JsonObject history =
        new JsonObject(
            service
                .get("/api/v1/models/JavaContractModel/aliases/history", client.auditorKey)
                .body());
    assertThat(history.getJsonArray("intervals").getJsonObject(0).getString("version"))
        .isEqualTo(mvSubject);
    JsonObject impact =
        new JsonObject(service.get("/api/v1/datasets/d1df6b9d/impact", client.auditorKey).body());
    assertThat(impact.getJsonObject("impact").getJsonArray("model-versions").getList())
        .contains(mvSubject);

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
    assertThat(
            count(
                "SELECT count(*) FROM mlflow_alias_events WHERE source = 'prod'"
                    + " AND model_name = 'JavaContractModel'"))
        .isEqualTo(1);
  }

  private static Map<String, Object> versionData(String name, String version) {
    Map<String, Object> data = new java.util.LinkedHashMap<>();
    data.put("name", name);
    data.put("version", version);
    data.put("source", "models:/" + FakeMlflow.RECORDED_LOGGED_MODEL);
    data.put("run_id", FakeMlflow.RECORDED_RUN);
    data.put("tags", Map.of());
    data.put("description", null);
    return data;
  }

  private static void assertRefused(HttpResponse<String> r, int status, String type) {
    assertThat(r.statusCode()).as(r.body()).isEqualTo(status);
    assertThat(r.headers().firstValue("Content-Type")).hasValue("application/problem+json");
    assertThat(new JsonObject(r.body()).getString("type")).isEqualTo(Problems.TYPE_PREFIX + type);
  }

  private static HttpResponse<String> post(
      String source, FakeMlflow.Delivery d, Map<String, String> headers) throws Exception {
    HttpRequest.Builder b =
        HttpRequest.newBuilder(URI.create(hook(source)))
            .timeout(Duration.ofSeconds(30))
            .header("Content-Type", "application/json")
            .POST(HttpRequest.BodyPublishers.ofByteArray(d.body()));
    Map<String, String> all = new java.util.LinkedHashMap<>();
    all.put("X-MLflow-Delivery-Id", d.deliveryId());
    all.put("X-MLflow-Timestamp", d.timestamp());
    all.put("X-MLflow-Signature", d.signature());
    all.putAll(headers);
    all.forEach(
        (k, v) -> {
          if (v != null) {
            b.header(k, v);
          }
        });
    return service.send(b.build());
  }

  @Test
  void badDeliveries_refusedCountedAndNotStored() throws Exception {
    long stored = count("SELECT count(*) FROM mlflow_deliveries");
    Instant now = clock.instant();
    Map<String, Object> data = versionData("Refused", "1");
    FakeMlflow.Delivery good =
        FakeMlflow.delivery("model_version", "created", data, Fixtures.RECORDED_SECRET, now);

    HttpResponse<String> wrongSecret =
        post("prod", FakeMlflow.delivery("model_version", "created", data, "guess", now), Map.of());
    assertRefused(wrongSecret, 401, "unauthenticated");
    assertThat(new JsonObject(wrongSecret.body()).getString("reason")).isEqualTo("bad_signature");
    assertThat(wrongSecret.body()).doesNotContain(Fixtures.RECORDED_SECRET);
    byte[] tampered = good.body().clone();
    tampered[tampered.length - 3] = (byte) 'X';
    assertRefused(
        post(
            "prod",
            new FakeMlflow.Delivery(
                good.deliveryId(), good.timestamp(), good.signature(), tampered),
            Map.of()),
        401,
        "unauthenticated");
    for (String h : List.of("X-MLflow-Signature", "X-MLflow-Delivery-Id", "X-MLflow-Timestamp")) {
      Map<String, String> without = new HashMap<>();
      without.put(h, null);
      HttpResponse<String> r = post("prod", good, without);
      assertRefused(r, 401, "unauthenticated");
      assertThat(new JsonObject(r.body()).getString("detail")).contains(h);
    }
    for (Duration skew : List.of(Duration.ofMinutes(-6), Duration.ofMinutes(6))) {
      HttpResponse<String> r =
          post(
              "prod",
              FakeMlflow.delivery(
                  "model_version", "created", data, Fixtures.RECORDED_SECRET, now.plus(skew)),
              Map.of());
      assertRefused(r, 401, "unauthenticated");
      assertThat(new JsonObject(r.body()).getString("reason")).isEqualTo("stale_timestamp");
    }
    // An API key is not a webhook's credential.
    assertRefused(
        post(
            "prod",
            good,
            Map.of("X-MLflow-Signature", "", "Authorization", "Bearer " + service.adminKey)),
        401,
        "unauthenticated");
    assertRefused(post("nosuch", good, Map.of()), 404, "not-found");

    Map<String, Object> big = versionData("Big", "1");
    big.put("description", "x".repeat(5000));
    assertRefused(
        post(
            "prod",
            FakeMlflow.delivery("model_version", "created", big, Fixtures.RECORDED_SECRET, now),
            Map.of()),
        413,
        "body-too-large");
    byte[] notJson =
        "{\"entity\": \"model_version\", ".getBytes(java.nio.charset.StandardCharsets.UTF_8);
    String id = java.util.UUID.randomUUID().toString();
    String ts = Long.toString(now.getEpochSecond());
    assertRefused(
        post(
            "prod",
            new FakeMlflow.Delivery(
                id, ts, FakeMlflow.sign(Fixtures.RECORDED_SECRET, id, ts, notJson), notJson),
            Map.of()),
        400,
        "malformed-json");

    assertThat(count("SELECT count(*) FROM mlflow_deliveries")).isEqualTo(stored);
    String metrics = service.get("/metrics", null).body();
    assertThat(metrics)
        .containsPattern(
            "lineage_mlflow_webhook_rejected_total\\{[^}]*reason=\"bad_signature\"[^}]*source=\"prod\"");
    assertThat(metrics)
        .contains("reason=\"stale_timestamp\"")
        .contains("reason=\"unknown_source\"");
    Await.until(
        Duration.ofSeconds(10),
        "refused webhooks in the access log",
        () ->
            count(
                    "SELECT count(*) FROM access_log WHERE route = ? AND status = 401",
                    "/api/v1/ingest/mlflow/{source}/webhook")
                >= 6);
  }

  @Test
  void unknownEventType_journaledAsUnknownEvent_promptEventAsEvent() throws Exception {
    Instant now = clock.instant();
    FakeMlflow.Delivery unknown =
        FakeMlflow.delivery(
            "experiment", "renamed", Map.of("experiment_id", "7"), "hooks-secret", now);
    FakeMlflow.Delivery prompt =
        FakeMlflow.delivery("prompt", "created", Map.of("name", "greeting"), "hooks-secret", now);
    assertThat(post("hooks", unknown, Map.of()).statusCode()).isEqualTo(202);
    assertThat(post("hooks", prompt, Map.of()).statusCode()).isEqualTo(202);
    awaitStatus("hooks", unknown.deliveryId(), "done");
    awaitStatus("hooks", prompt.deliveryId(), "done");
    List<Object> row =
        rows(
                "SELECT kind, raw FROM journal_records WHERE source = 'mlflow:hooks' AND source_ref = ?",
                "deliveries/" + unknown.deliveryId())
            .get(0);
    assertThat(row.get(0)).isEqualTo("mlflow.unknown_event");
    assertThat((byte[]) row.get(1)).isEqualTo(unknown.body());
    assertThat(
            rows(
                    "SELECT kind FROM journal_records WHERE source = 'mlflow:hooks' AND source_ref = ?",
                    "deliveries/" + prompt.deliveryId())
                .get(0)
                .get(0))
        .isEqualTo("mlflow.event");
  }

  @Test
  void mlflowUnreachable_retriedFromInboxUntilItAnswers() throws Exception {
    lab.mode(FakeMlflow.Mode.UNAVAILABLE);
    try {
      FakeMlflow.Delivery d =
          FakeMlflow.delivery(
              "model_version",
              "created",
              versionData(FakeMlflow.RECORDED_MODEL, "1"),
              "lab-secret",
              clock.instant());
      assertThat(post("lab", d, Map.of()).statusCode()).isEqualTo(202);
      Await.until(
          Duration.ofSeconds(30),
          "a failed attempt recorded while MLflow is down",
          () ->
              count(
                      "SELECT count(*) FROM mlflow_delivery_state s JOIN mlflow_deliveries d ON"
                          + " d.id = s.delivery WHERE d.delivery_id = ? AND s.status = 'pending'"
                          + " AND s.attempts >= 2 AND s.last_error LIKE '%HTTP 503%'",
                      d.deliveryId())
                  == 1);
      assertThat(
              service
                  .get("/api/v1/admin/mlflow/deliveries?olderThanSeconds=3600", service.adminKey)
                  .body())
          .contains(d.deliveryId());
      lab.mode(FakeMlflow.Mode.NORMAL);
      awaitStatus("lab", d.deliveryId(), "done");
      assertThat(
              count(
                  "SELECT count(*) FROM journal_records WHERE source = 'mlflow:lab'"
                      + " AND kind = 'mlflow.model_version'"))
          .isEqualTo(1);
    } finally {
      lab.mode(FakeMlflow.Mode.NORMAL);
    }
  }

  @Test
  void mlflowAnswersGarbage_deliveryFailedWithClearErrorListedForAdmins() throws Exception {
    lab.mode(FakeMlflow.Mode.GARBAGE);
    try {
      FakeMlflow.Delivery d =
          FakeMlflow.delivery(
              "registered_model",
              "created",
              Map.of("name", FakeMlflow.RECORDED_MODEL),
              "lab-secret",
              clock.instant());
      assertThat(post("lab", d, Map.of()).statusCode()).isEqualTo(202);
      awaitStatus("lab", d.deliveryId(), "failed");
      HttpResponse<String> r =
          service.get("/api/v1/admin/mlflow/deliveries?limit=1000", service.adminKey);
      assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
      JsonObject entry = null;
      for (Object o : new JsonObject(r.body()).getJsonArray("deliveries")) {
        if (((JsonObject) o).getString("deliveryId").equals(d.deliveryId())) {
          entry = (JsonObject) o;
        }
      }
      assertThat(entry).isNotNull();
      assertThat(entry.getString("status")).isEqualTo("failed");
      assertThat(entry.getInteger("attempts")).isEqualTo(2);
      assertThat(entry.getString("lastError"))
          .contains("registered-models/get")
          .contains("garbage")
          .contains("<html>");
      assertThat(service.get("/api/v1/admin/mlflow/deliveries", client.ingestKey).statusCode())
          .isEqualTo(403);
    } finally {
      lab.mode(FakeMlflow.Mode.NORMAL);
    }
  }

  private static List<List<Object>> history(String model, String alias) throws Exception {
    return rows(
        "SELECT version, valid_until IS NULL FROM mlflow_alias_history WHERE source = 'prod'"
            + " AND model_name = ? AND alias = ? ORDER BY valid_from, record_seq",
        model,
        alias);
  }

  @Test
  void sync_catchesVersionWithoutWebhook_andAliasHistoryFollowsChanges() throws Exception {
    String model = "SyncModel";
    prod.createVersion(model, clock.millis());
    prod.setAlias(model, "champion", "1");
    syncProd();
    assertThat(
            count(
                "SELECT count(*) FROM journal_records WHERE source = 'mlflow:prod' AND kind ="
                    + " 'mlflow.model_version' AND source_ref LIKE 'model-versions/SyncModel/1@%'"))
        .isEqualTo(1);
    assertThat(history(model, "champion")).containsExactly(Arrays.asList("1", true));

    prod.createVersion(model, clock.millis() + 1);
    prod.setAlias(model, "champion", "2");
    syncProd();
    assertThat(
            count(
                "SELECT count(*) FROM journal_records WHERE source = 'mlflow:prod' AND kind ="
                    + " 'mlflow.model_version' AND source_ref LIKE 'model-versions/SyncModel/2@%'"))
        .isEqualTo(1);
    assertThat(history(model, "champion"))
        .containsExactly(Arrays.asList("1", false), Arrays.asList("2", true));

    prod.deleteAlias(model, "champion");
    syncProd();
    assertThat(history(model, "champion"))
        .containsExactly(Arrays.asList("1", false), Arrays.asList("2", false));
    assertThat(
            count(
                "SELECT count(*) FROM journal_records WHERE source = 'mlflow:prod'"
                    + " AND kind = 'mlflow.alias_deleted' AND source_ref LIKE"
                    + " 'registered-models/SyncModel/aliases/champion@deleted/%'"))
        .isEqualTo(1);

    // Webhooks drive the same history: created, re-pointed, deleted.
    for (FakeMlflow.Delivery d :
        List.of(
            FakeMlflow.delivery(
                "model_version_alias",
                "created",
                Map.of("name", model, "alias", "challenger", "version", "1"),
                Fixtures.RECORDED_SECRET,
                clock.instant()),
            FakeMlflow.delivery(
                "model_version_alias",
                "created",
                Map.of("name", model, "alias", "challenger", "version", "2"),
                Fixtures.RECORDED_SECRET,
                clock.instant().plusMillis(10)),
            FakeMlflow.delivery(
                "model_version_alias",
                "deleted",
                Map.of("name", model, "alias", "challenger"),
                Fixtures.RECORDED_SECRET,
                clock.instant().plusMillis(20)))) {
      assertThat(post("prod", d, Map.of()).statusCode()).isEqualTo(202);
      awaitStatus("prod", d.deliveryId(), "done");
    }
    assertThat(history(model, "challenger"))
        .containsExactly(Arrays.asList("1", false), Arrays.asList("2", false));
    JsonArray subjects =
        record(
                (Long)
                    rows("SELECT seq FROM journal_records WHERE source = 'mlflow:prod' AND kind ="
                            + " 'mlflow.alias_set' AND source_ref LIKE"
                            + " 'registered-models/SyncModel/aliases/challenger@2/%'")
                        .get(0)
                        .get(0))
            .getJsonArray("subjects");
    assertThat(subjects.getList())
        .contains(
            "mlflow://prod/registered-models/SyncModel",
            "mlflow://prod/model-versions/SyncModel/2");
  }

  private static void syncProd() throws Exception {
    service
        .verticle
        .mlflow()
        .syncNow("prod")
        .toCompletionStage()
        .toCompletableFuture()
        .get(60, java.util.concurrent.TimeUnit.SECONDS);
  }

  private static JsonObject record(long id) throws Exception {
    HttpResponse<String> r = service.get("/api/v1/records/" + id, client.auditorKey);
    assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
    JsonObject body = new JsonObject(r.body());
    return body.containsKey("record") ? body.getJsonObject("record") : body;
  }
}
