package io.lineageledger.ledger.journal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.lineageledger.ledger.merkle.Hashes;
import io.lineageledger.platform.Database;
import io.lineageledger.platform.testing.SharedPostgres;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SequencerIT {
  private static final ObjectMapper JSON = new ObjectMapper();
  @TempDir Path dataDir;

  /** RFC 9162 MTH straight from the definition, as the reference. */
  static byte[] mth(List<byte[]> leaves, int from, int to) {
    int n = to - from;
    if (n == 0) {
      return Hashes.emptyRoot();
    }
    if (n == 1) {
      return leaves.get(from);
    }
    int k = Integer.highestOneBit(n - 1);
    return Hashes.nodeHash(mth(leaves, from, from + k), mth(leaves, from + k, to));
  }

  static Record record(int i) {
    return Record.of(
        "test",
        "test.fact",
        "seq-" + i,
        Instant.EPOCH,
        List.of(),
        JSON.createObjectNode().put("i", i));
  }

  @Test
  void sequenceOnce_batchesOfOddSizes_rootsMatchTheDefinitionAndIndicesAreContiguous()
      throws Exception {
    try (Database db = Database.open(SharedPostgres.freshDatabase().settings(dataDir))) {
      Journal journal = new Journal(db.dataSource(), Clock.systemUTC());
      TileStore tiles = new TileStore(64);
      List<byte[]> leaves = new ArrayList<>();
      int next = 0;
      try (Sequencer sequencer = new Sequencer(db.dataSource(), tiles, Clock.systemUTC(), 300)) {
        for (int batch : new int[] {1, 2, 5, 250, 7, 256, 300, 1000, 3}) {
          List<Record> records = new ArrayList<>();
          for (int i = 0; i < batch; i++) {
            Record r = record(next++);
            records.add(r);
            leaves.add(Hashes.leafHash(r.canonicalBytes()));
          }
          journal.appendAll(records);
          Optional<TreeHead> head;
          do {
            head = sequencer.sequenceOnce();
          } while (head.isPresent() && head.get().size() < leaves.size());
          try (Connection c = db.dataSource().getConnection()) {
            TreeHead latest = JournalQueries.latestHead(c).orElseThrow();
            assertThat(latest.size()).isEqualTo(leaves.size());
            assertThat(latest.root())
                .as("root at size " + latest.size())
                .isEqualTo(mth(leaves, 0, leaves.size()));
            TreeReader reader = new TreeReader(c, tiles, latest.size());
            assertThat(reader.range(0, latest.size())).isEqualTo(latest.root());
          }
        }
        assertThat(sequencer.sequenceOnce()).isEmpty();
      }
      try (Connection c = db.dataSource().getConnection();
          PreparedStatement ps =
              c.prepareStatement(
                  "SELECT count(*), min(leaf_index), max(leaf_index) FROM journal_leaves");
          ResultSet rs = ps.executeQuery()) {
        rs.next();
        assertThat(rs.getLong(1)).isEqualTo(leaves.size());
        assertThat(rs.getLong(2)).isZero();
        assertThat(rs.getLong(3)).isEqualTo(leaves.size() - 1);
      }
    }
  }

  @Test
  void sequenceOnce_appendWithSmallerIdStillRunning_waitsForItAndSkipsNothing() throws Exception {
    try (Database db = Database.open(SharedPostgres.freshDatabase().settings(dataDir));
        Sequencer sequencer =
            new Sequencer(db.dataSource(), new TileStore(8), Clock.systemUTC(), 100);
        Connection slow = db.dataSource().getConnection()) {
      Record first = record(1);
      Record second = record(2);
      // The slow append draws the smaller id and stays open; a later one commits a larger id.
      slow.setAutoCommit(false);
      Journal.markAppending(slow);
      long slowId =
          RecordCopy.insert(
              slow,
              List.of(
                  new RecordCopy.Row(
                      first.source(),
                      first.sourceRef(),
                      first.kind(),
                      first.canonicalBytes(),
                      Hashes.leafHash(first.canonicalBytes()),
                      null)),
              Instant.now())[0];
      long fastId = new Journal(db.dataSource(), Clock.systemUTC()).append(second).id();
      assertThat(fastId).isGreaterThan(slowId);

      ExecutorService pool = Executors.newSingleThreadExecutor();
      try {
        Future<Optional<TreeHead>> round = pool.submit(sequencer::sequenceOnce);
        // Sequencing id 2 now would leave id 1 behind for good: the round must wait.
        assertThatThrownBy(() -> round.get(300, TimeUnit.MILLISECONDS))
            .isInstanceOf(TimeoutException.class);
        slow.commit();
        assertThat(round.get(10, TimeUnit.SECONDS).orElseThrow().size()).isEqualTo(2);
      } finally {
        pool.shutdownNow();
      }
      try (Connection c = db.dataSource().getConnection();
          PreparedStatement ps =
              c.prepareStatement("SELECT seq FROM journal_leaves ORDER BY leaf_index");
          ResultSet rs = ps.executeQuery()) {
        List<Long> order = new ArrayList<>();
        while (rs.next()) {
          order.add(rs.getLong(1));
        }
        assertThat(order).containsExactly(slowId, fastId);
      }
    }
  }

  @Test
  void tryLead_secondInstance_doesNotSequence() throws Exception {
    try (Database db = Database.open(SharedPostgres.freshDatabase().settings(dataDir));
        Sequencer a = new Sequencer(db.dataSource(), new TileStore(8), Clock.systemUTC(), 10);
        Sequencer b = new Sequencer(db.dataSource(), new TileStore(8), Clock.systemUTC(), 10)) {
      assertThat(a.tryLead()).isTrue();
      assertThat(b.tryLead()).isFalse();
      new Journal(db.dataSource(), Clock.systemUTC()).append(record(1));
      assertThat(b.sequenceOnce()).isEmpty();
      assertThat(a.sequenceOnce()).isPresent();
      a.close();
      assertThat(b.tryLead()).isTrue();
    }
  }
}
