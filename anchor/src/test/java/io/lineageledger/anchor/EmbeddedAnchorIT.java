package io.lineageledger.anchor;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.lineageledger.chaincode.AnchorError;
import io.lineageledger.ledger.journal.Record;
import io.lineageledger.ledger.journal.SignedCheckpoint;
import io.lineageledger.ledger.journal.TransparencyLog;
import io.lineageledger.ledger.note.NoteSigner;
import io.lineageledger.platform.Database;
import io.lineageledger.platform.testing.SharedPostgres;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.OptionalLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class EmbeddedAnchorIT {
  private static final ObjectMapper JSON = new ObjectMapper();
  @TempDir Path dataDir;
  private final MutableClock clock = new MutableClock(Instant.parse("2026-03-01T00:00:00Z"));
  private final NoteSigner signer = NoteSigner.generate("anchor.test/log");

  private void append(TransparencyLog log, String prefix, int n) throws Exception {
    List<Record> batch = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      batch.add(
          Record.of(
              "test",
              "test.fact",
              prefix + i,
              Instant.EPOCH,
              List.of(),
              JSON.createObjectNode().put("i", i)));
    }
    log.journal().appendAll(batch);
    log.step();
  }

  private TransparencyLog log(Database db) {
    return new TransparencyLog(db.dataSource(), signer, clock, 1000, Duration.ZERO);
  }

  private static long count(Database db, String table) throws Exception {
    try (Connection c = db.dataSource().getConnection();
        Statement s = c.createStatement();
        ResultSet rs = s.executeQuery("SELECT count(*) FROM " + table)) {
      rs.next();
      return rs.getLong(1);
    }
  }

  @Test
  void anchorer_acrossRestart_continuesFromTheStoredChainWithOneProof() throws Exception {
    SharedPostgres.FreshDatabase fresh = SharedPostgres.freshDatabase();
    AnchorReceipt first;
    try (Database db = Database.open(fresh.settings(dataDir));
        TransparencyLog log = log(db)) {
      EmbeddedAnchor anchor = new EmbeddedAnchor(db.dataSource(), signer, clock);
      Anchorer anchorer =
          new Anchorer(
              log,
              anchor,
              new AnchorStore(db.dataSource(), clock),
              clock,
              Duration.ofSeconds(5),
              1000);
      append(log, "a", 7);
      first = anchorer.step().orElseThrow();
      assertThat(anchorer.status().lastError()).isEmpty();
      assertThat(first.treeSize()).isEqualTo(7);
      assertThat(first.blockNumber()).isEqualTo(OptionalLong.of(1)); // block 0 registered the log
      assertThat(first.anchoredAt()).isEqualTo(clock.instant());

      append(log, "b", 3);
      assertThat(anchorer.step()).as("neither 5 s nor 1000 entries have passed").isEmpty();
      assertThat(anchorer.status().lagEntries()).isEqualTo(3);
    }
    clock.advance(Duration.ofSeconds(6));
    try (Database db = Database.open(fresh.settings(dataDir));
        TransparencyLog log = log(db)) {
      EmbeddedAnchor anchor = new EmbeddedAnchor(db.dataSource(), signer, clock);
      AnchorStore store = new AnchorStore(db.dataSource(), clock);
      Anchorer anchorer = new Anchorer(log, anchor, store, clock, Duration.ofSeconds(5), 1000);
      append(log, "c", 2);
      AnchorReceipt second = anchorer.step().orElseThrow();

      assertThat(second.treeSize()).isEqualTo(12);
      assertThat(second.blockNumber()).isEqualTo(OptionalLong.of(2));
      assertThat(store.all("embedded", log.origin()))
          .extracting(AnchorReceipt::treeSize)
          .containsExactly(7L, 12L);
      // Re-anchoring an anchored checkpoint answers its original transaction and block.
      SignedCheckpoint seven = log.checkpoint(7).orElseThrow();
      AnchorReceipt again = anchor.anchor(seven.note(), List.of());
      assertThat(again.txId()).isEqualTo(first.txId());
      assertThat(again.blockNumber()).isEqualTo(first.blockNumber());
      assertThat(count(db, "anchor_blocks")).isEqualTo(3);
      assertThat(
              new AnchorAudit(db.dataSource(), store, anchor, signer.verifier())
                  .audit(log)
                  .findings())
          .isEmpty();
    }
  }

  @Test
  void anchorer_ledgerDownThenBack_anchorsOnlyTheNewestCheckpointWithOneTransaction()
      throws Exception {
    try (Database db = Database.open(SharedPostgres.freshDatabase().settings(dataDir));
        TransparencyLog log = log(db)) {
      FlakyAnchor anchor = new FlakyAnchor(new EmbeddedAnchor(db.dataSource(), signer, clock));
      AnchorStore store = new AnchorStore(db.dataSource(), clock);
      Anchorer anchorer = new Anchorer(log, anchor, store, clock, Duration.ofSeconds(1), 1000);
      append(log, "a", 4);
      anchorer.step().orElseThrow();
      long blocksBefore = count(db, "anchor_blocks");

      anchor.down = true;
      for (int round = 0; round < 3; round++) {
        clock.advance(Duration.ofSeconds(2));
        append(log, "down" + round + "-", 5);
        assertThat(anchorer.step()).isEmpty();
      }
      Anchorer.Status down = anchorer.status();
      assertThat(down.lastError()).hasValueSatisfying(e -> assertThat(e).contains("unreachable"));
      assertThat(down.lagEntries()).isEqualTo(15);
      assertThat(down.lagSeconds()).isEqualTo(6);
      assertThat(log.latestCheckpoint().orElseThrow().size())
          .as("journaling went on while the anchor was down")
          .isEqualTo(19);

      anchor.down = false;
      AnchorReceipt caughtUp = anchorer.step().orElseThrow();

      assertThat(caughtUp.treeSize()).isEqualTo(19);
      assertThat(count(db, "anchor_blocks")).isEqualTo(blocksBefore + 1);
      assertThat(anchorer.status().lastError()).isEmpty();
      assertThat(anchorer.status().lagEntries()).isZero();
    }
  }

  @Test
  void embeddedAnchor_refusesAForkedCheckpoint_andStoresUnsignedBlockNumbers() throws Exception {
    try (Database db = Database.open(SharedPostgres.freshDatabase().settings(dataDir));
        TransparencyLog log = log(db)) {
      EmbeddedAnchor anchor = new EmbeddedAnchor(db.dataSource(), signer, clock);
      anchor.register(log.origin(), log.verifierKey());
      append(log, "a", 3);
      SignedCheckpoint cp = log.latestCheckpoint().orElseThrow();
      anchor.anchor(cp.note(), List.of());
      byte[] otherRoot = cp.root();
      otherRoot[0] ^= 1;
      String forged =
          signer.sign(new io.lineageledger.ledger.note.Checkpoint(log.origin(), 3, otherRoot));

      assertThatThrownBy(() -> anchor.anchor(forged, List.of()))
          .isInstanceOfSatisfying(
              AnchorException.class, e -> assertThat(e.error()).contains(AnchorError.FORK))
          .hasMessageContaining("the log forked");

      AnchorStore store = new AnchorStore(db.dataSource(), clock);
      AnchorReceipt huge =
          new AnchorReceipt(
              "fabric",
              log.origin(),
              3,
              cp.root(),
              "tx",
              OptionalLong.of(-1L),
              "VALID",
              clock.instant());
      store.record(huge);
      assertThat(store.latest("fabric", log.origin()).orElseThrow().blockNumberText())
          .isEqualTo("18446744073709551615");
    }
  }

  @Test
  void audit_editedAnchorBlockOrState_isFoundAndNamesTheBlock() throws Exception {
    SharedPostgres.FreshDatabase fresh = SharedPostgres.freshDatabase();
    try (Database db = Database.open(fresh.settings(dataDir));
        TransparencyLog log = log(db)) {
      EmbeddedAnchor anchor = new EmbeddedAnchor(db.dataSource(), signer, clock);
      AnchorStore store = new AnchorStore(db.dataSource(), clock);
      Anchorer anchorer = new Anchorer(log, anchor, store, clock, Duration.ZERO, 1);
      append(log, "a", 5);
      anchorer.step().orElseThrow();
      append(log, "b", 5);
      anchorer.step().orElseThrow();
      AnchorAudit audit = new AnchorAudit(db.dataSource(), store, anchor, signer.verifier());
      assertThat(audit.audit(log).findings()).isEmpty();

      try (Connection c = fresh.superuser();
          Statement s = c.createStatement()) {
        s.execute("ALTER TABLE anchor_blocks DISABLE TRIGGER anchor_blocks_append_only");
        s.execute(
            "UPDATE anchor_blocks SET body = replace(convert_from(body, 'UTF8'), 'time 2026',"
                + " 'time 2025')::bytea WHERE number = 1");
        s.execute("ALTER TABLE anchor_blocks ENABLE TRIGGER anchor_blocks_append_only");
      }
      List<AnchorFinding> findings = audit.audit(log).findings();

      assertThat(findings)
          .anySatisfy(
              f -> {
                assertThat(f.kind()).isEqualTo("anchor-block");
                assertThat(f.blockNumber()).hasValue(1);
                assertThat(f.detail()).contains("the block was edited");
              });
      assertThat(findings)
          .as("block 2 names block 1's stored hash, so the chain after it still links")
          .noneSatisfy(f -> assertThat(f.blockNumber()).hasValue(2));
    }
  }
}
