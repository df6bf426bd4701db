package io.lineageledger.ledger.journal;

import static org.assertj.core.api.Assertions.assertThat;

import io.lineageledger.ledger.merkle.ProofVerifier;
import io.lineageledger.ledger.note.NoteSigner;
import io.lineageledger.platform.Database;
import io.lineageledger.platform.testing.Await;
import io.lineageledger.platform.testing.SharedPostgres;
import io.lineageledger.platform.testing.SharedPostgres.FreshDatabase;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A child JVM appending and sequencing is killed with SIGKILL at random points, several times.
 * After each kill: every acknowledged record is journaled exactly once and sequenced exactly once,
 * leaf indices are contiguous, the whole log re-verifies, and the next checkpoint is consistent
 * with the last one signed before the kill.
 */
class CrashSafetyIT {
  @TempDir Path dir;

  private static List<String> acks(Path log) throws Exception {
    return Files.readAllLines(log, StandardCharsets.UTF_8).stream()
        .filter(l -> l.startsWith("ACK "))
        .toList();
  }

  @Test
  void kill9_atRandomPoints_loseNothingAcknowledgedAndStayConsistent() throws Exception {
    FreshDatabase fresh = SharedPostgres.freshDatabase();
    Path keyFile = dir.resolve("checkpoint.key");
    Random random = new Random(42);
    Map<String, Long> acknowledged = new HashMap<>();
    String java = ProcessHandle.current().info().command().orElse("java");
    try (Database db = Database.open(fresh.settings(dir))) {
      for (int attempt = 0; attempt < 4; attempt++) {
        int run = attempt;
        Path out = dir.resolve("child-" + run + ".log");
        Process child =
            new ProcessBuilder(
                    java,
                    "-cp",
                    System.getProperty("java.class.path"),
                    CrashChild.class.getName(),
                    fresh.jdbcUrl(),
                    "run" + run + "-",
                    keyFile.toString())
                .redirectErrorStream(true)
                .redirectOutput(out.toFile())
                .start();
        int killAfter = 30 + random.nextInt(400);
        Await.until(
            Duration.ofSeconds(60),
            () ->
                "child "
                    + run
                    + " to acknowledge "
                    + killAfter
                    + " records (alive "
                    + child.isAlive()
                    + ")",
            () -> acks(out).size() >= killAfter);
        child.destroyForcibly();
        assertThat(child.waitFor(30, TimeUnit.SECONDS)).isTrue();
        for (String line : acks(out)) {
          String[] parts = line.split(" ");
          if (parts.length == 3) { // the kill may cut the last line short
            acknowledged.put(parts[1], Long.parseLong(parts[2]));
          }
        }

        NoteSigner signer = SigningKeys.loadOrCreate(keyFile, Optional.empty());
        try (TransparencyLog log =
            new TransparencyLog(db.dataSource(), signer, Clock.systemUTC(), 1000, Duration.ZERO)) {
          Optional<SignedCheckpoint> beforeRecovery = log.latestCheckpoint();
          Await.until(
              Duration.ofSeconds(30),
              "the killed child's sequencer lock to be released",
              log::isSequencer);
          while (true) {
            log.step();
            TreeHead head = log.latestHead().orElseThrow();
            if (log.latestCheckpoint().orElseThrow().size() == head.size()
                && countRecords(db) == head.size()) {
              break;
            }
          }
          SignedCheckpoint after = log.latestCheckpoint().orElseThrow();
          if (beforeRecovery.isPresent()) {
            ProofVerifier.verifyConsistency(
                beforeRecovery.get().size(),
                after.size(),
                beforeRecovery.get().root(),
                after.root(),
                log.consistencyProof(beforeRecovery.get().size(), after.size()));
          }
          assertExactlyOnce(db, acknowledged);
          assertThat(log.verify(new TransparencyLogIT.NoopListener()).ok()).isTrue();
          List<Long> ids = new ArrayList<>(acknowledged.values());
          for (int i = 0; i < 20; i++) {
            long id = ids.get(random.nextInt(ids.size()));
            InclusionProof p = log.inclusionProof(id, OptionalLong.empty());
            ProofVerifier.verifyInclusion(
                p.leafIndex(),
                p.checkpoint().size(),
                p.leafHash(),
                p.hashes(),
                p.checkpoint().root());
          }
        }
      }
    }
    assertThat(acknowledged).hasSizeGreaterThan(100);
  }

  private static long countRecords(Database db) throws Exception {
    try (Connection c = db.dataSource().getConnection();
        PreparedStatement ps = c.prepareStatement("SELECT count(*) FROM journal_records");
        ResultSet rs = ps.executeQuery()) {
      rs.next();
      return rs.getLong(1);
    }
  }

  private static void assertExactlyOnce(Database db, Map<String, Long> acknowledged)
      throws Exception {
    try (Connection c = db.dataSource().getConnection()) {
      try (PreparedStatement ps =
              c.prepareStatement(
                  "SELECT count(*), count(DISTINCT l.seq), min(l.leaf_index), max(l.leaf_index) FROM journal_leaves l");
          ResultSet rs = ps.executeQuery()) {
        rs.next();
        long n = rs.getLong(1);
        assertThat(rs.getLong(2)).as("no record sequenced twice").isEqualTo(n);
        assertThat(rs.getLong(3)).isZero();
        assertThat(rs.getLong(4)).as("contiguous leaf indices").isEqualTo(n - 1);
      }
      try (PreparedStatement ps =
          c.prepareStatement(
              "SELECT r.source_ref, r.seq, count(l.leaf_index) FROM journal_records r"
                  + " LEFT JOIN journal_leaves l ON l.seq = r.seq WHERE r.source = 'crash'"
                  + " GROUP BY r.source_ref, r.seq")) {
        Map<String, Long> stored = new HashMap<>();
        try (ResultSet rs = ps.executeQuery()) {
          while (rs.next()) {
            assertThat(rs.getLong(3))
                .as("record " + rs.getString(1) + " sequenced exactly once")
                .isEqualTo(1);
            assertThat(stored.put(rs.getString(1), rs.getLong(2)))
                .as("journaled once: " + rs.getString(1))
                .isNull();
          }
        }
        acknowledged.forEach(
            (ref, id) ->
                assertThat(stored.get(ref)).as("acknowledged record " + ref).isEqualTo(id));
      }
    }
  }
}
