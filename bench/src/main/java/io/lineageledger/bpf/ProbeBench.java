package io.lineageledger.bpf;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Probe overhead and event throughput, measured against a reference taken in the same run.
 *
 * <p>Overhead: each workload (bench_workload files / tcp, a C program so that the JVM does not blur
 * syscall costs) runs in rounds; each round runs it with no probes attached (the reference), then
 * attaches the probes and runs it untracked and tracked (MLFLOW_RUN_ID set); odd rounds run the
 * same in reverse order, so that a drifting machine load favours neither side. Ratios are per round
 * (total time / reference total time); the median round is reported with per-operation p50/p99.
 * Before the rounds, the programs' own cost per run is read from the kernel's run time accounting,
 * a figure that the load of a shared machine hardly moves.
 *
 * <p>Throughput: a tracked process forks children at paced rates (and flat out) for a fixed time;
 * every fork and exit is a ring buffer record delivered to Java. Reported: records/s delivered and
 * records lost, per rate.
 *
 * <p>Usage: ProbeBench --workload=PATH [--rounds=5] [--fileOps=1000000] [--tcpOps=200000]
 * [--sustainSeconds=30] [--rates=100,200,0] [--syntheticRates=100000,...]
 * [--only=overhead|throughput|costs] (costs: only the per-program ns/run, no timed rounds)
 */
public final class ProbeBench {
  private ProbeBench() {}

  record Run(long ops, long totalNs, long p50Ns, long p99Ns) {}

  public static void main(String[] argv) throws Exception {
    Map<String, String> a = new HashMap<>();
    for (String s : argv) {
      int eq = s.indexOf('=');
      if (!s.startsWith("--") || eq < 0) {
        throw new IllegalArgumentException("arguments are --name=value, not " + s);
      }
      a.put(s.substring(2, eq), s.substring(eq + 1));
    }
    Path workload =
        Path.of(a.getOrDefault("workload", "bpf-probes/target/native-tools/bench_workload"));
    int rounds = Integer.parseInt(a.getOrDefault("rounds", "5"));
    long fileOps = Long.parseLong(a.getOrDefault("fileOps", "1000000"));
    long tcpOps = Long.parseLong(a.getOrDefault("tcpOps", "200000"));
    int sustain = Integer.parseInt(a.getOrDefault("sustainSeconds", "30"));
    long[] rates =
        Arrays.stream(a.getOrDefault("rates", "100,200,0").split(","))
            .mapToLong(Long::parseLong)
            .toArray();
    String why = ProbeSession.preflight();
    if (why != null) {
      throw new IllegalStateException("the probes cannot run here: " + why);
    }
    Path dir = Files.createTempDirectory("probe-bench");
    System.out.printf(
        Locale.ROOT,
        "machine: %d CPUs, load average %s%n",
        Runtime.getRuntime().availableProcessors(),
        Files.readString(Path.of("/proc/loadavg")).trim());
    String only = a.getOrDefault("only", "all");
    List<String> files = List.of("files", dir.toString(), Long.toString(fileOps));
    List<String> tcp = List.of("tcp", Long.toString(tcpOps));
    if (only.equals("costs")) {
      costs("files", workload, files);
      costs("tcp", workload, tcp);
    }
    if (only.equals("all") || only.equals("overhead")) {
      overhead("files", rounds, workload, files);
      overhead("tcp", rounds, workload, tcp);
    }
    if (only.equals("all") || only.equals("throughput")) {
      throughput(workload, sustain, rates);
      long[] synthetic =
          Arrays.stream(
                  a.getOrDefault(
                          "syntheticRates",
                          "100000,150000,200000,250000,300000,500000,1000000,2000000")
                      .split(","))
              .mapToLong(Long::parseLong)
              .toArray();
      synthetic(sustain, synthetic);
    }
  }

  private static Run run(Path workload, List<String> args, boolean tracked)
      throws IOException, InterruptedException {
    List<String> cmd = new ArrayList<>();
    cmd.add(workload.toString());
    cmd.addAll(args);
    ProcessBuilder pb = new ProcessBuilder(cmd).redirectError(ProcessBuilder.Redirect.INHERIT);
    pb.environment().remove("MLFLOW_RUN_ID");
    pb.environment().remove("MLFLOW_EXPERIMENT_ID");
    if (tracked) {
      pb.environment().put("MLFLOW_RUN_ID", "bench");
    }
    Process p = pb.start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.US_ASCII).trim();
    if (p.waitFor() != 0) {
      throw new IllegalStateException("workload failed: " + cmd);
    }
    String[] f = out.split(" ");
    return new Run(
        Long.parseLong(f[0]), Long.parseLong(f[1]), Long.parseLong(f[2]), Long.parseLong(f[3]));
  }

  private static void overhead(String name, int rounds, Path workload, List<String> args)
      throws Exception {
    costs(name, workload, args);
    List<Run[]> results = new ArrayList<>();
    for (int r = 0; r < rounds; r++) {
      // interleaved and alternated (ABBA): drift of a shared machine's load hits both sides
      Run reference = null;
      Run untracked;
      Run tracked;
      if (r % 2 == 0) {
        reference = run(workload, args, false);
      }
      ProbeSession s = ProbeSession.open(ProbeOptions.defaults());
      try {
        s.startEvents(e -> {});
        if (r % 2 == 0) {
          untracked = run(workload, args, false);
          tracked = run(workload, args, true);
        } else {
          tracked = run(workload, args, true);
          untracked = run(workload, args, false);
        }
        s.stopEvents();
      } finally {
        s.close();
      }
      if (reference == null) {
        reference = run(workload, args, false);
      }
      results.add(new Run[] {reference, untracked, tracked});
    }
    double[] untrackedRatio =
        results.stream().mapToDouble(x -> (double) x[1].totalNs / x[0].totalNs).sorted().toArray();
    double[] trackedRatio =
        results.stream().mapToDouble(x -> (double) x[2].totalNs / x[0].totalNs).sorted().toArray();
    System.out.printf(
        Locale.ROOT,
        "%s: %d ops x %d rounds; ratio to no-probes reference (median [min..max]): untracked %.3f [%.3f..%.3f], tracked %.3f [%.3f..%.3f]%n",
        name,
        results.get(0)[0].ops,
        rounds,
        median(untrackedRatio),
        untrackedRatio[0],
        untrackedRatio[untrackedRatio.length - 1],
        median(trackedRatio),
        trackedRatio[0],
        trackedRatio[trackedRatio.length - 1]);
    String[] labels = {"no probes", "untracked", "tracked"};
    for (int i = 0; i < 3; i++) {
      int k = i;
      long[] p50 = results.stream().mapToLong(x -> x[k].p50Ns).sorted().toArray();
      long[] p99 = results.stream().mapToLong(x -> x[k].p99Ns).sorted().toArray();
      long[] total = results.stream().mapToLong(x -> x[k].totalNs).sorted().toArray();
      double[] p50Ratio =
          results.stream().mapToDouble(x -> (double) x[k].p50Ns / x[0].p50Ns).sorted().toArray();
      System.out.printf(
          Locale.ROOT,
          "  %-9s per op: p50 %d ns, p99 %d ns (medians over rounds; p50 ratio %.3f); total %.3f s%n",
          labels[i],
          p50[p50.length / 2],
          p99[p99.length / 2],
          median(p50Ratio),
          total[total.length / 2] / 1e9);
    }
  }

  /**
   * What the programs themselves cost, insensitive to the machine's load: the kernel's run time
   * accounting per program (ns per run) while the workload runs untracked, then tracked. Runs of
   * other processes on the machine are in the counts too (as untracked runs). bench_empty, an empty
   * program on sys_enter, shows what the accounting reports for doing nothing.
   */
  private static void costs(String name, Path workload, List<String> args) throws Exception {
    ProbeSession s = ProbeSession.open(ProbeOptions.defaults());
    try {
      s.enableProgramStats();
      s.attachEmptyProgram();
      s.startEvents(e -> {});
      Map<String, ProbeSession.ProgramStats> s0 = s.programStats();
      run(workload, args, false);
      Map<String, ProbeSession.ProgramStats> s1 = s.programStats();
      run(workload, args, true);
      Map<String, ProbeSession.ProgramStats> s2 = s.programStats();
      s.stopEvents();
      System.out.printf(
          Locale.ROOT,
          "%s: program cost (kernel run time stats), untracked | tracked run:%n",
          name);
      for (String prog : s2.keySet()) {
        ProbeSession.ProgramStats u = s1.get(prog).minus(s0.get(prog));
        ProbeSession.ProgramStats t = s2.get(prog).minus(s1.get(prog));
        if (u.runs() == 0 && t.runs() == 0) {
          continue;
        }
        System.out.printf(
            Locale.ROOT,
            "  %-14s %,11d runs %7.1f ns/run | %,11d runs %7.1f ns/run%n",
            prog,
            u.runs(),
            u.nsPerRun(),
            t.runs(),
            t.nsPerRun());
      }
    } finally {
      s.close();
    }
  }

  private static double median(double[] sorted) {
    int n = sorted.length;
    return n % 2 == 1 ? sorted[n / 2] : (sorted[n / 2 - 1] + sorted[n / 2]) / 2;
  }

  /**
   * Records/s the native poller hands to Java: a kernel program emits records through the real ring
   * buffer path at a paced rate (a burst every millisecond) while the poller drains them.
   */
  private static void synthetic(int seconds, long[] rates) {
    System.out.printf(
        Locale.ROOT,
        "ring buffer -> Java (synthetic 48-byte records from a BPF_PROG_RUN source, 1 MiB ring, %d s per rate):%n",
        seconds);
    long best = 0;
    for (long rate : rates) {
      AtomicLong delivered = new AtomicLong();
      ProbeSession s = ProbeSession.open(ProbeOptions.defaults());
      ProbeSession.Counters d;
      long elapsed;
      try {
        ProbeSession.Counters before = s.counters();
        s.startEvents(e -> delivered.incrementAndGet());
        long t0 = System.nanoTime();
        long emitted = 0;
        long end = t0 + seconds * 1_000_000_000L;
        for (long now = t0; now < end; now = System.nanoTime()) {
          long due = (now - t0) * rate / 1_000_000_000L;
          if (due > emitted) {
            int burst = (int) Math.min(due - emitted, 1_000_000);
            s.emitSynthetic(burst);
            emitted += burst;
          } else {
            java.util.concurrent.locks.LockSupport.parkNanos(200_000);
          }
        }
        elapsed = System.nanoTime() - t0;
        s.stopEvents();
        d = s.counters().minus(before);
      } finally {
        s.close();
      }
      double secs = elapsed / 1e9;
      System.out.printf(
          Locale.ROOT,
          "  target %,d/s: %,d emitted (%,.0f/s), %,d delivered to Java, %,d lost%n",
          rate,
          d.events(),
          d.events() / secs,
          s.eventsReceived(),
          d.ringDrops());
      if (d.ringDrops() == 0 && d.events() / secs >= 0.95 * rate) {
        best = Math.max(best, rate);
      }
    }
    System.out.printf(
        Locale.ROOT, "  highest rate held for %d s with zero lost: %,d records/s%n", seconds, best);
  }

  private static void throughput(Path workload, int seconds, long[] rates) throws Exception {
    System.out.printf(
        Locale.ROOT,
        "events into Java (tracked fork+exit, 2 records each, %d s per rate):%n",
        seconds);
    for (long rate : rates) {
      AtomicLong delivered = new AtomicLong();
      ProbeSession s = ProbeSession.open(ProbeOptions.defaults());
      ProbeSession.Counters before = s.counters();
      Run r;
      try {
        s.startEvents(e -> delivered.incrementAndGet());
        // fork+exit for the duration, paced at rate (0 = flat out)
        r = run(workload, List.of("fork", Integer.toString(seconds), Long.toString(rate)), true);
        s.stopEvents();
      } finally {
        ProbeSession.Counters after = s.counters();
        s.close();
        before = after.minus(before);
      }
      double secs = r.totalNs / 1e9;
      System.out.printf(
          Locale.ROOT,
          "  %-10s %d forks in %.1f s (%.0f/s achieved): %d records emitted, %d delivered to Java, %d lost; %.0f records/s delivered%n",
          rate == 0 ? "flat out" : rate + "/s",
          r.ops,
          secs,
          r.ops / secs,
          before.events(),
          s.eventsReceived(),
          before.ringDrops(),
          s.eventsReceived() / secs);
    }
  }
}
