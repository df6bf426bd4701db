package io.lineageledger.ledger.journal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.lineageledger.ledger.merkle.Hashes;
import io.lineageledger.ledger.merkle.ProofVerifier;
import io.lineageledger.ledger.note.Checkpoint;
import io.lineageledger.ledger.note.NoteSigner;
import io.lineageledger.platform.Database;
import io.lineageledger.platform.testing.SharedPostgres;
import io.lineageledger.platform.testing.SharedPostgres.FreshDatabase;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.Statement;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.OptionalLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TransparencyLogIT {
  private static final ObjectMapper JSON = new ObjectMapper();
  @TempDir Path dataDir;

  static Record record(String ref) {
    return Record.of(
        "test",
        "test.fact",
        ref,
        Instant.EPOCH,
        List.of(),
        JSON.createObjectNode().put("ref", ref));
  }

  private static List<Long> appendAndSequence(TransparencyLog log, String prefix, int n)
      throws Exception {
    List<Record> batch = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      batch.add(record(prefix + i));
    }
    List<Long> ids = log.journal().appendAll(batch).stream().map(AppendResult::id).toList();
    log.step();
    return ids;
  }

  @Test
  void proofs_everyRecordAndEveryCheckpointPair_verify() throws Exception {
    try (Database db = Database.open(SharedPostgres.freshDatabase().settings(dataDir))) {
      NoteSigner signer = NoteSigner.generate("test.example/log");
      try (TransparencyLog log =
          new TransparencyLog(db.dataSource(), signer, Clock.systemUTC(), 100, Duration.ZERO)) {
        List<Long> ids = new ArrayList<>();
        List<SignedCheckpoint> checkpoints = new ArrayList<>();
        for (int round : new int[] {1, 3, 260, 17}) {
          ids.addAll(appendAndSequence(log, "r" + round + "-", round));
          checkpoints.add(log.latestCheckpoint().orElseThrow());
        }
        SignedCheckpoint latest = checkpoints.get(checkpoints.size() - 1);
        assertThat(latest.size()).isEqualTo(ids.size());
        Checkpoint parsed = signer.verifier().verifyCheckpoint(latest.note());
        assertThat(parsed.origin()).isEqualTo("test.example/log");
        assertThat(parsed.rootHash()).isEqualTo(latest.root());

        for (long id : ids) {
          InclusionProof p = log.inclusionProof(id, OptionalLong.empty());
          ProofVerifier.verifyInclusion(
              p.leafIndex(),
              p.checkpoint().size(),
              p.leafHash(),
              p.hashes(),
              p.checkpoint().root());
        }
        for (SignedCheckpoint a : checkpoints) {
          for (SignedCheckpoint b : checkpoints) {
            if (a.size() <= b.size()) {
              ProofVerifier.verifyConsistency(
                  a.size(), b.size(), a.root(), b.root(), log.consistencyProof(a.size(), b.size()));
            }
          }
        }
        // An older checkpoint proves inclusion of what it held, and refuses what it did not.
        SignedCheckpoint first = checkpoints.get(0);
        InclusionProof old = log.inclusionProof(ids.get(0), OptionalLong.of(first.size()));
        ProofVerifier.verifyInclusion(
            old.leafIndex(), first.size(), old.leafHash(), old.hashes(), first.root());
        assertThatThrownBy(
                () -> log.inclusionProof(ids.get(ids.size() - 1), OptionalLong.of(first.size())))
            .isInstanceOfSatisfying(
                ProofUnavailableException.class,
                e -> assertThat(e.reason()).isEqualTo(ProofUnavailableException.Reason.NOT_YET));
        assertThat(log.verify(new NoopListener()).ok()).isTrue();
      }
    }
  }

  /** A log with a fresh key, checkpointing after every step. */
  static TransparencyLog newLog(Database db, int batchSize) {
    return new TransparencyLog(
        db.dataSource(), NoteSigner.generate("t/log"), Clock.systemUTC(), batchSize, Duration.ZERO);
  }

  static final class NoopListener implements Verifier.Listener {
    @Override
    public void progress(long checked, long total) {}

    @Override
    public void mismatch(Verifier.Mismatch m) {}
  }

  @Test
  void tiles_andEntryBundles_matchTheTreeByteForByte() throws Exception {
    try (Database db = Database.open(SharedPostgres.freshDatabase().settings(dataDir));
        TransparencyLog log = newLog(db, 1000)) {
      appendAndSequence(log, "t", 300);
      byte[] full = log.tile(0, 0, 256).orElseThrow();
      byte[] partial = log.tile(0, 1, 44).orElseThrow();
      assertThat(full).hasSize(256 * 32);
      assertThat(partial).hasSize(44 * 32);
      assertThat(log.tile(0, 1, 45)).isEmpty();
      assertThat(log.tile(1, 0, 1))
          .as("level-1 tile holds the root of the first 256 leaves")
          .isPresent();
      byte[] bundle = log.entryBundle(1, 44).orElseThrow();
      // First entry of the bundle is leaf 256: length prefix then its canonical bytes.
      int len = ((bundle[0] & 0xff) << 8) | (bundle[1] & 0xff);
      byte[] leaf256 = java.util.Arrays.copyOfRange(bundle, 2, 2 + len);
      assertThat(java.util.Arrays.copyOfRange(partial, 0, 32)).isEqualTo(Hashes.leafHash(leaf256));
      assertThat(log.entryBundle(1, 45)).isEmpty();
    }
  }

  @Test
  void verify_tamperedRowAndTile_namesRecordAndFirstBadIndex() throws Exception {
    FreshDatabase fresh = SharedPostgres.freshDatabase();
    try (Database db = Database.open(fresh.settings(dataDir));
        TransparencyLog log = newLog(db, 1000)) {
      List<Long> ids = appendAndSequence(log, "tamper", 600);
      long victim = ids.get(300);
      try (Connection su = fresh.superuser();
          Statement s = su.createStatement()) {
        s.execute("SET session_replication_role = replica"); // disables the append-only triggers
        s.execute(
            "UPDATE journal_records SET canonical = convert_to(replace(convert_from(canonical, 'UTF8'), 'tamper300', 'tamperXXX'), 'UTF8')"
                + " WHERE seq = "
                + victim);
        s.execute(
            "UPDATE journal_tiles SET hashes = overlay(hashes placing '\\x00'::bytea from 33 for 1) WHERE level = 0 AND idx = 0 AND width = 256");
      }
      List<Verifier.Mismatch> seen = new ArrayList<>();
      Verifier.Report report =
          log.verify(
              new Verifier.Listener() {
                @Override
                public void progress(long checked, long total) {}

                @Override
                public void mismatch(Verifier.Mismatch m) {
                  seen.add(m);
                }
              });
      assertThat(report.ok()).isFalse();
      assertThat(report.firstBadIndex()).hasValue(1);
      assertThat(seen)
          .anySatisfy(
              m -> {
                assertThat(m.kind()).isEqualTo("leaf-hash");
                assertThat(m.recordId()).hasValue(victim);
                assertThat(m.leafIndex()).hasValue(300);
              });
      assertThat(seen)
          .anySatisfy(
              m -> {
                assertThat(m.kind()).isEqualTo("tile");
                assertThat(m.leafIndex()).hasValue(1);
              });
      assertThat(seen).anySatisfy(m -> assertThat(m.kind()).isEqualTo("checkpoint"));
    }
  }

  @Test
  void step_treeRewrittenUnderneath_refusesToSignAnInconsistentCheckpoint() throws Exception {
    FreshDatabase fresh = SharedPostgres.freshDatabase();
    NoteSigner signer = NoteSigner.generate("t/log");
    try (Database db = Database.open(fresh.settings(dataDir))) {
      SignedCheckpoint signed;
      try (TransparencyLog log =
          new TransparencyLog(db.dataSource(), signer, Clock.systemUTC(), 1000, Duration.ZERO)) {
        appendAndSequence(log, "before", 10);
        signed = log.latestCheckpoint().orElseThrow();
      }
      try (Connection su = fresh.superuser();
          Statement s = su.createStatement()) {
        s.execute("SET session_replication_role = replica");
        // Rewrite history: the right-edge tile the next batch builds on.
        s.execute(
            "UPDATE journal_tiles SET hashes = overlay(hashes placing '\\x00'::bytea from 1 for 1) WHERE level = 0 AND idx = 0");
      }
      // A restarted log (nothing cached) builds on the rewritten tile, and must refuse to sign.
      try (TransparencyLog log =
          new TransparencyLog(db.dataSource(), signer, Clock.systemUTC(), 1000, Duration.ZERO)) {
        log.journal().appendAll(List.of(record("after-0"), record("after-1")));
        assertThatThrownBy(log::step)
            .isInstanceOfSatisfying(
                InconsistentTreeException.class,
                e -> {
                  assertThat(e.lastSigned().size()).isEqualTo(signed.size());
                  assertThat(e.candidate().size()).isEqualTo(12);
                  assertThat(e.getMessage())
                      .contains("refusing to sign tree size 12")
                      .contains("size 10");
                });
        assertThat(log.latestCheckpoint().orElseThrow().size()).isEqualTo(signed.size());
      }
    }
  }

  @Test
  void step_whileWritersAppendInParallel_indicesContiguousAndEveryRecordOnce() throws Exception {
    try (Database db = Database.open(SharedPostgres.freshDatabase().settings(dataDir));
        TransparencyLog log = newLog(db, 97)) {
      int writers = 4;
      int perWriter = 600;
      java.util.concurrent.atomic.AtomicBoolean done =
          new java.util.concurrent.atomic.AtomicBoolean();
      List<Throwable> errors = java.util.Collections.synchronizedList(new ArrayList<>());
      Thread sequencer =
          new Thread(
              () -> {
                while (!done.get()) {
                  try {
                    log.step();
                  } catch (Exception e) {
                    errors.add(e);
                  }
                }
              });
      sequencer.start();
      List<Thread> threads = new ArrayList<>();
      for (int w = 0; w < writers; w++) {
        int id = w;
        threads.add(
            new Thread(
                () -> {
                  try {
                    for (int i = 0; i < perWriter; i += 15) {
                      List<Record> batch = new ArrayList<>();
                      for (int j = i; j < i + 15; j++) {
                        batch.add(record("w" + id + "-" + j));
                      }
                      // Every writer also sends one shared record, racing on the same key.
                      batch.add(record("shared-" + i));
                      log.journal().appendAll(batch);
                    }
                  } catch (Exception e) {
                    errors.add(e);
                  }
                }));
      }
      threads.forEach(Thread::start);
      for (Thread t : threads) {
        t.join();
      }
      done.set(true);
      sequencer.join();
      log.step();
      assertThat(errors).isEmpty();
      long expected = writers * perWriter + perWriter / 15;
      assertThat(log.latestCheckpoint().orElseThrow().size()).isEqualTo(expected);
      try (Connection c = db.dataSource().getConnection();
          Statement s = c.createStatement()) {
        try (java.sql.ResultSet rs =
            s.executeQuery(
                "SELECT count(*), count(DISTINCT seq), max(leaf_index) FROM journal_leaves")) {
          rs.next();
          assertThat(rs.getLong(1)).isEqualTo(expected);
          assertThat(rs.getLong(2)).isEqualTo(expected);
          assertThat(rs.getLong(3)).isEqualTo(expected - 1);
        }
        try (java.sql.ResultSet rs =
            s.executeQuery("SELECT count(*), count(DISTINCT source_ref) FROM journal_records")) {
          rs.next();
          assertThat(rs.getLong(1)).as("no record journaled twice").isEqualTo(expected);
          assertThat(rs.getLong(2)).isEqualTo(expected);
        }
      }
      assertThat(log.verify(new NoopListener()).ok()).isTrue();
    }
  }
}
