package io.lineageledger.ledger.journal;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.lineageledger.ledger.merkle.Hashes;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Where appendAll's time goes, measured apart: (a) the client CPU of RFC 8785 canonicalization and
 * the leaf hash per record, single thread, warm; (b) the database side alone: Journal's own INSERT
 * fast path (marked appending, ids drawn from the sequence, one binary COPY) with canonical bytes
 * computed in advance, from the same number of threads and batch size, into a scratch copy of
 * journal_records (so the log itself is untouched).
 */
final class AppendBreakdown {
  private AppendBreakdown() {}

  static ObjectNode run(String ownerUrl, List<List<Record>> batches, int writers, CpuMeter cpu)
      throws Exception {
    ObjectNode out = JsonNodeFactory.instance.objectNode();
    List<Record> sample = new ArrayList<>();
    batches.forEach(sample::addAll);
    int n = Math.min(sample.size(), 50_000);
    byte[][] canonical = new byte[sample.size()][];
    byte[][] leaf = new byte[sample.size()][];
    // Thread CPU time, best of 5 passes after one warm-up pass: on 2 shared cores, wall time
    // would also count whatever else ran.
    ThreadMXBean threadCpu = ManagementFactory.getThreadMXBean();
    double canonMicros = Double.MAX_VALUE;
    double leafMicros = Double.MAX_VALUE;
    for (int pass = 0; pass <= 5; pass++) {
      long t = threadCpu.getCurrentThreadCpuTime();
      for (int i = 0; i < n; i++) {
        canonical[i] = sample.get(i).canonicalBytes();
      }
      long c = threadCpu.getCurrentThreadCpuTime();
      for (int i = 0; i < n; i++) {
        leaf[i] = Hashes.leafHash(canonical[i]);
      }
      long l = threadCpu.getCurrentThreadCpuTime();
      if (pass > 0) {
        canonMicros = Math.min(canonMicros, (c - t) / 1e3 / n);
        leafMicros = Math.min(leafMicros, (l - c) / 1e3 / n);
      }
    }
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
    CpuMeter.Reading cpuBefore = cpu.read();
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
    cpu.read().since(cpuBefore, out.putObject("insertOnlyCpu"));
    out.put("insertOnlyRecords", sample.size());
    out.put("insertOnlySeconds", Stats.round(seconds, 3));
    out.put("insertOnlyRecordsPerSecond", Math.round(sample.size() / seconds));
    return out;
  }

  /** Journal.appendAll's transaction (its fast path), minus the Java-side preparation. */
  private static void insert(
      Connection c, List<Record> records, byte[][] canonical, byte[][] leaf, int from, int n)
      throws Exception {
    c.setAutoCommit(false);
    Journal.markAppending(c);
    List<RecordCopy.Row> rows = new ArrayList<>(n);
    for (int i = 0; i < n; i++) {
      Record r = records.get(from + i);
      rows.add(
          new RecordCopy.Row(
              r.source(), r.sourceRef(), r.kind(), canonical[from + i], leaf[from + i], r.raw()));
    }
    long[] ids = RecordCopy.insert(c, "bench_records", rows, Instant.now());
    if (ids.length != n) {
      throw new IllegalStateException("inserted " + ids.length + " of " + n);
    }
    c.commit();
  }
}
