package io.lineageledger.bpf;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeSet;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Probe overhead and event throughput, measured against a reference taken in the same run.
 *
 * <p>Overhead: the workloads (bench_workload null / files / tcp, a C program so that the JVM does
 * not blur syscall costs, pinned to one CPU) run in rounds; each round runs them with no probes
 * attached (the reference), with only an empty program on tp_btf/sys_exit (the floor: what any
 * syscall tracepoint costs before the program does anything), with only an empty raw_tp/sys_exit
 * program (the same floor by another attach type), and with the service's probes, untracked and
 * tracked (MLFLOW_RUN_ID set). The order rotates and reverses from round to round so that a
 * drifting machine load favours no mode. Ratios are per round (wall time and per-operation p50,
 * against the round's reference); medians over rounds are reported with [min..max]. Before the
 * rounds, the programs' own cost per run is read from the kernel's run time accounting, a figure
 * that the load of a shared machine hardly moves.
 *
 * <p>Throughput: a tracked process forks children at paced rates (and flat out) for a fixed time;
 * every fork and exit is a ring buffer record delivered to Java. Reported: records/s delivered and
 * records lost, per rate.
 *
 * <p>Usage: ProbeBench --workload=PATH [--rounds=11] [--fileOps=500000] [--tcpOps=100000]
 * [--nullOps=5000000] [--cpu=N (default the last CPU; -1 = not pinned)] [--sustainSeconds=30]
 * [--rates=100,200,0] [--syntheticRates=100000,...] [--only=overhead|throughput|costs] (costs: only
 * the per-program ns/run, no timed rounds)
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
    int rounds = Integer.parseInt(a.getOrDefault("rounds", "11"));
    long fileOps = Long.parseLong(a.getOrDefault("fileOps", "500000"));
    long tcpOps = Long.parseLong(a.getOrDefault("tcpOps", "100000"));
    long nullOps = Long.parseLong(a.getOrDefault("nullOps", "5000000"));
    // the last CPU by default: one CPU for the whole run, no migrations between runs
    int cpu =
        Integer.parseInt(
            a.getOrDefault(
                "cpu", Integer.toString(Runtime.getRuntime().availableProcessors() - 1)));
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
      List<Workload> workloads =
          List.of(
              new Workload("null", List.of("null", Long.toString(nullOps))),
              new Workload("files", files),
              new Workload("tcp", tcp));
      overhead(rounds, workload, workloads, cpu);
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

  /** A workload: its name and its bench_workload arguments. */
  record Workload(String name, List<String> args) {}

  /** What is attached while a round's runs of one mode execute. */
  enum Config {
    NONE,
    EMPTY_TP_BTF,
    EMPTY_RAW_TP,
    PROBES
  }

  /** A measured mode: the attached configuration and whether the workload runs tracked. */
  enum Mode {
    NONE("no probes", Config.NONE, false),
    EMPTY("empty tp_btf/sys_exit (floor)", Config.EMPTY_TP_BTF, false),
    EMPTY_RAW("empty raw_tp/sys_exit", Config.EMPTY_RAW_TP, false),
    UNTRACKED("probes, untracked", Config.PROBES, false),
    TRACKED("probes, tracked", Config.PROBES, true);

    final String label;
    final Config config;
    final boolean tracked;

    Mode(String label, Config config, boolean tracked) {
      this.label = label;
      this.config = config;
      this.tracked = tracked;
    }
  }

  private static Run run(Path workload, List<String> args, boolean tracked)
      throws IOException, InterruptedException {
    return run(workload, args, tracked, -1);
  }

  /** Runs the workload once, pinned to {@code cpu} with taskset unless cpu is negative. */
  private static Run run(Path workload, List<String> args, boolean tracked, int cpu)
      throws IOException, InterruptedException {
    List<String> cmd = new ArrayList<>();
    if (cpu >= 0) {
      cmd.addAll(List.of("taskset", "-c", Integer.toString(cpu)));
    }
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

  private static ProbeSession attach(Config c) {
    return switch (c) {
      case NONE -> null;
      case EMPTY_TP_BTF -> ProbeSession.openBenchOnly(List.of("bench_empty"));
      case EMPTY_RAW_TP -> ProbeSession.openBenchOnly(List.of("bench_empty_raw"));
      case PROBES -> {
        ProbeSession s = ProbeSession.open(ProbeOptions.defaults());
        s.startEvents(e -> {});
        yield s;
      }
    };
  }

  /**
   * BPF links on the machine that this benchmark did not make (another tool's or another test's
   * probes): a syscall tracepoint attached by anyone slows every process's syscalls, the reference
   * included. Empty when bpftool is not there to ask.
   */
  private static List<String> foreignLinks() {
    try {
      Process p =
          new ProcessBuilder(List.of("bpftool", "link", "show")).redirectErrorStream(true).start();
      String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
      p.waitFor();
      List<String> links = new ArrayList<>();
      for (String line : out.split("\n")) {
        if (!line.isEmpty() && Character.isDigit(line.charAt(0))) {
          links.add(line.trim());
        }
      }
      return links;
    } catch (IOException e) {
      return List.of();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return List.of();
    }
  }

  /**
   * All workloads in rounds; each round attaches each configuration in turn (no probes, an empty
   * tp_btf/sys_exit program alone, an empty raw_tp/sys_exit program alone, the service's probes)
   * and runs every workload under it, pinned to one CPU. The order of the configurations rotates
   * each round and reverses every other round (the probes' untracked/tracked order too), so that a
   * drifting machine load favours no mode. Ratios are per round, against that round's no-probes
   * run: wall time and per-operation p50.
   */
  private static void overhead(int rounds, Path workload, List<Workload> workloads, int cpu)
      throws Exception {
    for (Workload w : workloads) {
      if (!w.name.equals("null")) {
        costs(w.name, workload, w.args);
      }
    }
    Map<String, List<Map<Mode, Run>>> results = new LinkedHashMap<>();
    for (Workload w : workloads) {
      results.put(w.name, new ArrayList<>());
    }
    List<Config> configs = List.of(Config.values());
    int contaminated = 0;
    for (int r = 0; r < rounds; r++) {
      List<Config> order = new ArrayList<>(configs);
      Collections.rotate(order, r);
      if (r % 2 == 1) {
        Collections.reverse(order);
      }
      Map<String, Map<Mode, Run>> round = new LinkedHashMap<>();
      for (Workload w : workloads) {
        round.put(w.name, new EnumMap<>(Mode.class));
      }
      List<String> foreign = new ArrayList<>();
      for (Config c : order) {
        foreign.addAll(foreignLinks()); // before ours attach: every link there is another's
        ProbeSession s = attach(c);
        try {
          for (Workload w : workloads) {
            List<Mode> modes = new ArrayList<>();
            for (Mode m : Mode.values()) {
              if (m.config == c) {
                modes.add(m);
              }
            }
            if (r % 2 == 1) {
              Collections.reverse(modes);
            }
            for (Mode m : modes) {
              round.get(w.name).put(m, run(workload, w.args, m.tracked, cpu));
            }
          }
        } finally {
          if (s != null) {
            s.stopEvents();
            s.close();
          }
        }
      }
      foreign.addAll(foreignLinks());
      if (!foreign.isEmpty()) {
        // another tool's syscall tracepoint slows the reference too: the round measures nothing
        contaminated++;
        System.out.printf(
            Locale.ROOT,
            "  round %d left out: BPF links not ours were attached: %s%n",
            r,
            new TreeSet<>(foreign));
        continue;
      }
      for (Workload w : workloads) {
        results.get(w.name).add(round.get(w.name));
      }
    }
    if (results.get(workloads.get(0).name).isEmpty()) {
      throw new IllegalStateException(
          "every round ran while another tool's BPF links were attached: no clean round");
    }
    System.out.printf(
        Locale.ROOT,
        "overhead: %d rounds (%d left out: BPF links not ours were attached), workload pinned to %s; load average now %s%n",
        rounds,
        contaminated,
        cpu < 0 ? "no CPU" : "CPU " + cpu,
        Files.readString(Path.of("/proc/loadavg")).trim());
    for (Workload w : workloads) {
      report(w.name, results.get(w.name));
    }
  }

  private static void report(String name, List<Map<Mode, Run>> rounds) {
    System.out.printf(
        Locale.ROOT,
        "%s: %,d ops x %d rounds; ratios to the no-probes run of the same round, median [min..max]:%n",
        name,
        rounds.get(0).get(Mode.NONE).ops,
        rounds.size());
    for (Mode m : Mode.values()) {
      long[] p50 = rounds.stream().mapToLong(x -> x.get(m).p50Ns).sorted().toArray();
      long[] p99 = rounds.stream().mapToLong(x -> x.get(m).p99Ns).sorted().toArray();
      long[] total = rounds.stream().mapToLong(x -> x.get(m).totalNs).sorted().toArray();
      double[] wall =
          rounds.stream()
              .mapToDouble(x -> (double) x.get(m).totalNs / x.get(Mode.NONE).totalNs)
              .sorted()
              .toArray();
      double[] p50Ratio =
          rounds.stream()
              .mapToDouble(x -> (double) x.get(m).p50Ns / x.get(Mode.NONE).p50Ns)
              .sorted()
              .toArray();
      long[] p50Delta =
          rounds.stream()
              .mapToLong(x -> x.get(m).p50Ns - x.get(Mode.NONE).p50Ns)
              .sorted()
              .toArray();
      System.out.printf(
          Locale.ROOT,
          "  %-30s wall %.3f [%.3f..%.3f]  p50 %.3f [%.3f..%.3f] (%+d ns/op)  per op p50 %,d ns, p99 %,d ns, total %.3f s%n",
          m.label,
          median(wall),
          wall[0],
          wall[wall.length - 1],
          median(p50Ratio),
          p50Ratio[0],
          p50Ratio[p50Ratio.length - 1],
          p50Delta[p50Delta.length / 2],
          p50[p50.length / 2],
          p99[p99.length / 2],
          total[total.length / 2] / 1e9);
    }
  }

  /**
   * What the programs themselves cost, insensitive to the machine's load: the kernel's run time
   * accounting per program (ns per run) while the workload runs untracked, then tracked. Runs of
   * other processes on the machine are in the counts too (as untracked runs). bench_empty and
   * bench_empty_raw, empty programs on tp_btf/sys_exit and raw_tp/sys_exit next to on_sys_exit,
   * show what the accounting reports for doing nothing (its own clock reads).
   */
  private static void costs(String name, Path workload, List<String> args) throws Exception {
    ProbeSession s = ProbeSession.open(ProbeOptions.defaults());
    try {
      s.enableProgramStats();
      s.attachEmptyProgram();
      s.attachProgram("bench_empty_raw");
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
