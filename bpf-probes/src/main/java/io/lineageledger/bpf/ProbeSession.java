package io.lineageledger.bpf;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;

/**
 * The loaded and attached probes of one BPF object. Opening checks every Java codec against the
 * object's BTF before anything loads, then loads, configures the filters and attaches. Closing
 * detaches every program. Not thread-safe except where noted.
 */
final class ProbeSession implements AutoCloseable {
  private static final int BATCH_BYTES = 1 << 20;

  private final long handle;
  private final AtomicLong received = new AtomicLong();
  private ByteBuffer dumpBuffer;
  private boolean polling;
  private boolean closed;

  record Entry<K, V>(K key, V value, byte[] raw) {}

  record Counters(long events, long ringDrops, long mapDrops) {
    Counters minus(Counters o) {
      return new Counters(events - o.events, ringDrops - o.ringDrops, mapDrops - o.mapDrops);
    }
  }

  private ProbeSession(long handle) {
    this.handle = handle;
  }

  static ProbeSession open(ProbeOptions options) {
    return open(options, Codecs.ALL);
  }

  /**
   * @throws ProbesUnavailableException when this machine or build cannot run the probes
   * @throws LayoutMismatchException when a codec disagrees with the object's BTF
   */
  static ProbeSession open(ProbeOptions options, List<StructLayout> codecs) {
    ProbeSession s = openObject();
    long h = s.handle;
    try {
      List<byte[]> prefixDirs = prefixDirs(options.pathPrefixes());
      for (StructLayout codec : codecs) {
        String btf = NativeBridge.layout(h, codec.name());
        if (btf == null) {
          throw new LayoutMismatchException(
              "struct " + codec.name() + " of " + NativeBridge.OBJECT + ": not in its BTF");
        }
        codec.checkAgainst(StructLayout.parse(codec.name(), btf), NativeBridge.OBJECT);
      }
      try {
        NativeBridge.load(h, options.ringBufferBytes());
      } catch (IllegalStateException e) {
        throw new ProbesUnavailableException("the kernel refused the probes: " + e.getMessage(), e);
      }
      byte[] zero = new byte[4];
      NativeBridge.update(
          h,
          "ln_config_map",
          zero,
          Codecs.config(
              options.envNames(), options.pathPrefixes().size(), options.serverPorts().size()));
      for (byte[] dir : prefixDirs) {
        NativeBridge.update(h, "prefixes", dir, new byte[] {1});
      }
      for (int port : options.serverPorts()) {
        NativeBridge.update(
            h,
            "ports",
            Codecs.le(ByteBuffer.allocate(2)).putShort(0, (short) port).array(),
            new byte[] {1});
      }
      for (String c : options.commands()) {
        NativeBridge.update(h, "comms", Codecs.comm(c), new byte[] {1});
      }
      for (long cg : options.cgroupIds()) {
        NativeBridge.update(
            h, "cgroups", Codecs.le(ByteBuffer.allocate(8)).putLong(0, cg).array(), new byte[] {1});
      }
      try {
        NativeBridge.attach(h);
      } catch (IllegalStateException e) {
        throw new ProbesUnavailableException("the kernel refused to attach: " + e.getMessage(), e);
      }
      return s;
    } catch (RuntimeException e) {
      s.close();
      throw e;
    }
  }

  /** Checks this machine, extracts the compiled object and opens it (not loaded yet). */
  private static ProbeSession openObject() {
    String why = preflight();
    if (why != null) {
      throw new ProbesUnavailableException(why);
    }
    Path object = NativeBridge.extract();
    try {
      return new ProbeSession(NativeBridge.open(object.toString()));
    } catch (IllegalStateException e) {
      throw new ProbesUnavailableException(e.getMessage(), e);
    }
  }

  /**
   * Loads the object but attaches only the named benchmark programs (bench_*), none of the
   * service's: the overhead benchmark's floor, a hook with nothing but an empty program on it.
   * Benchmark use only.
   *
   * @throws ProbesUnavailableException when this machine or build cannot run the probes
   */
  static ProbeSession openBenchOnly(List<String> programs) {
    for (String p : programs) {
      if (!p.startsWith("bench_")) {
        throw new IllegalArgumentException("only bench_* programs attach alone, not " + p);
      }
    }
    ProbeSession s = openObject();
    try {
      NativeBridge.load(s.handle, ProbeOptions.defaults().ringBufferBytes());
      for (String p : programs) {
        s.attachProgram(p);
      }
      return s;
    } catch (RuntimeException e) {
      s.close();
      throw e;
    }
  }

  /**
   * The prefix directories as the kernel identifies them (dev/ino now, at attach).
   *
   * @throws ProbesUnavailableException when a prefix is not an existing directory: filtering on it
   *     would silently drop every file, so evidence stays off and says why
   */
  private static List<byte[]> prefixDirs(List<Path> prefixes) {
    List<byte[]> out = new ArrayList<>();
    for (Path p : prefixes) {
      try {
        if (!Files.isDirectory(p)) {
          throw new ProbesUnavailableException(
              "path prefix " + p + " is not an existing directory: prefixes must be directories");
        }
        Map<String, Object> a = Files.readAttributes(p, "unix:dev,ino");
        out.add(
            Codecs.dirKey(
                ((Number) a.get("ino")).longValue(), ((Number) a.get("dev")).longValue()));
      } catch (IOException e) {
        throw new ProbesUnavailableException("cannot stat path prefix " + p + ": " + e, e);
      }
    }
    return out;
  }

  /** Why this process cannot run the probes, or null when it may try. */
  static String preflight() {
    if (!System.getProperty("os.name", "").toLowerCase().contains("linux")) {
      return "runtime evidence needs Linux, this is " + System.getProperty("os.name");
    }
    if (!Files.isReadable(Path.of("/sys/kernel/btf/vmlinux"))) {
      return "the kernel exposes no BTF (/sys/kernel/btf/vmlinux): CO-RE programs cannot load";
    }
    try {
      for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
        if (line.startsWith("CapEff:")) {
          long caps = Long.parseUnsignedLong(line.substring(7).trim(), 16);
          // CAP_SYS_ADMIN (21), or CAP_BPF (39) with CAP_PERFMON (38)
          boolean ok =
              (caps & (1L << 21)) != 0 || ((caps & (1L << 39)) != 0 && (caps & (1L << 38)) != 0);
          return ok
              ? null
              : "not privileged: loading BPF programs needs root (CAP_BPF and CAP_PERFMON)";
        }
      }
    } catch (IOException e) {
      return "cannot read /proc/self/status: " + e.getMessage();
    }
    return "cannot tell this process's capabilities from /proc/self/status";
  }

  /**
   * Starts the native poller thread: ring buffer records reach {@code sink} on that thread, in
   * batches decoded here. Unknown record types are skipped.
   */
  void startEvents(Consumer<ProbeEvent> sink) {
    ByteBuffer batch = Codecs.le(ByteBuffer.allocateDirect(BATCH_BYTES));
    NativeBridge.startPolling(
        handle,
        batch,
        bytes -> {
          int pos = 0;
          while (pos + 4 <= bytes) {
            int len = batch.getInt(pos);
            ProbeEvent e = Codecs.event(batch, pos + 4, len);
            received.incrementAndGet();
            if (e != null) {
              sink.accept(e);
            }
            pos += 4 + ((len + 7) & ~7);
          }
        });
    polling = true;
  }

  /** Stops the poller after handing over every record still in the ring buffer. */
  void stopEvents() {
    if (polling) {
      NativeBridge.stopPolling(handle);
      polling = false;
    }
  }

  /** Ring buffer records handed to Java so far (safe from any thread). */
  long eventsReceived() {
    return received.get();
  }

  /**
   * Emits {@code count} synthetic records (fork type, tgid 0) through the kernel's ring buffer
   * reservation path: the throughput benchmark's source.
   */
  void emitSynthetic(int count) {
    NativeBridge.runProgram(handle, "bench_emit", count);
  }

  /** Runs and run time of one program, as the kernel accounts them. */
  record ProgramStats(long runs, long runTimeNs) {
    ProgramStats minus(ProgramStats o) {
      return new ProgramStats(runs - o.runs, runTimeNs - o.runTimeNs);
    }

    /** Mean cost of one run in ns, or 0 when it did not run. */
    double nsPerRun() {
      return runs == 0 ? 0 : (double) runTimeNs / runs;
    }
  }

  /**
   * Turns on the kernel's per-program run time accounting for as long as this session is open. It
   * adds two clock reads to every program run: measure wall-time overhead without it.
   */
  void enableProgramStats() {
    NativeBridge.enableStats(handle);
  }

  /**
   * Attaches bench_empty, an empty sys_exit program: its ns/run is the floor the run time
   * accounting itself reports. Benchmark use only.
   */
  void attachEmptyProgram() {
    attachProgram("bench_empty");
  }

  /** Attaches one benchmark program (bench_*) that {@link #open} leaves out. */
  void attachProgram(String program) {
    NativeBridge.attachProgram(handle, program);
  }

  /** Per program (by name): runs and run time so far; zeros unless stats are enabled. */
  Map<String, ProgramStats> programStats() {
    Map<String, ProgramStats> out = new LinkedHashMap<>();
    for (String line : NativeBridge.programStats(handle).split("\n")) {
      if (line.isBlank()) {
        continue;
      }
      String[] f = line.split(" ");
      out.put(f[0], new ProgramStats(Long.parseLong(f[1]), Long.parseLong(f[2])));
    }
    return out;
  }

  Counters counters() {
    long[] c = NativeBridge.counters(handle);
    return new Counters(c[0], c[1], c[2]);
  }

  List<Entry<FileKey, FileCounts>> files() {
    ByteBuffer b = dump("files", Codecs.FILE_KEY.size() + Codecs.FILE_VAL.size(), 32768);
    List<Entry<FileKey, FileCounts>> out = new ArrayList<>();
    int stride = Codecs.FILE_KEY.size() + Codecs.FILE_VAL.size();
    for (int at = 0; at < b.limit(); at += stride) {
      out.add(
          new Entry<>(
              Codecs.fileKey(b, at),
              Codecs.fileVal(b, at + Codecs.FILE_KEY.size()),
              Codecs.bytes(b, at, Codecs.FILE_KEY.size())));
    }
    return out;
  }

  List<Entry<FlowKey, FlowCounts>> flows() {
    ByteBuffer b = dump("flows", Codecs.FLOW_KEY.size() + Codecs.FLOW_VAL.size(), 16384);
    List<Entry<FlowKey, FlowCounts>> out = new ArrayList<>();
    int stride = Codecs.FLOW_KEY.size() + Codecs.FLOW_VAL.size();
    for (int at = 0; at < b.limit(); at += stride) {
      out.add(
          new Entry<>(
              Codecs.flowKey(b, at),
              Codecs.flowVal(b, at + Codecs.FLOW_KEY.size()),
              Codecs.bytes(b, at, Codecs.FLOW_KEY.size())));
    }
    return out;
  }

  void deleteFile(byte[] rawKey) {
    NativeBridge.delete(handle, "files", rawKey);
  }

  void deleteFlow(byte[] rawKey) {
    NativeBridge.delete(handle, "flows", rawKey);
  }

  /** Processes currently tracked in the kernel, by tgid. */
  Map<Integer, Long> tracked() {
    ByteBuffer b = dump("tracked", 4 + 16, 16384);
    Map<Integer, Long> out = new java.util.HashMap<>();
    for (int at = 0; at < b.limit(); at += 20) {
      out.put(b.getInt(at), b.getLong(at + 4));
    }
    return out;
  }

  private ByteBuffer dump(String map, int stride, int maxEntries) {
    int need = stride * maxEntries;
    if (dumpBuffer == null || dumpBuffer.capacity() < need) {
      dumpBuffer = Codecs.le(ByteBuffer.allocateDirect(Math.max(need, 32768 * (32 + 328))));
    }
    int n = NativeBridge.dump(handle, map, dumpBuffer);
    if (n < 0) {
      throw new IllegalStateException(
          "map " + map + " holds " + -n + " entries, more than its " + maxEntries + " bound");
    }
    ByteBuffer view = dumpBuffer.duplicate().order(dumpBuffer.order());
    view.position(0).limit(n * stride);
    return view;
  }

  @Override
  public void close() {
    if (!closed) {
      closed = true;
      polling = false;
      NativeBridge.close(handle);
    }
  }
}
