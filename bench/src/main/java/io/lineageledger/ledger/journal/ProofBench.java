package io.lineageledger.ledger.journal;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.lineageledger.ledger.merkle.ProofNodes;
import io.lineageledger.ledger.merkle.ProofVerifier;
import io.lineageledger.ledger.note.NoteSigner;
import java.sql.Array;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Duration;
import java.util.Arrays;
import java.util.HashMap;
import java.util.Map;
import java.util.OptionalLong;
import java.util.SplittableRandom;
import javax.sql.DataSource;

/**
 * Inclusion-proof latency of {@link TransparencyLog#inclusionProof} against the latest checkpoint,
 * single caller, random records, each verified; then the same proofs once more through a counting
 * DataSource to see what each one asks of PostgreSQL.
 */
final class ProofBench {
  private final DataSource db;
  private final NoteSigner signer;

  ProofBench(DataSource db, NoteSigner signer) {
    this.db = db;
    this.signer = signer;
  }

  ObjectNode run(int warmup, int count, long seed) throws Exception {
    ObjectNode out = JsonNodeFactory.instance.objectNode();
    SignedCheckpoint cp;
    long[] leafIndex = new long[warmup + count];
    long[] recordId = new long[warmup + count];
    try (Connection c = db.getConnection()) {
      cp = Checkpointer.latest(c).orElseThrow();
      SplittableRandom random = new SplittableRandom(seed);
      for (int i = 0; i < leafIndex.length; i++) {
        leafIndex[i] = random.nextLong(cp.size());
      }
      Map<Long, Long> seqs = seqsOf(c, leafIndex);
      for (int i = 0; i < leafIndex.length; i++) {
        recordId[i] = seqs.get(leafIndex[i]);
      }
      out.put("treeSize", cp.size());
      out.set("tilesStored", tileCensus(c));
    }
    out.put("warmup", warmup);

    // 1. As the service does it: a fresh TransparencyLog (cold tile cache), warmed up, then timed.
    long[] nanos = new long[count];
    try (TransparencyLog log = newLog(db)) {
      for (int i = 0; i < warmup; i++) {
        log.inclusionProof(recordId[i], OptionalLong.empty());
      }
      for (int i = 0; i < count; i++) {
        long t0 = System.nanoTime();
        InclusionProof p = log.inclusionProof(recordId[warmup + i], OptionalLong.empty());
        nanos[i] = System.nanoTime() - t0;
        ProofVerifier.verifyInclusion(
            p.leafIndex(), p.checkpoint().size(), p.leafHash(), p.hashes(), p.checkpoint().root());
      }
    }
    out.set("latency", Stats.latencyMs(nanos));

    // 2. Profile: the same proofs, counting connections and statements per proof.
    CountingDataSource counting = new CountingDataSource(db);
    try (TransparencyLog log = newLog(counting.dataSource())) {
      for (int i = 0; i < warmup; i++) {
        log.inclusionProof(recordId[i], OptionalLong.empty());
      }
      counting.reset();
      for (int i = 0; i < count; i++) {
        log.inclusionProof(recordId[warmup + i], OptionalLong.empty());
      }
    }
    long tileReads = 0;
    for (int i = 0; i < count; i++) {
      tileReads += ProofNodes.inclusion(leafIndex[warmup + i], cp.size()).ids().size();
    }
    ObjectNode profile = out.putObject("profilePerProof");
    profile.put("connections", Stats.round((double) counting.connections() / count, 2));
    long statements = counting.executions().values().stream().mapToLong(Long::longValue).sum();
    profile.put("sqlStatements", Stats.round((double) statements / count, 2));
    ObjectNode byKind = profile.putObject("sqlStatementsByKind");
    counting.executions().forEach((k, v) -> byKind.put(k, Stats.round((double) v / count, 2)));
    ObjectNode msByKind = profile.putObject("sqlMillisByKind");
    counting.nanos().forEach((k, v) -> msByKind.put(k, Stats.round(v / 1e6 / count, 4)));
    profile.put("tileReads", Stats.round((double) tileReads / count, 2));
    long tileQueries = counting.executions().getOrDefault("tile", 0L);
    profile.put("tileCacheHitRatio", Stats.round(1 - (double) tileQueries / tileReads, 4));

    return out;
  }

  private TransparencyLog newLog(DataSource ds) {
    return new TransparencyLog(ds, signer, Clock.systemUTC(), 10_000, Duration.ofSeconds(1));
  }

  private static Map<Long, Long> seqsOf(Connection c, long[] leafIndex) throws SQLException {
    Map<Long, Long> out = new HashMap<>();
    try (PreparedStatement ps =
        c.prepareStatement(
            "SELECT leaf_index, seq FROM journal_leaves WHERE leaf_index = ANY(?)")) {
      Array a = c.createArrayOf("int8", Arrays.stream(leafIndex).boxed().toArray(Long[]::new));
      ps.setArray(1, a);
      try (ResultSet rs = ps.executeQuery()) {
        while (rs.next()) {
          out.put(rs.getLong(1), rs.getLong(2));
        }
      }
    }
    return out;
  }

  /** How many full and partial versions of tiles are stored, per level. */
  private static ObjectNode tileCensus(Connection c) throws SQLException {
    ObjectNode out = JsonNodeFactory.instance.objectNode();
    try (PreparedStatement ps =
            c.prepareStatement(
                "SELECT level, count(*) FILTER (WHERE width = 256),"
                    + " count(*) FILTER (WHERE width < 256),"
                    + " count(DISTINCT idx) FILTER (WHERE width < 256 AND idx IN"
                    + " (SELECT idx FROM journal_tiles f WHERE f.level = t.level AND f.width = 256))"
                    + " FROM journal_tiles t GROUP BY level ORDER BY level");
        ResultSet rs = ps.executeQuery()) {
      while (rs.next()) {
        ObjectNode level = out.putObject("level" + rs.getInt(1));
        level.put("full", rs.getLong(2));
        level.put("partialVersions", rs.getLong(3));
        level.put("fullTilesThatAlsoHaveAPartialVersion", rs.getLong(4));
      }
    }
    return out;
  }
}
