package io.lineageledger.ledger.journal;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * CPU time spent by this JVM and by the PostgreSQL server (postmaster and every backend and
 * background process it forked), read from /proc. On 2 cores shared by both, a phase's wall time
 * says little on its own; the split says whether the database or the JVM is the limit.
 */
final class CpuMeter {
  /** A reading; differences of two readings give a phase's CPU. */
  record Reading(
      long wallNanos, long jvmNanos, long postgresNanos, Map<String, Long> jvmThreadNanos) {
    ObjectNode since(Reading start, ObjectNode out) {
      double wall = (wallNanos - start.wallNanos) / 1e9;
      double jvm = (jvmNanos - start.jvmNanos) / 1e9;
      double pg = (postgresNanos - start.postgresNanos) / 1e9;
      out.put("wallSeconds", Stats.round(wall, 3));
      out.put("jvmCpuSeconds", Stats.round(jvm, 3));
      out.put("postgresCpuSeconds", Stats.round(pg, 3));
      out.put("coresBusy", Stats.round((jvm + pg) / wall, 2));
      ObjectNode threads = out.putObject("jvmCpuSecondsByThreadGroup");
      jvmThreadNanos.entrySet().stream()
          .map(
              e ->
                  Map.entry(
                      e.getKey(), e.getValue() - start.jvmThreadNanos.getOrDefault(e.getKey(), 0L)))
          .filter(e -> e.getValue() >= 10_000_000L)
          .sorted(Map.Entry.<String, Long>comparingByValue().reversed())
          .forEach(e -> threads.put(e.getKey(), Stats.round(e.getValue() / 1e9, 2)));
      return out;
    }
  }

  // USER_HZ is 100 on every Linux the bench runs on (sysconf(_SC_CLK_TCK)).
  private static final long NANOS_PER_TICK = 10_000_000L;

  private final long postmaster;

  private CpuMeter(long postmaster) {
    this.postmaster = postmaster;
  }

  /** Meters the server whose data directory is {@code dataDir/postgres}. */
  static CpuMeter of(Path dataDir) throws IOException {
    List<String> lines = Files.readAllLines(dataDir.resolve("postgres").resolve("postmaster.pid"));
    return new CpuMeter(Long.parseLong(lines.get(0).trim()));
  }

  Reading read() {
    long jvm =
        ((com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean())
            .getProcessCpuTime();
    // Backends that exited during the phase are not counted: the bench's connections live for
    // the whole run, so only short-lived autovacuum workers could be missed, and those are
    // reported separately by the autovacuum counters.
    long ticks = 0;
    try (DirectoryStream<Path> procs = Files.newDirectoryStream(Paths.get("/proc"), "[0-9]*")) {
      for (Path p : procs) {
        long[] stat = stat(p);
        if (stat != null && (stat[0] == postmaster || stat[1] == postmaster)) {
          ticks += stat[2];
        }
      }
    } catch (IOException e) {
      throw new IllegalStateException("cannot list /proc", e);
    }
    return new Reading(System.nanoTime(), jvm, ticks * NANOS_PER_TICK, jvmThreads());
  }

  /**
   * CPU per group of this JVM's threads (the kernel's thread names with digits dropped, so "GC
   * Thread#0" and "GC Thread#1" are one group): the JIT compilers and the collector do not show up
   * in a Java profiler's samples, and on 2 cores they compete with the writers.
   */
  private static Map<String, Long> jvmThreads() {
    Map<String, Long> groups = new TreeMap<>();
    try (DirectoryStream<Path> tasks = Files.newDirectoryStream(Paths.get("/proc/self/task"))) {
      for (Path t : tasks) {
        long[] stat = stat(t);
        if (stat == null) {
          continue;
        }
        String name;
        try {
          name = Files.readString(t.resolve("comm")).trim().replaceAll("[0-9]+", "#");
        } catch (IOException e) {
          continue;
        }
        groups.merge(name, stat[2] * NANOS_PER_TICK, Long::sum);
      }
    } catch (IOException e) {
      throw new IllegalStateException("cannot list /proc/self/task", e);
    }
    return groups;
  }

  /** {pid, ppid, utime + stime}, or null if the process is gone. */
  private static long[] stat(Path proc) {
    String s;
    try {
      s = Files.readString(proc.resolve("stat"));
    } catch (IOException e) {
      return null;
    }
    // The command name may hold spaces and parentheses; the fields after its last ')' do not.
    String[] f = s.substring(s.lastIndexOf(')') + 2).split(" ");
    long pid = Long.parseLong(s.substring(0, s.indexOf(' ')));
    return new long[] {pid, Long.parseLong(f[1]), Long.parseLong(f[11]) + Long.parseLong(f[12])};
  }
}
