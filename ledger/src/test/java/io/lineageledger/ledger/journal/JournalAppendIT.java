package io.lineageledger.ledger.journal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.lineageledger.platform.Database;
import io.lineageledger.platform.testing.SharedPostgres;
import io.lineageledger.platform.testing.SharedPostgres.FreshDatabase;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Clock;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class JournalAppendIT {
  private static final ObjectMapper JSON = new ObjectMapper();
  @TempDir static Path dataDir;
  static FreshDatabase fresh;
  static Database db;
  static Journal journal;

  @BeforeAll
  static void open() {
    fresh = SharedPostgres.freshDatabase();
    db = Database.open(fresh.settings(dataDir));
    journal = new Journal(db.dataSource(), Clock.systemUTC());
  }

  @AfterAll
  static void close() {
    db.close();
  }

  static Record record(String ref, String value) {
    ObjectNode payload = JSON.createObjectNode().put("value", value);
    return Record.of(
        "test",
        "test.fact",
        ref,
        Instant.parse("2026-11-25T10:00:00Z"),
        List.of("subject:" + ref),
        payload);
  }

  @Test
  void append_newRecord_createdAndReadable() throws Exception {
    AppendResult r = journal.append(record("new-1", "a"));
    assertThat(r.status()).isEqualTo(AppendResult.Status.CREATED);
    StoredRecord stored = journal.record(r.id()).orElseThrow();
    assertThat(stored.canonical()).isEqualTo(record("new-1", "a").canonicalBytes());
    assertThat(new String(stored.canonical(), java.nio.charset.StandardCharsets.UTF_8))
        .isEqualTo(
            "{\"kind\":\"test.fact\",\"observedAt\":\"2026-11-25T10:00:00Z\",\"payload\":{\"value\":\"a\"},"
                + "\"source\":\"test\",\"sourceRef\":\"new-1\",\"subjects\":[\"subject:new-1\"],\"v\":1}");
  }

  @Test
  void append_sameContentTwice_returnsTheExistingRecord() throws Exception {
    AppendResult first = journal.append(record("idem-1", "a"));
    AppendResult again = journal.append(record("idem-1", "a"));
    assertThat(again.status()).isEqualTo(AppendResult.Status.EXISTING);
    assertThat(again.id()).isEqualTo(first.id());
  }

  @Test
  void append_sameKeyDifferentContent_refusedAndTheAttemptJournaled() throws Exception {
    AppendResult first = journal.append(record("conflict-1", "original"));
    assertThatThrownBy(() -> journal.append(record("conflict-1", "rewritten")))
        .isInstanceOfSatisfying(
            JournalConflictException.class,
            e -> {
              assertThat(e.existingId()).isEqualTo(first.id());
              assertThat(e.getMessage()).contains("test/conflict-1").contains("different content");
              StoredRecord evidence;
              try {
                evidence = journal.record(e.conflictRecordId()).orElseThrow();
              } catch (java.sql.SQLException ex) {
                throw new AssertionError(ex);
              }
              assertThat(evidence.kind()).isEqualTo(Journal.CONFLICT_KIND);
              assertThat(new String(evidence.canonical(), java.nio.charset.StandardCharsets.UTF_8))
                  .contains("rewritten")
                  .contains("\"existingRecordId\":" + first.id());
            });
    // The original is untouched.
    assertThat(
            new String(
                journal.record(first.id()).orElseThrow().canonical(),
                java.nio.charset.StandardCharsets.UTF_8))
        .contains("original")
        .doesNotContain("rewritten");
  }

  @Test
  void appendAll_mixedBatch_resultsInInputOrder() throws Exception {
    journal.append(record("mix-existing", "x"));
    journal.append(record("mix-conflict", "x"));
    List<AppendResult> results =
        journal.appendAll(
            List.of(
                record("mix-new", "x"),
                record("mix-existing", "x"),
                record("mix-conflict", "y"),
                record("mix-new", "x")));
    assertThat(results)
        .extracting(AppendResult::status)
        .containsExactly(
            AppendResult.Status.CREATED,
            AppendResult.Status.EXISTING,
            AppendResult.Status.CONFLICT,
            AppendResult.Status.EXISTING);
    assertThat(results.get(3).id()).isEqualTo(results.get(0).id());
    assertThat(results.get(2).conflictRecordId()).isPresent();
  }

  @Test
  void append_oversizedRecord_refusedNamingTheLimit() {
    Record big = record("big", "x".repeat(70_000));
    assertThatThrownBy(() -> journal.append(big))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("65535");
  }

  @Test
  void journalTables_updateOrDelete_refusedForServiceRoleAndSuperuser() throws Exception {
    journal.append(record("immutable-1", "a"));
    List<String> tables =
        List.of(
            "journal_records",
            "journal_leaf_chunks",
            "journal_tree_heads",
            "journal_tiles",
            "journal_checkpoints");
    try (Connection app = db.dataSource().getConnection();
        Statement s = app.createStatement()) {
      for (String t : tables) {
        assertThatThrownBy(() -> s.execute("DELETE FROM " + t))
            .as(t)
            .hasMessageContaining("permission denied");
      }
      assertThatThrownBy(() -> s.execute("UPDATE journal_records SET kind = 'x'"))
          .hasMessageContaining("permission denied");
    }
    try (Connection su = fresh.superuser();
        Statement s = su.createStatement()) {
      for (String t : tables) {
        assertThatThrownBy(() -> s.execute("DELETE FROM " + t))
            .as(t)
            .hasMessageContaining("append-only");
        assertThatThrownBy(() -> s.execute("TRUNCATE " + t + " CASCADE"))
            .as(t)
            .hasMessageContaining("append-only");
      }
      assertThatThrownBy(() -> s.execute("UPDATE journal_records SET kind = 'x'"))
          .hasMessageContaining("append-only");
      try (ResultSet rs =
          s.executeQuery("SELECT count(*) FROM journal_records WHERE source_ref = 'immutable-1'")) {
        rs.next();
        assertThat(rs.getInt(1)).isEqualTo(1);
      }
    }
  }
}
