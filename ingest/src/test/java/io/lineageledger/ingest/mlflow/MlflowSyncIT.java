package io.lineageledger.ingest.mlflow;

import static org.assertj.core.api.Assertions.assertThat;

import io.lineageledger.ledger.journal.Journal;
import io.lineageledger.platform.Database;
import io.lineageledger.platform.Secret;
import io.lineageledger.platform.testing.Await;
import io.lineageledger.platform.testing.SharedPostgres;
import io.vertx.core.Vertx;
import java.net.URI;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The sync and webhook registration against the fake MLflow, on a real database. */
class MlflowSyncIT {
  @TempDir Path dataDir;
  Vertx vertx;
  FakeMlflow mlflow;
  Database db;
  MlflowSource source;
  MlflowRest rest;
  Clock clock = Clock.systemUTC();

  @BeforeEach
  void start() throws Exception {
    vertx = Vertx.vertx();
    mlflow = FakeMlflow.recorded(vertx);
    db = Database.open(SharedPostgres.freshDatabase().settings(dataDir));
    source = new MlflowSource("prod", Optional.of(URI.create(mlflow.url())), Secret.of("s"));
    rest = new MlflowRest(vertx, "prod", URI.create(mlflow.url()), Duration.ofSeconds(10));
  }

  @AfterEach
  void stop() throws Exception {
    rest.close();
    db.close();
    mlflow.close();
    vertx.close().await(30, TimeUnit.SECONDS);
  }

  private MlflowSync sync(int pageSize) {
    LineageStore store = new LineageStore(db.dataSource());
    Enricher e =
        new Enricher(source, Optional.of(rest), new Journal(db.dataSource(), clock), store, clock);
    return new MlflowSync(source, rest, e, store, clock, pageSize);
  }

  private long count(String sql) throws Exception {
    try (Connection c = db.dataSource().getConnection();
        PreparedStatement ps = c.prepareStatement(sql);
        ResultSet rs = ps.executeQuery()) {
      rs.next();
      return rs.getLong(1);
    }
  }

  @Test
  void sync_pagesThroughEverything_thenOnlyWhatChangedSinceTheCursor() throws Exception {
    long t = 1_795_000_000_000L;
    for (int i = 0; i < 4; i++) {
      mlflow.createVersion("Paged", t + i * 60_000L);
    }
    MlflowSync.Round first = sync(1).runOnce();
    assertThat(first.modelVersions()).isEqualTo(5); // 4 new + the recorded JavaContractModel/1
    assertThat(mlflow.calls("model-versions/search")).isGreaterThanOrEqualTo(5);
    assertThat(
            count(
                "SELECT count(*) FROM journal_records WHERE kind = 'mlflow.model_version'"
                    + " AND source_ref LIKE 'model-versions/Paged/%'"))
        .isEqualTo(4);
    assertThat(count("SELECT model_versions_cursor FROM mlflow_sync_state"))
        .isEqualTo(1_795_588_304_917L);

    long records = count("SELECT count(*) FROM journal_records");
    MlflowSync.Round second = sync(1).runOnce();
    // Only versions inside the cursor's overlap are read again, and they journal nothing new.
    assertThat(second.modelVersions()).isEqualTo(1);
    assertThat(count("SELECT count(*) FROM journal_records")).isEqualTo(records);

    mlflow.createVersion("Paged", 1_795_588_400_000L);
    MlflowSync.Round third = sync(2).runOnce();
    assertThat(third.modelVersions()).isEqualTo(2);
    assertThat(
            count(
                "SELECT count(*) FROM journal_records WHERE kind = 'mlflow.model_version'"
                    + " AND source_ref LIKE 'model-versions/Paged/5@%'"))
        .isEqualTo(1);
  }

  @Test
  void sync_mlflowDown_failsAndCountsTheFailure() throws Exception {
    mlflow.mode(FakeMlflow.Mode.UNAVAILABLE);
    LineageStore store = new LineageStore(db.dataSource());
    try {
      sync(10).runOnce();
      throw new AssertionError("the round should fail while MLflow is down");
    } catch (MlflowException e) {
      assertThat(e.kind).isEqualTo(MlflowException.Kind.UNAVAILABLE);
      assertThat(e.getMessage()).contains("registered-models/search").contains("503");
      assertThat(store.syncFailed("prod", e.getMessage(), clock.instant())).isEqualTo(1);
      assertThat(store.syncFailed("prod", e.getMessage(), clock.instant())).isEqualTo(2);
    }
  }

  @Test
  void start_registerWebhookUrl_registersOnceWithSecretAndEvents() throws Exception {
    MlflowConfig config =
        new MlflowConfig(
            List.of(source),
            Duration.ofMinutes(5),
            4096,
            Duration.ZERO,
            Duration.ofSeconds(5),
            3,
            Duration.ofMillis(100),
            Optional.of("http://ledger.example/api/v1/ingest/mlflow/{source}/webhook"),
            MlflowConfig.InboxSettings.defaults());
    // First start: lists (none) and registers; second start: lists, finds it, registers nothing.
    int[] expectedCalls = {2, 3};
    for (int expected : expectedCalls) {
      MlflowIngest ingest =
          new MlflowIngest(
              vertx, db.dataSource(), new Journal(db.dataSource(), clock), clock, config);
      ingest.start().await(30, TimeUnit.SECONDS);
      Await.until(
          Duration.ofSeconds(20),
          "MLflow's webhooks endpoint called " + expected + " times",
          () -> mlflow.calls("webhooks") >= expected);
      ingest.stop().await(30, TimeUnit.SECONDS);
    }
    assertThat(mlflow.webhooks()).hasSize(1);
    var w = mlflow.webhooks().get(0);
    assertThat(w.get("url").asText())
        .isEqualTo("http://ledger.example/api/v1/ingest/mlflow/prod/webhook");
    assertThat(w.get("secret").asText()).isEqualTo("s");
    assertThat(w.get("events").toString())
        .contains("{\"entity\":\"model_version\",\"action\":\"created\"}")
        .contains("{\"entity\":\"model_version_alias\",\"action\":\"deleted\"}");
  }
}
