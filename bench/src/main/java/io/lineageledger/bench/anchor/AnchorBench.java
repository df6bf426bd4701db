package io.lineageledger.bench.anchor;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.lineageledger.anchor.AnchorAudit;
import io.lineageledger.anchor.AnchorReceipt;
import io.lineageledger.anchor.AnchorStore;
import io.lineageledger.anchor.Anchorer;
import io.lineageledger.anchor.EmbeddedAnchor;
import io.lineageledger.ledger.journal.Record;
import io.lineageledger.ledger.journal.TransparencyLog;
import io.lineageledger.ledger.journal.TreeHead;
import io.lineageledger.ledger.note.NoteSigner;
import io.lineageledger.platform.Database;
import io.lineageledger.platform.DatabaseSettings;
import io.lineageledger.platform.Secret;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentSkipListMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Stream;

/**
 * Journal throughput with the embedded anchor anchoring every second, as a ratio to the same
 * journal with anchoring off, measured in the same run on the same database: phases alternate
 * (off/on, then on/off, …) so that drift (autovacuum, a growing table, other load) hits both alike.
 * Also the anchor lag under that load (entries and seconds behind the journal, sampled every 100 ms
 * while anchoring is on), p50/p99. A program, not a test: {@code bash scripts/anchor-bench.sh
 * [--seconds=10 --rounds=3 --writers=2 --batch=500]}.
 */
public final class AnchorBench {
  private static final ObjectMapper JSON =
      new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

  private AnchorBench() {}

  public static void main(String[] args) throws Exception {
    Map<String, String> o = options(args);
    int seconds = Integer.parseInt(o.getOrDefault("seconds", "10"));
    int rounds = Integer.parseInt(o.getOrDefault("rounds", "3"));
    int writers = Integer.parseInt(o.getOrDefault("writers", "2"));
    int batch = Integer.parseInt(o.getOrDefault("batch", "500"));
    int anchorSeconds = Integer.parseInt(o.getOrDefault("anchorIntervalSeconds", "1"));
    Path reportFile = Path.of(o.getOrDefault("report", "bench/target/anchor-bench.json"));

    ObjectNode report = JSON.createObjectNode();
    report.put("startedAt", Instant.now().toString());
    report.put(
        "command", System.getProperty("bench.command", "AnchorBench " + String.join(" ", args)));
    report.putPOJO("options", o);
    report.put("cpus", Runtime.getRuntime().availableProcessors());

    Path dir = Files.createTempDirectory("lineage-anchor-bench");
    Clock clock = Clock.systemUTC();
    try (Database db =
            Database.open(
                new DatabaseSettings(Optional.empty(), "postgres", Secret.of(""), 8, dir, 0));
        TransparencyLog log =
            new TransparencyLog(
                db.dataSource(),
                NoteSigner.generate("bench.lineage-ledger.local/anchor"),
                clock,
                10_000,
                Duration.ofMillis(200))) {
      NoteSigner serviceKey = NoteSigner.generate("bench.lineage-ledger.local/anchor");
      EmbeddedAnchor anchor = new EmbeddedAnchor(db.dataSource(), serviceKey, clock);
      AnchorStore store = new AnchorStore(db.dataSource(), clock);
      Anchorer anchorer =
          new Anchorer(log, anchor, store, clock, Duration.ofSeconds(anchorSeconds), 100_000_000);

      AtomicBoolean stop = new AtomicBoolean();
      // When each tree size was first sequenced: the lag of an anchor is measured from there.
      ConcurrentSkipListMap<Long, Instant> sequencedAt = new ConcurrentSkipListMap<>();
      Thread sequencer =
          new Thread(
              () -> {
                while (!stop.get()) {
                  try {
                    log.step();
                    log.latestHead()
                        .map(TreeHead::size)
                        .ifPresent(s -> sequencedAt.putIfAbsent(s, Instant.now()));
                    Thread.sleep(100);
                  } catch (InterruptedException e) {
                    return;
                  } catch (Exception e) {
                    throw new IllegalStateException(e);
                  }
                }
              },
              "sequencer");
      sequencer.start();

      AtomicLong refs = new AtomicLong();
      say("warm-up %d s (anchoring off, not counted) ...", seconds);
      load(log, writers, batch, Duration.ofSeconds(seconds), refs);

      List<Double> off = new ArrayList<>();
      List<Double> on = new ArrayList<>();
      List<Double> lagSeconds = new ArrayList<>();
      List<Long> lagEntries = new ArrayList<>();
      List<Double> anchorMillis = new ArrayList<>();
      List<Double> anchorCpuMillis = new ArrayList<>();
      java.lang.management.ThreadMXBean cpu =
          java.lang.management.ManagementFactory.getThreadMXBean();
      int anchors = 0;
      ArrayNode phases = report.putArray("phases");
      for (int round = 0; round < rounds; round++) {
        for (boolean anchoring :
            round % 2 == 0 ? new boolean[] {false, true} : new boolean[] {true, false}) {
          AtomicBoolean phaseOver = new AtomicBoolean();
          List<AnchorReceipt> receipts = new ArrayList<>();
          Thread anchorThread =
              new Thread(
                  () -> {
                    while (anchoring && !phaseOver.get()) {
                      long t0 = System.nanoTime();
                      long c0 = cpu.getCurrentThreadCpuTime();
                      Optional<AnchorReceipt> done = anchorer.step();
                      if (done.isPresent()) {
                        receipts.add(done.get());
                        anchorMillis.add((System.nanoTime() - t0) / 1e6);
                        anchorCpuMillis.add((cpu.getCurrentThreadCpuTime() - c0) / 1e6);
                      }
                      Anchorer.Status s = anchorer.status();
                      long anchored = s.lastAnchor().map(AnchorReceipt::treeSize).orElse(0L);
                      Map.Entry<Long, Instant> firstUnanchored = sequencedAt.higherEntry(anchored);
                      lagEntries.add(s.lagEntries());
                      lagSeconds.add(
                          firstUnanchored == null
                              ? 0.0
                              : Duration.between(firstUnanchored.getValue(), Instant.now())
                                      .toNanos()
                                  / 1e9);
                      try {
                        Thread.sleep(100);
                      } catch (InterruptedException e) {
                        return;
                      }
                    }
                  },
                  "anchorer");
          anchorThread.start();
          double rate = load(log, writers, batch, Duration.ofSeconds(seconds), refs);
          phaseOver.set(true);
          anchorThread.join();
          anchors += receipts.size();
          (anchoring ? on : off).add(rate);
          ObjectNode p = phases.addObject();
          p.put("round", round).put("anchoring", anchoring).put("recordsPerSecond", round(rate));
          p.put("anchors", receipts.size());
          say(
              "round %d, anchoring %-3s: %,.0f records/s, %d anchors",
              round, anchoring ? "on" : "off", rate, receipts.size());
        }
      }
      stop.set(true);
      sequencer.join();

      double medianOn = median(on);
      double medianOff = median(off);
      // Each round's two phases are adjacent in time: their ratio cancels the drift between
      // rounds (JIT, table growth, other load on a shared machine); the median of those ratios is
      // the figure.
      List<Double> paired = new ArrayList<>();
      for (int r = 0; r < rounds; r++) {
        paired.add(on.get(r) / off.get(r));
      }
      double ratio = median(paired);
      ObjectNode result = report.putObject("result");
      result.put("recordsPerSecondAnchoringOff", round(medianOff));
      result.put("recordsPerSecondAnchoringOn", round(medianOn));
      result.put("ratioOnToOff", Math.round(ratio * 1000) / 1000.0);
      ArrayNode pairedJson = result.putArray("ratioPerRound");
      paired.forEach(x -> pairedJson.add(Math.round(x * 1000) / 1000.0));
      result.put("target", ">= 0.95");
      result.put("anchors", anchors);
      result.put("anchorLagSecondsP50", round2(percentile(lagSeconds, 0.50)));
      result.put("anchorLagSecondsP99", round2(percentile(lagSeconds, 0.99)));
      result.put(
          "anchorLagEntriesP50",
          percentile(lagEntries.stream().map(Long::doubleValue).toList(), 0.50));
      result.put(
          "anchorLagEntriesP99",
          percentile(lagEntries.stream().map(Long::doubleValue).toList(), 0.99));
      result.put("lagSamples", lagSeconds.size());
      // One anchoring step (proof, contract, block, read-back, record): the cost per interval.
      result.put("anchorStepMillisP50", round2(percentile(anchorMillis, 0.50)));
      result.put("anchorStepMillisP99", round2(percentile(anchorMillis, 0.99)));
      // The service's own CPU in that step (PostgreSQL's share is not included).
      result.put("anchorStepJavaCpuMillisP50", round2(percentile(anchorCpuMillis, 0.50)));
      AnchorAudit.Report audit =
          new AnchorAudit(db.dataSource(), store, anchor, serviceKey.verifier()).audit(log);
      result.put("auditedAnchors", audit.anchors());
      result.put("auditFindings", audit.findings().size());
      say(
          "%nanchoring every %d s: %,.0f records/s vs %,.0f off (medians); median per-round ratio"
              + " %.3f %s (target >= 0.95); anchor lag p50 %.2f s, p99 %.2f s (%,.0f entries p99);"
              + " %d anchors (step p50 %.1f ms, p99 %.1f ms, Java CPU p50 %.1f ms), audit findings %d",
          anchorSeconds,
          medianOn,
          medianOff,
          ratio,
          paired,
          percentile(lagSeconds, 0.50),
          percentile(lagSeconds, 0.99),
          result.get("anchorLagEntriesP99").asDouble(),
          anchors,
          percentile(anchorMillis, 0.50),
          percentile(anchorMillis, 0.99),
          percentile(anchorCpuMillis, 0.50),
          audit.findings().size());
    } finally {
      deleteTree(dir);
    }
    Files.createDirectories(reportFile.toAbsolutePath().getParent());
    Files.writeString(reportFile, JSON.writeValueAsString(report) + "\n");
    System.out.println("JSON report: " + reportFile.toAbsolutePath());
  }

  /** Appends batches from {@code writers} threads for {@code d}; returns records per second. */
  private static double load(
      TransparencyLog log, int writers, int batch, Duration d, AtomicLong refs)
      throws InterruptedException {
    AtomicLong appended = new AtomicLong();
    long end = System.nanoTime() + d.toNanos();
    long start = System.nanoTime();
    List<Thread> threads = new ArrayList<>();
    for (int w = 0; w < writers; w++) {
      Thread t =
          new Thread(
              () -> {
                while (System.nanoTime() < end) {
                  List<Record> records = new ArrayList<>(batch);
                  for (int i = 0; i < batch; i++) {
                    records.add(record(refs.getAndIncrement()));
                  }
                  try {
                    appended.addAndGet(log.journal().appendAll(records).size());
                  } catch (Exception e) {
                    throw new IllegalStateException(e);
                  }
                }
              },
              "writer-" + w);
      t.start();
      threads.add(t);
    }
    for (Thread t : threads) {
      t.join();
    }
    return appended.get() / ((System.nanoTime() - start) / 1e9);
  }

  private static final String PAD = "x".repeat(160);

  private static Record record(long i) {
    ObjectNode payload = JSON.createObjectNode();
    payload.put("run", "run-" + (i % 1000)).put("metric", i * 0.5).put("pad", PAD);
    return Record.of(
        "bench",
        "bench.fact",
        "ref-" + i,
        Instant.parse("2025-01-01T00:00:00Z").plusMillis(i),
        List.of("model:m" + (i % 97)),
        payload);
  }

  private static double median(List<Double> v) {
    return percentile(v, 0.5);
  }

  private static double percentile(List<Double> v, double p) {
    if (v.isEmpty()) {
      return 0;
    }
    Double[] s = v.toArray(new Double[0]);
    Arrays.sort(s, Comparator.naturalOrder());
    return s[
        (int)
            Math.min(
                s.length - 1, Math.ceil(p * s.length) - 1 < 0 ? 0 : Math.ceil(p * s.length) - 1)];
  }

  private static double round(double v) {
    return Math.round(v);
  }

  private static double round2(double v) {
    return Math.round(v * 100) / 100.0;
  }

  private static Map<String, String> options(String[] args) {
    Map<String, String> o = new HashMap<>();
    for (String a : args) {
      if (!a.startsWith("--") || !a.contains("=")) {
        throw new IllegalArgumentException("arguments are --name=value, got '" + a + "'");
      }
      o.put(a.substring(2, a.indexOf('=')), a.substring(a.indexOf('=') + 1));
    }
    return o;
  }

  private static void say(String format, Object... args) {
    System.out.printf(format + "%n", args);
    System.out.flush();
  }

  private static void deleteTree(Path dir) throws IOException {
    try (Stream<Path> s = Files.walk(dir)) {
      for (Path p : s.sorted(Comparator.reverseOrder()).toList()) {
        Files.deleteIfExists(p);
      }
    }
  }
}
