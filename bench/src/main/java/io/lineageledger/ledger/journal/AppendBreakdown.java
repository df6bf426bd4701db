package io.lineageledger.ledger.journal;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.lineageledger.ledger.merkle.Hashes;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.Statement;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Where appendAll's time goes, measured apart: (a) the client CPU of RFC 8785 canonicalization and
 * the leaf hash per record, single thread, warm; (b) the database side alone: Journal's own INSERT
 * statement shape (advisory lock, unnest arrays, ON CONFLICT, RETURNING) with canonical bytes
 * computed in advance, from the same number of threads and batch size, into a scratch copy of
 * journal_records (so the log itself is untouched).
 */
final class AppendBreakdown {
  private AppendBreakdown() {}

  static ObjectNode run(String ownerUrl, List<List<Record>> batches, int writers) throws Exception {
    ObjectNode out = JsonNodeFactory.instance.objectNode();
    List<Record> sample = new ArrayList<>();
    batches.forEach(sample::addAll);
    int n = Math.min(sample.size(), 50_000);
    byte[][] canonical = new byte[sample.size()][];
    byte[][] leaf = new byte[sample.size()][];
    for (int i = 0; i < n; i++) {
      canonical[i] = sample.get(i).canonicalBytes(); // warm-up pass
    }
    long t = System.nanoTime();
    for (int i = 0; i < n; i++) {
      canonical[i] = sample.get(i).canonicalBytes();
    }
    double canonMicros = (System.nanoTime() - t) / 1e3 / n;
    t = System.nanoTime();
    for (int i = 0; i < n; i++) {
      leaf[i] = Hashes.leafHash(canonical[i]);
    }
    double leafMicros = (System.nanoTime() - t) / 1e3 / n;
    out.put("canonicalizeMicrosPerRecord", Stats.round(canonMicros, 2));
    out.put("canonicalizeRecordsPerSecondOneCore", Math.round(1e6 / canonMicros));
    out.put("leafHashMicrosPerRecord", Stats.round(leafMicros, 2));

    for (int i = n; i < sample.size(); i++) {
      canonical[i] = sample.get(i).canonicalBytes();
      leaf[i] = Hashes.leafHash(canonical[i]);
    }
    try (Connection c = DriverManager.getConnection(ownerUrl, "postgres", "");
        Statement s = c.createStatement()) {
      s.execute("DROP TABLE IF EXISTS bench_records");
      s.execute("CREATE TABLE bench_records (LIKE journal_records INCLUDING ALL)");
      s.execute("CHECKPOINT");
    }
    int batch = batches.get(0).size();
    AtomicLong cursor = new AtomicLong();
    List<Thread> threads = new ArrayList<>();
    Exception[] failure = new Exception[1];
    long start = System.nanoTime();
    for (int w = 0; w < writers; w++) {
      Thread thread =
          new Thread(
              () -> {
                try (Connection c = DriverManager.getConnection(ownerUrl, "postgres", "")) {
                  for (long first; (first = cursor.getAndAdd(batch)) < sample.size(); ) {
                    int size = (int) Math.min(batch, sample.size() - first);
                    insert(c, sample, canonical, leaf, (int) first, size);
                  }
                } catch (Exception e) {
                  failure[0] = e;
                }
              },
              "bench-insert-only-" + w);
      thread.start();
      threads.add(thread);
    }
    for (Thread thread : threads) {
      thread.join();
    }
    if (failure[0] != null) {
      throw failure[0];
    }
    double seconds = (System.nanoTime() - start) / 1e9;
    out.put("insertOnlyRecords", sample.size());
    out.put("insertOnlySeconds", Stats.round(seconds, 3));
    out.put("insertOnlyRecordsPerSecond", Math.round(sample.size() / seconds));
    return out;
  }

  /** Journal.appendAll's transaction, minus the Java-side preparation. */
  private static void insert(
      Connection c, List<Record> records, byte[][] canonical, byte[][] leaf, int from, int n)
      throws Exception {
    c.setAutoCommit(false);
    try (PreparedStatement lock = c.prepareStatement("SELECT pg_advisory_xact_lock_shared(?)")) {
      lock.setLong(1, Journal.APPEND_BARRIER_LOCK + 1); // not the journal's barrier
      lock.execute();
    }
    String[] sources = new String[n];
    String[] refs = new String[n];
    String[] kinds = new String[n];
    byte[][] canon = new byte[n][];
    byte[][] leaves = new byte[n][];
    byte[][] raws = new byte[n][];
    for (int i = 0; i < n; i++) {
      Record r = records.get(from + i);
      sources[i] = r.source();
      refs[i] = r.sourceRef();
      kinds[i] = r.kind();
      canon[i] = canonical[from + i];
      leaves[i] = leaf[from + i];
    }
    try (PreparedStatement ps =
        c.prepareStatement(
            "INSERT INTO bench_records (source, source_ref, kind, canonical, leaf_hash, raw,"
                + " received_at) SELECT s, r, k, cb, lh, rw, ? FROM unnest(?::text[], ?::text[],"
                + " ?::text[], ?::bytea[], ?::bytea[], ?::bytea[]) AS t(s, r, k, cb, lh, rw)"
                + " ON CONFLICT (source, source_ref) DO NOTHING RETURNING seq, source, source_ref")) {
      ps.setTimestamp(1, Timestamp.from(Instant.now()));
      ps.setArray(2, c.createArrayOf("text", sources));
      ps.setArray(3, c.createArrayOf("text", refs));
      ps.setArray(4, c.createArrayOf("text", kinds));
      ps.setArray(5, c.createArrayOf("bytea", canon));
      ps.setArray(6, c.createArrayOf("bytea", leaves));
      ps.setArray(7, c.createArrayOf("bytea", raws));
      int rows = 0;
      try (ResultSet rs = ps.executeQuery()) {
        while (rs.next()) {
          rows++;
        }
      }
      if (rows != n) {
        throw new IllegalStateException("inserted " + rows + " of " + n);
      }
    }
    c.commit();
  }
}
