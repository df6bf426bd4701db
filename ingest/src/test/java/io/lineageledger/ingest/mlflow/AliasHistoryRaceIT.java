package io.lineageledger.ingest.mlflow;

import static org.assertj.core.api.Assertions.assertThat;

import io.lineageledger.ledger.journal.Journal;
import io.lineageledger.platform.Database;
import io.lineageledger.platform.Secret;
import io.lineageledger.platform.testing.SharedPostgres;
import io.vertx.core.Vertx;
import java.net.URI;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The alias history when a webhook's change and the sync (or two webhooks) are processed at the
 * same time: each change recorded once, and the history ends where MLflow is.
 */
class AliasHistoryRaceIT {
  static final String MODEL = "RaceModel";
  @TempDir Path dataDir;
  Vertx vertx;
  FakeMlflow mlflow;
  Database db;
  MlflowRest rest;
  Enricher enricher;
  MlflowSync sync;
  Clock clock = Clock.systemUTC();

  @BeforeEach
  void start() throws Exception {
    vertx = Vertx.vertx();
    mlflow = FakeMlflow.recorded(vertx);
    db = Database.open(SharedPostgres.freshDatabase().settings(dataDir));
    MlflowSource source =
        new MlflowSource("prod", Optional.of(URI.create(mlflow.url())), Secret.of("s"));
    rest = new MlflowRest(vertx, "prod", URI.create(mlflow.url()), Duration.ofSeconds(10));
    LineageStore store = new LineageStore(db.dataSource());
    enricher =
        new Enricher(source, Optional.of(rest), new Journal(db.dataSource(), clock), store, clock);
    sync = new MlflowSync(source, rest, enricher, store, clock, 100);
    mlflow.createVersion(MODEL, clock.millis());
    mlflow.createVersion(MODEL, clock.millis());
  }

  @AfterEach
  void stop() throws Exception {
    rest.close();
    db.close();
    mlflow.close();
    vertx.close().await(30, TimeUnit.SECONDS);
  }

  /** The alias's history rows, oldest first, as "version via" ("deleted via" for a removal). */
  private List<String> history(String alias) throws Exception {
    try (Connection c = db.dataSource().getConnection();
        PreparedStatement ps =
            c.prepareStatement(
                "SELECT coalesce(version, 'deleted') || ' ' || observed_via FROM"
                    + " mlflow_alias_events WHERE source = 'prod' AND model_name = ? AND alias = ?"
                    + " ORDER BY id")) {
      ps.setString(1, MODEL);
      ps.setString(2, alias);
      List<String> out = new ArrayList<>();
      try (ResultSet rs = ps.executeQuery()) {
        while (rs.next()) {
          out.add(rs.getString(1));
        }
      }
      return out;
    }
  }

  private long journaled(String kind) throws Exception {
    try (Connection c = db.dataSource().getConnection();
        PreparedStatement ps =
            c.prepareStatement(
                "SELECT count(*) FROM journal_records WHERE kind = ? AND source_ref LIKE ?")) {
      ps.setString(1, kind);
      ps.setString(2, "registered-models/" + MODEL + "/aliases/%");
      try (ResultSet rs = ps.executeQuery()) {
        rs.next();
        return rs.getLong(1);
      }
    }
  }

  /** The webhook MLflow sends for an alias set, processed as the inbox processor would. */
  private void aliasCreatedWebhook(String alias, String version, Instant at) throws Exception {
    aliasWebhook("created", Map.of("name", MODEL, "alias", alias, "version", version), at);
  }

  private void aliasDeletedWebhook(String alias, Instant at) throws Exception {
    aliasWebhook("deleted", Map.of("name", MODEL, "alias", alias), at);
  }

  private void aliasWebhook(String action, Map<String, Object> data, Instant at) throws Exception {
    FakeMlflow.Delivery d = FakeMlflow.delivery("model_version_alias", action, data, "s", at);
    List<io.lineageledger.ledger.journal.Record> deferred = new ArrayList<>();
    enricher.process(d.deliveryId(), d.body(), at, deferred);
    assertThat(deferred).isEmpty();
  }

  @Test
  void runOnce_webhookAppliedWhileTheListingWasInFlight_notUndoneNorRecordedTwice()
      throws Exception {
    // MLflow lists RaceModel without aliases; before the sync reads that answer, the alias is set
    // in MLflow and its webhook is processed.
    mlflow.afterNextModelListing(
        () -> {
          mlflow.setAlias(MODEL, "champion", "1");
          aliasCreatedWebhook("champion", "1", clock.instant());
          return null;
        });
    sync.runOnce();
    // The next round sees the alias as it is; nothing changed since the webhook.
    MlflowSync.Round second = sync.runOnce();

    assertThat(history("champion")).containsExactly("1 webhook");
    assertThat(journaled("mlflow.alias_deleted")).isZero();
    assertThat(journaled("mlflow.alias_set")).isEqualTo(1);
    assertThat(second.aliasChanges()).isZero();
  }

  @Test
  void runOnce_aliasDeletedByWebhookWhileTheListingWasInFlight_notRecreatedNorFailing()
      throws Exception {
    mlflow.setAlias(MODEL, "champion", "1");
    sync.runOnce();
    assertThat(history("champion")).containsExactly("1 sync");
    // The listing still shows champion → 1; meanwhile it is deleted and that webhook processed.
    mlflow.afterNextModelListing(
        () -> {
          mlflow.deleteAlias(MODEL, "champion");
          aliasDeletedWebhook("champion", clock.instant());
          return null;
        });
    sync.runOnce();
    MlflowSync.Round after = sync.runOnce();

    assertThat(history("champion")).containsExactly("1 sync", "deleted webhook");
    assertThat(after.aliasChanges()).isZero();
  }

  @Test
  void process_olderAliasWebhookAfterANewerOne_superseded() throws Exception {
    Instant t = Instant.parse("2026-11-25T10:00:00Z");
    // Two processors (or a retry) handle MLflow's two alias events in the opposite order.
    aliasCreatedWebhook("challenger", "2", t.plusSeconds(5));
    aliasCreatedWebhook("challenger", "1", t);

    assertThat(history("challenger")).containsExactly("2 webhook");
    assertThat(journaled("mlflow.alias_set")).isEqualTo(1);
  }

  @Test
  void aliasSet_concurrentWebhooksAndSyncsForTheSameModel_oneRowPerChange() throws Exception {
    mlflow.setAlias(MODEL, "champion", "2");
    mlflow.setAlias(MODEL, "challenger", "1");
    Instant t = clock.instant();
    List<Thread> threads = new ArrayList<>();
    List<Throwable> failures = new CopyOnWriteArrayList<>();
    // The same two changes reported many times over, by webhooks and by sync rounds at once: as
    // many threads as the service lets change aliases at once under its settings' pool check (two
    // processors and a sync, each holding an alias lock's connection while waiting for the
    // journal's, on a pool of eight).
    for (int i = 0; i < 3; i++) {
      Thread th =
          new Thread(
              () -> {
                try {
                  aliasCreatedWebhook("champion", "2", t);
                  aliasCreatedWebhook("challenger", "1", t);
                  sync.runOnce();
                } catch (Throwable e) {
                  failures.add(e);
                }
              });
      th.start();
      threads.add(th);
    }
    for (Thread th : threads) {
      th.join(TimeUnit.SECONDS.toMillis(120));
    }
    assertThat(failures).isEmpty();
    assertThat(history("champion")).hasSize(1).allMatch(h -> h.startsWith("2 "));
    assertThat(history("challenger")).hasSize(1).allMatch(h -> h.startsWith("1 "));
    assertThat(journaled("mlflow.alias_set")).isEqualTo(2);
  }
}
