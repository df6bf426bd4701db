package io.lineageledger.bpf;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * Turns the kernel's cumulative aggregates and lifecycle events into {@link EvidenceWindow}s. Each
 * window carries the deltas since the previous one; entries of processes that exited are reported
 * one last time and then removed from the kernel maps. Events arrive on the poller thread, windows
 * are cut on another: both go through this object's lock.
 */
final class EvidenceCollector {
  private static final String[] TCP_STATES = {
    "",
    "ESTABLISHED",
    "SYN_SENT",
    "SYN_RECV",
    "FIN_WAIT1",
    "FIN_WAIT2",
    "TIME_WAIT",
    "CLOSE",
    "CLOSE_WAIT",
    "LAST_ACK",
    "LISTEN",
    "CLOSING",
    "NEW_SYN_RECV"
  };
  private static final String[] REASONS = {"", "env", "command", "cgroup", "parent"};

  private final ProbeSession session;
  private final List<String> envNames;
  private final ContentDigests digests;
  private final Clock clock;
  private final String bootId;

  private final java.util.concurrent.ConcurrentLinkedQueue<ProbeEvent> pending =
      new java.util.concurrent.ConcurrentLinkedQueue<>();
  private final Map<ProcKey, Proc> procs = new HashMap<>();
  private final Set<ProcKey> activeInWindow = new HashSet<>();
  // Processes whose counts waited one window for their exec/fork event (see closeWindow).
  private Set<ProcKey> waited = new HashSet<>();
  private final Map<FileKey, FileCounts> lastFiles = new HashMap<>();
  private final Map<FlowKey, FlowCounts> lastFlows = new HashMap<>();
  private final Map<FileKey, String> paths = new HashMap<>();

  private record Inode(int dev, long ino) {}

  /** Resolved paths by inode: a process writing through an inherited fd never opened the file. */
  private final Map<Inode, Path> inodePaths =
      new LinkedHashMap<>(16, 0.75f, true) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<Inode, Path> e) {
          return size() > 65536;
        }
      };

  private ProbeSession.Counters lastCounters = new ProbeSession.Counters(0, 0, 0);
  private Instant windowStart;

  /** What user space knows about a tracked process, from its events. */
  private static final class Proc {
    ProcKey key;
    Integer ppid;
    ProcKey parent;
    String comm;
    String executable;
    List<String> args;
    final Map<String, String> env = new TreeMap<>();
    String reason;
    Path cwd;
    Integer exitStatus;
    Long durationNs;
    boolean exited;
  }

  /** Events arrive from the poller thread; windows are cut by one thread at a time. */
  EvidenceCollector(
      ProbeSession session, List<String> envNames, ContentDigests digests, Clock clock) {
    this.session = session;
    this.envNames = List.copyOf(envNames);
    this.digests = digests;
    this.clock = clock;
    this.bootId = bootId();
    this.windowStart = clock.instant();
  }

  private static String bootId() {
    try {
      return Files.readString(Path.of("/proc/sys/kernel/random/boot_id")).trim();
    } catch (IOException e) {
      return "unknown-boot";
    }
  }

  /**
   * Queues a lifecycle event (poller thread). Applying it waits for the next window cut, so that
   * the poller never waits for a cut (digests of large files take time) and the ring buffer keeps
   * draining meanwhile.
   */
  void onEvent(ProbeEvent e) {
    pending.add(e);
  }

  private void apply(ProbeEvent e) {
    if (e instanceof ProbeEvent.Exec x) {
      Proc p = procs.computeIfAbsent(x.proc(), k -> new Proc());
      p.key = x.proc();
      p.ppid = x.ppid();
      p.comm = x.comm();
      p.executable = x.filename();
      p.args = x.args();
      p.reason = x.reason() < REASONS.length ? REASONS[x.reason()] : "unknown";
      for (int j = 0; j < envNames.size() && j < x.envValues().size(); j++) {
        if (!x.envValues().get(j).isEmpty()) {
          p.env.put(envNames.get(j), x.envValues().get(j));
        }
      }
      if (p.parent == null) {
        // exec of a process user space never saw fork: its parent, if tracked, by pid
        for (Proc q : procs.values()) {
          if (q.key != null && q.key.tgid() == x.ppid() && !q.exited && q != p) {
            p.parent = q.key;
          }
        }
      }
      p.cwd = x.cwd() != null ? Path.of(x.cwd()) : readCwd(x.proc().tgid());
      activeInWindow.add(x.proc());
    } else if (e instanceof ProbeEvent.Fork f) {
      Proc p = procs.computeIfAbsent(f.proc(), k -> new Proc());
      p.key = f.proc();
      p.parent = f.parent();
      p.ppid = f.parent().tgid();
      p.reason = "parent";
      Proc parent = procs.get(f.parent());
      if (parent != null) {
        p.comm = parent.comm;
        p.executable = parent.executable;
        p.args = parent.args;
        p.cwd = parent.cwd;
      }
      activeInWindow.add(f.proc());
    } else if (e instanceof ProbeEvent.Exit x) {
      Proc p = procs.computeIfAbsent(x.proc(), k -> new Proc());
      p.key = x.proc();
      p.exitStatus = x.exitStatus();
      p.durationNs = x.durationNs();
      p.exited = true;
      activeInWindow.add(x.proc());
    }
  }

  private static Path readCwd(int tgid) {
    try {
      return Files.readSymbolicLink(Path.of("/proc/" + tgid + "/cwd"));
    } catch (IOException | UnsupportedOperationException e) {
      return null; // already gone: relative paths of this process stay unresolved
    }
  }

  /** The tracking variables in force for p: its own, then its ancestors'. */
  private Map<String, String> effectiveEnv(Proc p) {
    Map<String, String> env = new TreeMap<>();
    Set<ProcKey> seen = new HashSet<>();
    for (Proc q = p;
        q != null && seen.add(q.key);
        q = q.parent == null ? null : procs.get(q.parent)) {
      q.env.forEach(env::putIfAbsent);
    }
    return env;
  }

  /** Cuts the window that ends now. */
  synchronized EvidenceWindow closeWindow() {
    for (ProbeEvent e; (e = pending.poll()) != null; ) {
      apply(e);
    }
    Instant end = clock.instant();
    ProbeSession.Counters counters = session.counters();
    Map<ProcKey, List<FileEvidence>> files = new LinkedHashMap<>();
    Map<ProcKey, List<FlowEvidence>> flows = new LinkedHashMap<>();
    List<byte[]> deadFiles = new ArrayList<>();
    List<byte[]> deadFlows = new ArrayList<>();
    List<ProbeSession.Entry<FileKey, FileCounts>> fileEntries = session.files();
    for (ProbeSession.Entry<FileKey, FileCounts> e : fileEntries) {
      FileKey k = e.key();
      if (!e.value().path().isEmpty()) {
        paths.putIfAbsent(k, e.value().path());
        Path resolved = resolve(k);
        if (resolved != null) {
          inodePaths.put(new Inode(k.dev(), k.ino()), resolved);
        }
      }
    }
    // Counts of a process whose exec/fork event is still on its way from the ring buffer (the
    // poller lags under load) would be reported without the process's identity and tracking
    // environment, i.e. without its run id: they wait one window for the event. A process still
    // unknown after that (its event was lost, which eventsLost counts) is reported as it is.
    Set<ProcKey> waiting = new HashSet<>();
    for (ProbeSession.Entry<FileKey, FileCounts> e : fileEntries) {
      FileKey k = e.key();
      if (mustWait(k.proc(), waiting)) {
        continue;
      }
      FileCounts delta = e.value().minus(lastFiles.put(k, e.value()));
      if (!delta.isZero()) {
        files.computeIfAbsent(k.proc(), x -> new ArrayList<>()).add(fileEvidence(k, delta));
      }
      if (exited(k.proc())) {
        deadFiles.add(e.raw());
      }
    }
    for (ProbeSession.Entry<FlowKey, FlowCounts> e : session.flows()) {
      FlowKey k = e.key();
      if (mustWait(k.proc(), waiting)) {
        continue;
      }
      FlowCounts before = lastFlows.put(k, e.value());
      if (!e.value().isZero(before)) {
        flows
            .computeIfAbsent(k.proc(), x -> new ArrayList<>())
            .add(flowEvidence(k, e.value().minus(before)));
      }
      if (exited(k.proc())) {
        deadFlows.add(e.raw());
      }
    }
    waited = waiting;
    Set<ProcKey> reported = new java.util.LinkedHashSet<>(activeInWindow);
    reported.addAll(files.keySet());
    reported.addAll(flows.keySet());
    List<ProcessEvidence> out = new ArrayList<>();
    for (ProcKey k : reported) {
      Proc p = procs.get(k);
      out.add(
          new ProcessEvidence(
              k,
              p == null ? null : p.ppid,
              p == null ? null : p.parent,
              p == null ? null : p.comm,
              p == null ? null : p.executable,
              p == null ? null : p.args,
              p == null ? Map.of() : effectiveEnv(p),
              p == null ? null : p.reason,
              p == null ? null : p.exitStatus,
              p == null ? null : p.durationNs,
              files.getOrDefault(k, List.of()),
              flows.getOrDefault(k, List.of())));
    }
    ProbeSession.Counters d = counters.minus(lastCounters);
    EvidenceWindow w =
        new EvidenceWindow(
            bootId + "/" + windowStart.toEpochMilli(),
            windowStart,
            end,
            d.events(),
            d.ringDrops(),
            d.mapDrops(),
            out);
    // Exited processes were reported with their final counts: free their kernel entries.
    for (byte[] raw : deadFiles) {
      session.deleteFile(raw);
      lastFiles.remove(Codecs.fileKey(Codecs.le(java.nio.ByteBuffer.wrap(raw)), 0));
    }
    for (byte[] raw : deadFlows) {
      session.deleteFlow(raw);
      lastFlows.remove(Codecs.flowKey(Codecs.le(java.nio.ByteBuffer.wrap(raw)), 0));
    }
    procs.values().removeIf(p -> p.exited && !hasLiveChild(p));
    paths.keySet().removeIf(k -> !procs.containsKey(k.proc()));
    activeInWindow.clear();
    lastCounters = counters;
    windowStart = end;
    return w;
  }

  /**
   * The working directory read from /proc when the exec event arrived; a process gone by then
   * (short-lived) takes its nearest ancestor's, which holds unless it changed directory.
   */
  private Path cwd(Proc p) {
    Set<ProcKey> seen = new HashSet<>();
    for (Proc q = p;
        q != null && seen.add(q.key);
        q = q.parent == null ? null : procs.get(q.parent)) {
      if (q.cwd != null) {
        return q.cwd;
      }
    }
    return null;
  }

  private boolean hasLiveChild(Proc p) {
    for (Proc q : procs.values()) {
      if (p.key != null && p.key.equals(q.parent) && !q.exited) {
        return true;
      }
    }
    return false;
  }

  private boolean mustWait(ProcKey k, Set<ProcKey> waiting) {
    if (procs.containsKey(k) || waited.contains(k)) {
      return false;
    }
    waiting.add(k);
    return true;
  }

  private boolean exited(ProcKey k) {
    Proc p = procs.get(k);
    return p != null && p.exited;
  }

  /** The path k's process opened, made absolute with its working directory; null if unknown. */
  private Path resolve(FileKey k) {
    String opened = paths.get(k);
    if (opened == null) {
      return null;
    }
    Path p = Path.of(opened);
    if (p.isAbsolute()) {
      return p.normalize();
    }
    Path cwd = cwd(procs.get(k.proc()));
    return cwd == null ? null : cwd.resolve(p).normalize();
  }

  private FileEvidence fileEvidence(FileKey k, FileCounts d) {
    String opened = paths.get(k);
    Path resolved = resolve(k);
    if (resolved == null) {
      resolved = inodePaths.get(new Inode(k.dev(), k.ino()));
    }
    ContentDigests.Result digest = digests.digest(resolved, k.statDev(), k.ino());
    return new FileEvidence(
        resolved != null ? resolved.toString() : opened,
        k.statDev(),
        k.ino(),
        d.bytesRead(),
        d.bytesWritten(),
        d.reads(),
        d.writes(),
        d.opens(),
        d.mmaps(),
        d.openFlags(),
        digest.sha256(),
        digest.note());
  }

  private static FlowEvidence flowEvidence(FlowKey k, FlowCounts d) {
    List<String> states = new ArrayList<>();
    for (int s = 1; s < TCP_STATES.length; s++) {
      if ((d.statesSeen() & (1 << s)) != 0) {
        states.add(TCP_STATES[s]);
      }
    }
    return new FlowEvidence(
        k.family() == FlowKey.AF_INET ? "ipv4" : "ipv6",
        k.source(),
        k.sport(),
        k.destination(),
        k.dport(),
        d.bytesSent(),
        d.bytesReceived(),
        d.sends(),
        d.receives(),
        states);
  }
}
