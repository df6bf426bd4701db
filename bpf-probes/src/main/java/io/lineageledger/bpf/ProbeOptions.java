package io.lineageledger.bpf;

import java.nio.file.Path;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.regex.Pattern;

/**
 * What the probes track and how evidence is cut.
 *
 * @param envNames environment variables whose presence at exec tracks a process tree (at most 4,
 *     each 1..31 of A-Z a-z 0-9 _); their values travel with the evidence
 * @param commands command names (comm, 1..15 bytes) tracked at exec, at most 256
 * @param cgroupIds cgroup v2 ids whose processes are tracked at exec, at most 256
 * @param ringBufferBytes ring buffer size: a power of two, 4096..1073741824
 * @param window evidence window length, 100 ms..1 h
 * @param digestMaxBytes largest file whose SHA-256 is computed, 0..(2^40); 0 = none
 * @param pathPrefixes directories (absolute, normalized, at most 64) whose files are counted for
 *     tracked processes; empty = every regular file. Matched in the kernel by directory identity
 *     (dev/ino at attach), so relative paths and symlinks resolve as the kernel resolves them
 * @param serverPorts TCP ports (1..65535, at most 64, no duplicates) whose flows are counted, at
 *     either end of the flow; empty = every flow
 */
public record ProbeOptions(
    List<String> envNames,
    List<String> commands,
    List<Long> cgroupIds,
    int ringBufferBytes,
    Duration window,
    long digestMaxBytes,
    List<Path> pathPrefixes,
    List<Integer> serverPorts) {

  /** The run id and experiment id of MLflow, the default tracking variables. */
  public static final List<String> MLFLOW_ENV = List.of("MLFLOW_RUN_ID", "MLFLOW_EXPERIMENT_ID");

  /** Bounds of the kernel's prefix and port maps (LN_MAX_PREFIXES, LN_MAX_PORTS in lineage.h). */
  static final int MAX_PREFIXES = 64;

  static final int MAX_PORTS = 64;

  private static final Pattern ENV = Pattern.compile("[A-Za-z0-9_]{1,31}");

  public ProbeOptions {
    envNames = List.copyOf(envNames);
    commands = List.copyOf(commands);
    cgroupIds = List.copyOf(cgroupIds);
    pathPrefixes = List.copyOf(pathPrefixes);
    serverPorts = List.copyOf(serverPorts);
    if (envNames.size() > Codecs.ENV_NAMES) {
      throw new IllegalArgumentException(
          envNames.size() + " environment names " + envNames + " is too many: at most 4");
    }
    for (String e : envNames) {
      if (!ENV.matcher(e).matches()) {
        throw new IllegalArgumentException(
            "environment name '" + e + "' is not allowed: 1..31 of A-Z a-z 0-9 _");
      }
    }
    if (commands.size() > 256 || cgroupIds.size() > 256) {
      throw new IllegalArgumentException("at most 256 commands and 256 cgroup ids");
    }
    commands.forEach(Codecs::comm);
    if (ringBufferBytes < 4096
        || ringBufferBytes > (1 << 30)
        || Integer.bitCount(ringBufferBytes) != 1) {
      throw new IllegalArgumentException(
          "ring buffer of "
              + ringBufferBytes
              + " bytes is not allowed: a power of two, 4096..1073741824");
    }
    if (window.compareTo(Duration.ofMillis(100)) < 0 || window.compareTo(Duration.ofHours(1)) > 0) {
      throw new IllegalArgumentException(
          "evidence window " + window + " is not allowed: 100 ms..1 h");
    }
    if (digestMaxBytes < 0 || digestMaxBytes > (1L << 40)) {
      throw new IllegalArgumentException(
          "digest bound " + digestMaxBytes + " is not allowed: 0..2^40 bytes");
    }
    if (pathPrefixes.size() > MAX_PREFIXES) {
      throw new IllegalArgumentException(
          pathPrefixes.size() + " path prefixes is too many: at most " + MAX_PREFIXES);
    }
    for (Path p : pathPrefixes) {
      if (!p.isAbsolute() || !p.normalize().equals(p)) {
        throw new IllegalArgumentException(
            "path prefix '" + p + "' is not allowed: an absolute, normalized directory path");
      }
    }
    if (serverPorts.size() > MAX_PORTS) {
      throw new IllegalArgumentException(
          serverPorts.size() + " server ports is too many: at most " + MAX_PORTS);
    }
    for (int port : serverPorts) {
      if (port < 1 || port > 65535) {
        throw new IllegalArgumentException("server port " + port + " is not allowed: 1..65535");
      }
    }
    if (new HashSet<>(serverPorts).size() != serverPorts.size()) {
      throw new IllegalArgumentException(
          "server ports " + serverPorts + " are not allowed: each port at most once");
    }
  }

  /**
   * MLflow's variables, 1 MiB ring buffer, 10 s windows, digests up to 256 MiB, every file and
   * flow.
   */
  public static ProbeOptions defaults() {
    return new ProbeOptions(
        MLFLOW_ENV,
        List.of(),
        List.of(),
        1 << 20,
        Duration.ofSeconds(10),
        256L << 20,
        List.of(),
        List.of());
  }

  public ProbeOptions withEnvNames(List<String> names) {
    return new ProbeOptions(
        names,
        commands,
        cgroupIds,
        ringBufferBytes,
        window,
        digestMaxBytes,
        pathPrefixes,
        serverPorts);
  }

  public ProbeOptions withCommands(List<String> names) {
    return new ProbeOptions(
        envNames,
        names,
        cgroupIds,
        ringBufferBytes,
        window,
        digestMaxBytes,
        pathPrefixes,
        serverPorts);
  }

  public ProbeOptions withRingBufferBytes(int bytes) {
    return new ProbeOptions(
        envNames, commands, cgroupIds, bytes, window, digestMaxBytes, pathPrefixes, serverPorts);
  }

  public ProbeOptions withWindow(Duration w) {
    return new ProbeOptions(
        envNames,
        commands,
        cgroupIds,
        ringBufferBytes,
        w,
        digestMaxBytes,
        pathPrefixes,
        serverPorts);
  }

  /** Only files under these directories count (empty: every file). */
  public ProbeOptions withPathPrefixes(List<Path> prefixes) {
    return new ProbeOptions(
        envNames,
        commands,
        cgroupIds,
        ringBufferBytes,
        window,
        digestMaxBytes,
        prefixes,
        serverPorts);
  }

  /** Only flows with one of these ports at either end count (empty: every flow). */
  public ProbeOptions withServerPorts(List<Integer> ports) {
    return new ProbeOptions(
        envNames,
        commands,
        cgroupIds,
        ringBufferBytes,
        window,
        digestMaxBytes,
        pathPrefixes,
        ports);
  }
}
