package io.lineageledger.ledger.journal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.lineageledger.ledger.merkle.Hashes;
import io.lineageledger.platform.Database;
import io.lineageledger.platform.testing.SharedPostgres;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import org.flywaydb.core.Flyway;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class LeafChunksIT {
  @TempDir Path dataDir;

  @Test
  void migration_fromPerLeafRows_keepsEveryLeafPosition() throws Exception {
    SharedPostgres.FreshDatabase fresh = SharedPostgres.freshDatabase();
    Flyway.configure()
        .dataSource(fresh.jdbcUrl(), "postgres", "")
        .locations("classpath:db/migration")
        .target("2")
        .load()
        .migrate();
    int n = 600; // crosses two 256-leaf boundaries
    try (Connection su = fresh.superuser();
        Statement s = su.createStatement()) {
      s.execute(
          "INSERT INTO journal_records (source, source_ref, kind, canonical, leaf_hash, received_at)"
              + " SELECT 'old', 'r' || i, 'k', convert_to('{\"i\":' || i || '}', 'UTF8'),"
              + " sha256(i::text::bytea), now() FROM generate_series(1, "
              + n
              + ") i");
      // Leaves in record order with gaps in the ids, as idempotent re-appends leave them.
      s.execute(
          "INSERT INTO journal_leaves (leaf_index, seq) SELECT row_number() OVER (ORDER BY seq) - 1,"
              + " seq FROM journal_records WHERE seq % 7 <> 3");
    }
    try (Database db = Database.open(fresh.settings(dataDir));
        Connection c = db.dataSource().getConnection();
        Statement s = c.createStatement()) {
      List<Long> expected = new ArrayList<>();
      for (long seq = 1; seq <= n; seq++) {
        if (seq % 7 != 3) {
          expected.add(seq);
        }
      }
      List<Long> viewed = new ArrayList<>();
      try (ResultSet rs = s.executeQuery("SELECT leaf_index, seq FROM journal_leaves")) {
        while (rs.next()) {
          assertThat(rs.getLong(1)).isEqualTo(viewed.size());
          viewed.add(rs.getLong(2));
        }
      }
      assertThat(viewed).isEqualTo(expected);
      try (ResultSet rs =
          s.executeQuery(
              "SELECT journal_leaf_index(11), journal_leaf_index(10), journal_leaf_index(600),"
                  + " (SELECT count(*) FROM journal_leaf_chunks)")) {
        rs.next();
        assertThat(rs.getLong(1)).isEqualTo(expected.indexOf(11L));
        assertThat(rs.getObject(2)).isNull();
        assertThat(rs.getLong(3)).isEqualTo(expected.size() - 1);
        assertThat(rs.getLong(4)).isEqualTo(3);
      }
    }
  }

  @Test
  void chunkInsert_gapOverlapOrDisorder_refusedEvenForSuperuser() throws Exception {
    SharedPostgres.FreshDatabase fresh = SharedPostgres.freshDatabase();
    try (Database db = Database.open(fresh.settings(dataDir))) {
      Journal journal = new Journal(db.dataSource(), Clock.systemUTC());
      List<Record> records = new ArrayList<>();
      for (int i = 0; i < 5; i++) {
        records.add(SequencerIT.record(i));
      }
      journal.appendAll(records);
      try (Sequencer sequencer =
          new Sequencer(db.dataSource(), new TileStore(8), Clock.systemUTC(), 3)) {
        sequencer.sequenceOnce(); // leaves 0..2
      }
      try (Connection su = fresh.superuser()) {
        assertThatThrownBy(() -> insertChunk(su, 4, new long[] {4, 5}))
            .hasMessageContaining("not contiguous");
        assertThatThrownBy(() -> insertChunk(su, 3, new long[] {3}))
            .hasMessageContaining("already has a leaf");
        assertThatThrownBy(() -> insertChunk(su, 3, new long[] {5, 4}))
            .hasMessageContaining("out of order");
        assertThatThrownBy(() -> insertChunk(su, 3, new long[] {4, 6, 5}))
            .hasMessageContaining("out of order");
        insertChunk(su, 3, new long[] {4, 5});
      }
    }
  }

  @Test
  void appendAll_batchMixingNewAndKnownKeys_createsOnlyTheNewInInputOrder() throws Exception {
    try (Database db = Database.open(SharedPostgres.freshDatabase().settings(dataDir))) {
      Journal journal = new Journal(db.dataSource(), Clock.systemUTC());
      List<AppendResult> first = journal.appendAll(List.of(SequencerIT.record(1)));
      List<AppendResult> mixed =
          journal.appendAll(
              List.of(SequencerIT.record(0), SequencerIT.record(1), SequencerIT.record(2)));
      assertThat(mixed)
          .extracting(AppendResult::status)
          .containsExactly(
              AppendResult.Status.CREATED,
              AppendResult.Status.EXISTING,
              AppendResult.Status.CREATED);
      assertThat(mixed.get(1).id()).isEqualTo(first.get(0).id());
      for (int i : new int[] {0, 2}) {
        StoredRecord stored = journal.record(mixed.get(i).id()).orElseThrow();
        assertThat(stored.sourceRef()).isEqualTo(SequencerIT.record(i).sourceRef());
        assertThat(stored.leafHash())
            .isEqualTo(Hashes.leafHash(SequencerIT.record(i).canonicalBytes()));
      }
      // An all-new batch takes the plain-insert path; each id must still belong to its record.
      List<Record> fresh = new ArrayList<>();
      for (int i = 100; i < 400; i++) {
        fresh.add(SequencerIT.record(i));
      }
      List<AppendResult> created = journal.appendAll(fresh);
      for (int i = 0; i < fresh.size(); i++) {
        assertThat(created.get(i).status()).isEqualTo(AppendResult.Status.CREATED);
        String body =
            new String(
                journal.record(created.get(i).id()).orElseThrow().canonical(),
                StandardCharsets.UTF_8);
        assertThat(body).contains("\"sourceRef\":\"" + fresh.get(i).sourceRef() + "\"");
      }
    }
  }

  // pglz on every full chunk cost about 170 µs per row (V9); tiles never compress. Both inputs
  // here are highly compressible, so default storage would compress them.
  @Test
  void sequence_fullChunkAndTile_storedUncompressed() throws Exception {
    SharedPostgres.FreshDatabase fresh = SharedPostgres.freshDatabase();
    try (Database db = Database.open(fresh.settings(dataDir))) {
      Journal journal = new Journal(db.dataSource(), Clock.systemUTC());
      List<Record> records = new ArrayList<>();
      for (int i = 0; i < 300; i++) {
        records.add(SequencerIT.record(i));
      }
      journal.appendAll(records);
      try (Sequencer sequencer =
          new Sequencer(db.dataSource(), new TileStore(8), Clock.systemUTC(), 1000)) {
        sequencer.sequenceOnce();
      }
      try (Connection su = fresh.superuser();
          Statement s = su.createStatement()) {
        s.execute(
            "INSERT INTO journal_tiles (level, idx, width, hashes)"
                + " VALUES (5, 0, 256, decode(repeat('00', 8192), 'hex'))");
        try (ResultSet rs =
            s.executeQuery(
                "SELECT cardinality(seqs), pg_column_compression(seqs) FROM journal_leaf_chunks"
                    + " WHERE first_index = 0")) {
          assertThat(rs.next()).isTrue();
          assertThat(rs.getInt(1)).isEqualTo(256);
          assertThat(rs.getString(2)).isNull();
        }
        try (ResultSet rs =
            s.executeQuery(
                "SELECT count(*) FILTER (WHERE pg_column_compression(hashes) IS NOT NULL),"
                    + " count(*) FILTER (WHERE width = 256) FROM journal_tiles")) {
          rs.next();
          assertThat(rs.getLong(1)).isZero();
          assertThat(rs.getLong(2)).isEqualTo(2);
        }
      }
    }
  }

  private static void insertChunk(Connection c, long firstIndex, long[] seqs) throws Exception {
    Long[] boxed = new Long[seqs.length];
    for (int i = 0; i < seqs.length; i++) {
      boxed[i] = seqs[i];
    }
    try (PreparedStatement ps =
        c.prepareStatement(
            "INSERT INTO journal_leaf_chunks (first_index, first_seq, last_seq, seqs)"
                + " VALUES (?, ?, ?, ?)")) {
      ps.setLong(1, firstIndex);
      ps.setLong(2, seqs[0]);
      ps.setLong(3, seqs[seqs.length - 1]);
      ps.setArray(4, c.createArrayOf("int8", boxed));
      ps.executeUpdate();
    }
  }
}
