package io.lineageledger.ledger.journal;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.lineageledger.ledger.note.NoteSigner;
import io.lineageledger.platform.Database;
import io.lineageledger.platform.DatabaseSettings;
import io.lineageledger.platform.Secret;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;

/**
 * The journal benchmark, one process, one fresh durable embedded PostgreSQL: (1) raw COPY
 * reference, (2) end-to-end journal throughput as a ratio to it, (3) inclusion-proof latency at a
 * large tree, (4) Merkle integration rate as a ratio to raw SHA-256. Prints a report and writes it
 * as JSON. Run through {@code scripts/bench.sh}; arguments are {@code --name=value} ({@link
 * Options}).
 */
public final class JournalBench {
  private static final ObjectMapper JSON =
      new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

  private JournalBench() {}

  public static void main(String[] args) throws Exception {
    Options o = Options.parse(args);
    long started = System.nanoTime();
    ObjectNode report = JSON.createObjectNode();
    report.put("startedAt", Instant.now().toString());
    report.put(
        "command", System.getProperty("bench.command", "JournalBench " + String.join(" ", args)));
    report.set("options", JSON.valueToTree(o));
    report.set("machine", machine());

    // In-memory first, while nothing else of ours (PostgreSQL, autovacuum) competes for the 2
    // cores.
    say("[4/4 run first] Merkle integration vs raw SHA-256, %,d leaves ...", o.merkleLeaves());
    ObjectNode merkle = MerkleRate.run(o.merkleLeaves(), o.batch(), 5);

    Path dir = Files.createTempDirectory("lineage-bench");
    Workload workload = new Workload();
    try (Database db =
        Database.open(
            new DatabaseSettings(Optional.empty(), "postgres", Secret.of(""), o.pool(), dir, 0))) {
      String ownerUrl = "jdbc:postgresql://127.0.0.1:" + port(dir) + "/lineage";
      try (Connection owner = DriverManager.getConnection(ownerUrl, "postgres", "")) {
        report.set("postgres", serverSettings(owner, dir));

        NoteSigner signer = NoteSigner.generate("bench.lineage-ledger.local/log");
        long end;
        try (TransparencyLog log =
            new TransparencyLog(
                db.dataSource(),
                signer,
                Clock.systemUTC(),
                o.sequencerBatch(),
                Duration.ofMillis(o.checkpointMillis()))) {
          LoadDriver driver =
              new LoadDriver(log, o.writers(), o.batch(), Duration.ofMillis(o.stepMillis()));
          end = compareWithCopy(o, report, owner, workload, driver, CpuMeter.of(dir));

          say("[2/4] appendAll breakdown: canonicalization CPU, database side alone ...");
          long w = o.journalWarmup();
          report.set(
              "appendBreakdown",
              AppendBreakdown.run(
                  ownerUrl,
                  prebuild(workload, w, w + o.records(), o.batch()),
                  o.writers(),
                  CpuMeter.of(dir)));
          try (Statement s = owner.createStatement()) {
            s.execute("DROP TABLE bench_records");
          }
          if (o.proofLeaves() > end) {
            checkpoint(owner);
            say("[3/4] growing the log to %,d leaves ...", o.proofLeaves());
            LoadDriver.Result grow =
                driver.run(end, o.proofLeaves(), workload::batch, Duration.ofMinutes(30));
            loadJson(report.putObject("growth"), grow);
          }
        }
        checkpoint(owner);
        say("[3/4] inclusion proofs at %,d leaves ...", o.proofLeaves());
        ObjectNode proofs = new ProofBench(db.dataSource(), signer).run(o.warmup(), o.proofs(), 42);
        proofs.put("target", "p99 <= 2 ms");
        report.set("inclusionProof", proofs);
      }
    } finally {
      deleteTree(dir);
    }
    report.set("merkleIntegration", merkle);
    report.put("loadAverageAtEnd", loadAverage());
    report.put("totalSeconds", Stats.round((System.nanoTime() - started) / 1e9, 1));

    System.out.println();
    System.out.println(Summary.text(report));
    Path out = Paths.get(o.report());
    Files.createDirectories(out.toAbsolutePath().getParent());
    Files.writeString(out, JSON.writeValueAsString(report) + "\n");
    System.out.println("JSON report: " + out.toAbsolutePath());
  }

  /**
   * Phases 1 and 2, in rounds: each round COPYs N documents and then journals the same N records,
   * so the two figures of a round are measured minutes apart at most, under the same background
   * load.
   *
   * @return the log's size afterwards
   */
  private static long compareWithCopy(
      Options o,
      ObjectNode report,
      Connection owner,
      Workload workload,
      LoadDriver driver,
      CpuMeter cpu)
      throws Exception {
    long w = o.journalWarmup();
    if (w > 0) {
      say("[1-2/4] warm-up (untimed): COPY of %,d rows, journal of %,d records ...", w, w);
      CopyReference.run(owner, workload, 0, w, cpu);
      // The same path as the timed rounds, pre-built records included: warming up through a
      // different batch supplier left C2 recompiling the writers' loop (and what it inlines) for
      // over a second of the first timed round once the supplier's type changed.
      List<List<Record>> warm = prebuild(workload, 0, w, o.batch());
      driver.run(0, w, prebuilt(warm, 0, o.batch()), Duration.ofMinutes(10));
    }
    ObjectNode copyJson = report.putObject("copyReference");
    ObjectNode e2eJson = report.putObject("journalEndToEnd");
    copyJson.put("rows", o.records());
    e2eJson.put("records", o.records());
    e2eJson.put("untimedWarmupRecords", w);
    ArrayNode copyRounds = copyJson.putArray("rounds");
    ArrayNode e2eRounds = e2eJson.putArray("rounds");
    List<Double> copyRates = new ArrayList<>();
    List<Double> e2eRates = new ArrayList<>();
    List<Double> ratios = new ArrayList<>();
    List<long[]> calls = new ArrayList<>();
    long from = w;
    for (int r = 1; r <= o.rounds(); r++, from += o.records()) {
      long to = from + o.records();
      say("[1/4] round %d/%d: COPY of %,d rows ...", r, o.rounds(), o.records());
      ObjectNode c = copyRounds.addObject();
      c.put("settleSeconds", settle(owner));
      long wal = walLsn(owner);
      long vacuums = autovacuums(owner);
      CopyReference.Result copy = CopyReference.run(owner, workload, from, o.records(), cpu);
      c.set("cpu", copy.cpu());
      c.put("autovacuumsDuring", autovacuums(owner) - vacuums);
      c.put("seconds", Stats.round(copy.seconds(), 3));
      c.put("rowsPerSecond", Math.round(copy.rowsPerSecond()));
      c.put("tableBytes", copy.tableBytes());
      c.put("walBytes", walLsn(owner) - wal);
      c.put("loadAverageAfter", loadAverage());

      List<List<Record>> prebuilt = prebuild(workload, from, to, o.batch());
      // The pre-built records (a few hundred MB) are bench scaffolding: left in the young
      // generation, G1 copied them between survivor spaces and into the old generation in pauses
      // of up to 430 ms inside the timed window (-Xlog:gc), stalling the writers. Settle them
      // first.
      System.gc();
      double settled = settle(owner);
      say("[2/4] round %d/%d: journal end to end, %,d records ...", r, o.rounds(), o.records());
      wal = walLsn(owner);
      vacuums = autovacuums(owner);
      CpuMeter.Reading cpuBefore = cpu.read();
      long heads = count(owner, "journal_tree_heads");
      long bytesBefore = journalBytes(owner);
      long gcBefore = gcMillis();
      LoadDriver.Result e2e =
          driver.run(from, to, prebuilt(prebuilt, from, o.batch()), Duration.ofMinutes(20));
      long gcDuring = gcMillis() - gcBefore;
      ObjectNode e = loadJson(e2eRounds.addObject(), e2e);
      e.put("settleSeconds", settled);
      cpu.read().since(cpuBefore, e.putObject("cpu"));
      e.put("autovacuumsDuring", autovacuums(owner) - vacuums);
      e.put("gcMillisDuring", gcDuring);
      e.put("walBytes", walLsn(owner) - wal);
      e.put("journalBytes", journalBytes(owner) - bytesBefore);
      e.put("sequencingRounds", count(owner, "journal_tree_heads") - heads);
      double ratio = e2e.recordsPerSecond() / copy.rowsPerSecond();
      e.put("ratioToCopyOfThisRound", Stats.round(ratio, 3));
      e.put("loadAverageAfter", loadAverage());
      copyRates.add(copy.rowsPerSecond());
      e2eRates.add(e2e.recordsPerSecond());
      ratios.add(ratio);
      calls.add(e2e.callNanos());
    }
    copyJson.put("rowsPerSecondMedian", Math.round(Stats.median(copyRates)));
    e2eJson.put("recordsPerSecondMedian", Math.round(Stats.median(e2eRates)));
    e2eJson.put("ratioToCopyMedian", Stats.round(Stats.median(ratios), 3));
    e2eJson.put("target", ">= 0.5");
    e2eJson.set(
        "appendAllCallLatencyAllRounds",
        Stats.latencyMs(calls.stream().flatMapToLong(Arrays::stream).toArray()));
    return from;
  }

  /** Time the JVM spent collecting so far (all collectors; G1 counts its pauses). */
  private static long gcMillis() {
    long total = 0;
    for (java.lang.management.GarbageCollectorMXBean gc :
        java.lang.management.ManagementFactory.getGarbageCollectorMXBeans()) {
      total += Math.max(0, gc.getCollectionTime());
    }
    return total;
  }

  /** Batches of {@code [first, ...)} from records built before the clock started. */
  private static LoadDriver.Batches prebuilt(List<List<Record>> batches, long first, int batch) {
    return (at, n) -> batches.get((int) ((at - first) / batch));
  }

  private static List<List<Record>> prebuild(Workload workload, long from, long to, int batch) {
    List<List<Record>> out = new ArrayList<>();
    for (long i = from; i < to; i += batch) {
      out.add(workload.batch(i, (int) Math.min(batch, to - i)));
    }
    return out;
  }

  private static String loadAverage() throws IOException {
    return Files.readString(Paths.get("/proc/loadavg")).trim();
  }

  private static ObjectNode loadJson(ObjectNode o, LoadDriver.Result r) {
    o.put("records", r.records());
    o.put("appendSeconds", Stats.round(r.appendSeconds(), 3));
    o.put("sequencedSeconds", Stats.round(r.sequencedSeconds(), 3));
    o.put("checkpointSeconds", Stats.round(r.checkpointSeconds(), 3));
    o.put("appendRecordsPerSecond", Math.round(r.records() / r.appendSeconds()));
    o.put("recordsPerSecond", Math.round(r.recordsPerSecond()));
    o.set("appendAllCallLatency", Stats.latencyMs(r.callNanos()));
    o.set("sequencerStepLatency", Stats.latencyMs(r.stepNanos()));
    return o;
  }

  private static void say(String format, Object... args) {
    System.out.printf("%tT " + format + "%n", prepend(java.time.LocalTime.now(), args));
  }

  private static Object[] prepend(Object first, Object[] rest) {
    Object[] all = new Object[rest.length + 1];
    all[0] = first;
    System.arraycopy(rest, 0, all, 1, rest.length);
    return all;
  }

  /** The embedded server's port, from postmaster.pid (line 4, PostgreSQL's documented layout). */
  static int port(Path dataDir) throws IOException {
    Path pid = dataDir.resolve("postgres").resolve("postmaster.pid");
    return Integer.parseInt(Files.readAllLines(pid, StandardCharsets.US_ASCII).get(3).trim());
  }

  private static ObjectNode serverSettings(Connection owner, Path dir) throws SQLException {
    ObjectNode o = JSON.createObjectNode();
    try (Statement s = owner.createStatement()) {
      for (String name :
          List.of(
              "server_version",
              "fsync",
              "synchronous_commit",
              "full_page_writes",
              "wal_sync_method",
              "shared_buffers",
              "max_wal_size")) {
        try (ResultSet rs = s.executeQuery("SHOW " + name)) {
          rs.next();
          o.put(name, rs.getString(1));
        }
      }
    }
    o.put("dataDirectory", dir.toString());
    try {
      o.put("dataFileStore", Files.getFileStore(dir).type());
    } catch (IOException e) {
      o.put("dataFileStore", "unknown: " + e.getMessage());
    }
    if (!o.path("fsync").asText().equals("on")
        || !o.path("synchronous_commit").asText().equals("on")) {
      throw new IllegalStateException("the server is not durable: " + o);
    }
    return o;
  }

  /**
   * Before each timed phase: vacuum and analyze what the previous phase wrote, checkpoint, and wait
   * for any autovacuum worker to finish, so neither the COPY reference nor the journal pays for the
   * other's background work (an autovacuum of the 80 MB COPY table used to land inside the next
   * journal round, and the journal's inside the next COPY round). Autovacuum a phase triggers for
   * its own tables still runs inside it and is counted in the report.
   *
   * @return the seconds it took
   */
  private static double settle(Connection owner) throws SQLException, InterruptedException {
    long start = System.nanoTime();
    try (Statement s = owner.createStatement()) {
      s.execute("VACUUM (ANALYZE)");
    }
    checkpoint(owner);
    long deadline = start + Duration.ofMinutes(2).toNanos();
    while (autovacuumWorkers(owner) > 0) {
      if (System.nanoTime() > deadline) {
        throw new IllegalStateException(
            "autovacuum workers still running 2 minutes after the previous phase ended");
      }
      Thread.sleep(100);
    }
    return Stats.round((System.nanoTime() - start) / 1e9, 2);
  }

  private static long autovacuumWorkers(Connection owner) throws SQLException {
    return scalar(
        owner,
        "SELECT count(*) FROM pg_stat_activity WHERE backend_type = 'autovacuum worker'"
            + " AND query <> ''");
  }

  /** Autovacuum and autoanalyze runs finished so far, over every table. */
  private static long autovacuums(Connection owner) throws SQLException {
    return scalar(
        owner,
        "SELECT coalesce(sum(autovacuum_count + autoanalyze_count), 0) FROM pg_stat_all_tables");
  }

  /** A PostgreSQL checkpoint between phases, so one phase's dirty pages are not the next's cost. */
  private static void checkpoint(Connection owner) throws SQLException {
    try (Statement s = owner.createStatement()) {
      s.execute("CHECKPOINT");
    }
  }

  private static long walLsn(Connection owner) throws SQLException {
    return scalar(owner, "SELECT pg_current_wal_lsn() - '0/0'::pg_lsn");
  }

  private static long count(Connection owner, String table) throws SQLException {
    return scalar(owner, "SELECT count(*) FROM " + table);
  }

  private static long journalBytes(Connection owner) throws SQLException {
    return scalar(
        owner,
        "SELECT sum(pg_total_relation_size(c.oid)) FROM pg_class c"
            + " WHERE c.relkind = 'r' AND c.relname LIKE 'journal\\_%'");
  }

  /** The one number a bench query answers. */
  private static long scalar(Connection owner, String sql) throws SQLException {
    try (Statement s = owner.createStatement();
        ResultSet rs = s.executeQuery(sql)) {
      rs.next();
      return rs.getLong(1);
    }
  }

  private static ObjectNode machine() throws IOException {
    ObjectNode m = JSON.createObjectNode();
    m.put("nproc", Runtime.getRuntime().availableProcessors());
    try (Stream<String> lines = Files.lines(Paths.get("/proc/cpuinfo"))) {
      m.put(
          "cpu",
          lines
              .filter(l -> l.startsWith("model name"))
              .findFirst()
              .map(l -> l.substring(l.indexOf(':') + 1).trim())
              .orElse("unknown"));
    }
    m.put("loadAverageAtStart", Files.readString(Paths.get("/proc/loadavg")).trim());
    m.put("javaVersion", System.getProperty("java.version"));
    m.put(
        "javaVm", System.getProperty("java.vm.name") + " " + System.getProperty("java.vm.version"));
    m.put("maxHeapMB", Runtime.getRuntime().maxMemory() >> 20);
    m.put("os", System.getProperty("os.name") + " " + System.getProperty("os.version"));
    return m;
  }

  static void deleteTree(Path dir) throws IOException {
    try (Stream<Path> paths = Files.walk(dir)) {
      for (Path p : paths.sorted(Comparator.reverseOrder()).toList()) {
        Files.deleteIfExists(p);
      }
    }
  }
}
