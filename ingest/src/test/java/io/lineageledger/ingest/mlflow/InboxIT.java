package io.lineageledger.ingest.mlflow;

import static org.assertj.core.api.Assertions.assertThat;

import io.lineageledger.platform.Database;
import io.lineageledger.platform.testing.SharedPostgres;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The inbox's multi-row write and backlog on a real database. */
class InboxIT {
  @TempDir Path dataDir;
  Database db;
  Instant now = Instant.parse("2026-11-25T12:00:00Z");
  Inbox inbox;

  @BeforeEach
  void start() throws Exception {
    db = Database.open(SharedPostgres.freshDatabase().settings(dataDir));
    inbox = new Inbox(db.dataSource(), Clock.fixed(now, ZoneOffset.UTC));
  }

  @AfterEach
  void stop() {
    db.close();
  }

  static Inbox.Delivery delivery(String source, String id, String body) {
    return new Inbox.Delivery(
        source, id, 1L, List.of(Map.entry("X-MLflow-Delivery-Id", id)), body.getBytes());
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
  void acceptAll_duplicateInsideOneBatchAndAcrossBatches_storedOnceAndReportedDuplicate()
      throws Exception {
    List<Inbox.Accepted> first =
        inbox.acceptAll(
            List.of(
                delivery("prod", "a", "{\"n\": 1}"),
                delivery("prod", "b", "{\"n\": 2}"),
                delivery("prod", "a", "{\"n\": 1}"),
                delivery("lab", "a", "{\"n\": 3}")));
    assertThat(first.get(0).duplicate()).isFalse();
    assertThat(first.get(1).duplicate()).isFalse();
    assertThat(first.get(2)).isEqualTo(new Inbox.Accepted(first.get(0).id(), true));
    // Delivery ids are per source: lab's "a" is another delivery.
    assertThat(first.get(3).duplicate()).isFalse();
    assertThat(first.get(3).id()).isNotEqualTo(first.get(0).id());
    List<Inbox.Accepted> again =
        inbox.acceptAll(
            List.of(delivery("prod", "b", "{\"n\": 2}"), delivery("prod", "c", "{\"n\": 4}")));
    assertThat(again.get(0)).isEqualTo(new Inbox.Accepted(first.get(1).id(), true));
    assertThat(again.get(1).duplicate()).isFalse();
    assertThat(count("SELECT count(*) FROM mlflow_deliveries")).isEqualTo(4);
    assertThat(count("SELECT count(*) FROM mlflow_delivery_state WHERE status = 'pending'"))
        .isEqualTo(4);
    Inbox.Backlog backlog = inbox.backlog();
    assertThat(backlog.pending()).isEqualTo(4);
    assertThat(backlog.oldestReceivedAt()).hasValue(now);
  }

  @Test
  void backlog_processedDeliveriesLeaveIt() throws Exception {
    assertThat(inbox.backlog()).isEqualTo(new Inbox.Backlog(0, java.util.Optional.empty()));
    inbox.acceptAll(List.of(delivery("prod", "a", "{}"), delivery("prod", "b", "{}")));
    Inbox.Round round = inbox.processDue(1, d -> Inbox.Outcome.done());
    assertThat(round).isEqualTo(new Inbox.Round(1, 1));
    Inbox.Round retried =
        inbox.processDue(
            10, d -> Inbox.Outcome.retry("MLflow down", now.plus(Duration.ofHours(1))));
    assertThat(retried).isEqualTo(new Inbox.Round(1, 0));
    assertThat(inbox.backlog().pending()).isEqualTo(1);
  }
}
