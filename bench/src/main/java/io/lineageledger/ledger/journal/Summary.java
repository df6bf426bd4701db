package io.lineageledger.ledger.journal;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

/** The human-readable report, from the JSON one (so the two never disagree). */
final class Summary {
  private Summary() {}

  private static String cpu(JsonNode c) {
    return String.format(
        "%.2f + %.2f (%.2f)",
        c.path("jvmCpuSeconds").asDouble(),
        c.path("postgresCpuSeconds").asDouble(),
        c.path("coresBusy").asDouble());
  }

  static String text(ObjectNode r) {
    StringBuilder b = new StringBuilder();
    JsonNode m = r.path("machine");
    JsonNode pg = r.path("postgres");
    line(b, "=== Lineage Ledger journal benchmark ===");
    line(b, "command:  %s", r.path("command").asText());
    line(
        b,
        "machine:  nproc %d, %s, load %s",
        m.path("nproc").asInt(),
        m.path("cpu").asText(),
        m.path("loadAverageAtStart").asText());
    line(
        b,
        "java:     %s (%s), max heap %d MB",
        m.path("javaVersion").asText(),
        m.path("javaVm").asText(),
        m.path("maxHeapMB").asInt());
    line(
        b,
        "postgres: %s, fsync=%s synchronous_commit=%s full_page_writes=%s, data on %s",
        pg.path("server_version").asText(),
        pg.path("fsync").asText(),
        pg.path("synchronous_commit").asText(),
        pg.path("full_page_writes").asText(),
        pg.path("dataFileStore").asText());

    JsonNode c = r.path("copyReference");
    JsonNode e = r.path("journalEndToEnd");
    line(b, "");
    line(
        b,
        "1+2. %d rounds, each: COPY of %,d documents of %d bytes, then the journal end to end"
            + " (append + sequence + tiles + signed checkpoint, durable) of %,d such records"
            + " (after %,d untimed warm-up records of each):",
        c.path("rounds").size(),
        c.path("rows").asLong(),
        Workload.CANONICAL_BYTES,
        e.path("records").asLong(),
        e.path("untimedWarmupRecords").asLong());
    for (int i = 0; i < c.path("rounds").size(); i++) {
      JsonNode cr = c.path("rounds").get(i);
      JsonNode er = e.path("rounds").get(i);
      line(
          b,
          "   round %d: COPY %,d rows/s (%.2f s) | journal %,d records/s: appends done %.2f s,"
              + " sequenced %.2f s, checkpoint %.2f s | ratio %.3f | GC %d ms | appendAll %s",
          i + 1,
          cr.path("rowsPerSecond").asLong(),
          cr.path("seconds").asDouble(),
          er.path("recordsPerSecond").asLong(),
          er.path("appendSeconds").asDouble(),
          er.path("sequencedSeconds").asDouble(),
          er.path("checkpointSeconds").asDouble(),
          er.path("ratioToCopyOfThisRound").asDouble(),
          er.path("gcMillisDuring").asLong(),
          Stats.describe((ObjectNode) er.path("appendAllCallLatency")));
      line(
          b,
          "            CPU s (JVM + PostgreSQL, cores busy): COPY %s | journal %s; autovacuum"
              + " runs inside: COPY %d, journal %d; settled before: %.1f s, %.1f s",
          cpu(cr.path("cpu")),
          cpu(er.path("cpu")),
          cr.path("autovacuumsDuring").asLong(),
          er.path("autovacuumsDuring").asLong(),
          cr.path("settleSeconds").asDouble(),
          er.path("settleSeconds").asDouble());
    }
    line(
        b,
        "   MEDIAN: COPY %,d rows/s, journal %,d records/s, RATIO journal/COPY = %.3f (target >= 0.5:"
            + " %s)",
        c.path("rowsPerSecondMedian").asLong(),
        e.path("recordsPerSecondMedian").asLong(),
        e.path("ratioToCopyMedian").asDouble(),
        e.path("ratioToCopyMedian").asDouble() >= 0.5 ? "MET" : "MISSED");
    line(
        b,
        "   appendAll(%d) latency, all rounds: %s",
        r.path("options").path("batch").asInt(),
        Stats.describe((ObjectNode) e.path("appendAllCallLatencyAllRounds")));
    JsonNode e1 = e.path("rounds").path(0);
    JsonNode c1 = c.path("rounds").path(0);
    line(
        b,
        "   round 1: sequencer step() %s, %d sequencing transactions; WAL %,d MB (COPY %,d MB),"
            + " journal tables +%,d MB (COPY table %,d MB)",
        Stats.describe((ObjectNode) e1.path("sequencerStepLatency")),
        e1.path("sequencingRounds").asLong(),
        e1.path("walBytes").asLong() >> 20,
        c1.path("walBytes").asLong() >> 20,
        e1.path("journalBytes").asLong() >> 20,
        c1.path("tableBytes").asLong() >> 20);
    JsonNode a = r.path("appendBreakdown");
    line(
        b,
        "   appendAll breakdown (thread CPU, best of 5): RFC 8785 canonicalization %.2f us/record (= %,d records/s on one"
            + " core), leaf hash %.2f us/record; the same INSERTs with canonical bytes precomputed:"
            + " %,d records/s, CPU s %s",
        a.path("canonicalizeMicrosPerRecord").asDouble(),
        a.path("canonicalizeRecordsPerSecondOneCore").asLong(),
        a.path("leafHashMicrosPerRecord").asDouble(),
        a.path("insertOnlyRecordsPerSecond").asLong(),
        cpu(a.path("insertOnlyCpu")));
    JsonNode g = r.path("growth");
    if (!g.isMissingNode()) {
      line(
          b,
          "   growth to %,d leaves: %,d more records at %,d records/s end to end",
          r.path("inclusionProof").path("treeSize").asLong(),
          g.path("records").asLong(),
          g.path("recordsPerSecond").asLong());
    }

    JsonNode p = r.path("inclusionProof");
    JsonNode pl = p.path("latency");
    line(
        b,
        "3. Inclusion proof at %,d leaves (after %d warm-up): %s (target p99 <= 2 ms: %s)",
        p.path("treeSize").asLong(),
        p.path("warmup").asInt(),
        Stats.describe((ObjectNode) pl),
        pl.path("p99").asDouble() <= 2.0 ? "MET" : "MISSED");
    JsonNode prof = p.path("profilePerProof");
    line(
        b,
        "   per proof: %.2f connections, %.2f SQL statements %s, %.2f tile reads, tile cache hit %.1f%%",
        prof.path("connections").asDouble(),
        prof.path("sqlStatements").asDouble(),
        prof.path("sqlStatementsByKind"),
        prof.path("tileReads").asDouble(),
        100 * prof.path("tileCacheHitRatio").asDouble());
    line(b, "   SQL ms per proof by kind: %s", prof.path("sqlMillisByKind"));
    line(b, "   tiles stored: %s", p.path("tilesStored"));

    JsonNode k = r.path("merkleIntegration");
    line(
        b,
        "4. Merkle integration, %,d leaves in batches of %d (%s):",
        k.path("leaves").asLong(),
        k.path("batch").asInt(),
        k.path("timing").asText());
    line(
        b,
        "   TileIntegration %,d leaves/s (%.3f s); raw SHA-256 of the same %,d messages / %,d MB:"
            + " %.3f s (%,d msg/s, %.0f MB/s); RATIO = %.3f",
        k.path("integrationLeavesPerSecond").asLong(),
        k.path("integrationSeconds").asDouble(),
        k.path("sha256Messages").asLong(),
        k.path("sha256Bytes").asLong() >> 20,
        k.path("rawSha256Seconds").asDouble(),
        k.path("rawSha256MessagesPerSecond").asLong(),
        k.path("rawSha256MBPerSecond").asDouble(),
        k.path("ratioIntegrationToRawSha256").asDouble());
    line(
        b,
        "   (by wall time %.3f; integration hashes %.1f%% more messages than the tree's %,d interior"
            + " nodes: the root is recomputed from the right edge every batch)",
        k.path("ratioByWallTime").asDouble(),
        100 * k.path("messagesBeyondInteriorNodes").asDouble(),
        k.path("treeInteriorNodes").asLong());
    line(b, "");
    line(b, "load average at end: %s", r.path("loadAverageAtEnd").asText());
    line(b, "total run time: %.1f s", r.path("totalSeconds").asDouble());
    return b.toString();
  }

  private static void line(StringBuilder b, String format, Object... args) {
    b.append(String.format(format, args)).append('\n');
  }
}
