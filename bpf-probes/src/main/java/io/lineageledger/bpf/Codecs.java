package io.lineageledger.bpf;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * Reads and writes the structs of lineage.h. Every offset used here comes from the declared {@link
 * StructLayout}s, and those are checked against the BPF object's BTF before the programs load.
 */
final class Codecs {
  private Codecs() {}

  static final StructLayout FILE_KEY =
      StructLayout.of(
          "ln_file_key",
          32,
          "proc.start_ns",
          0,
          8,
          "proc.tgid",
          8,
          4,
          "proc.pad",
          12,
          4,
          "ino",
          16,
          8,
          "dev",
          24,
          4,
          "pad",
          28,
          4);
  static final StructLayout FILE_VAL =
      StructLayout.of(
          "ln_file_val",
          328,
          "bytes_read",
          0,
          8,
          "bytes_written",
          8,
          8,
          "reads",
          16,
          8,
          "writes",
          24,
          8,
          "opens",
          32,
          8,
          "mmaps",
          40,
          8,
          "first_ns",
          48,
          8,
          "last_ns",
          56,
          8,
          "open_flags",
          64,
          4,
          "pad",
          68,
          4,
          "path",
          72,
          256);
  static final StructLayout FLOW_KEY =
      StructLayout.of(
          "ln_flow_key",
          56,
          "proc.start_ns",
          0,
          8,
          "proc.tgid",
          8,
          4,
          "proc.pad",
          12,
          4,
          "family",
          16,
          2,
          "proto",
          18,
          2,
          "sport",
          20,
          2,
          "dport",
          22,
          2,
          "saddr",
          24,
          16,
          "daddr",
          40,
          16);
  static final StructLayout FLOW_VAL =
      StructLayout.of(
          "ln_flow_val",
          56,
          "bytes_sent",
          0,
          8,
          "bytes_received",
          8,
          8,
          "sends",
          16,
          8,
          "receives",
          24,
          8,
          "first_ns",
          32,
          8,
          "last_ns",
          40,
          8,
          "states_seen",
          48,
          4,
          "last_state",
          52,
          4);
  static final StructLayout EXEC_EVENT =
      StructLayout.of(
          "ln_exec_event",
          1096,
          "hdr.time_ns",
          0,
          8,
          "hdr.type",
          8,
          4,
          "hdr.size",
          12,
          4,
          "proc.start_ns",
          16,
          8,
          "proc.tgid",
          24,
          4,
          "proc.pad",
          28,
          4,
          "cgroup_id",
          32,
          8,
          "ppid",
          40,
          4,
          "uid",
          44,
          4,
          "reason",
          48,
          4,
          "args_len",
          52,
          4,
          "comm",
          56,
          16,
          "filename",
          72,
          256,
          "args",
          328,
          256,
          "cwd",
          584,
          256,
          "env_values",
          840,
          256);
  static final StructLayout FORK_EVENT =
      StructLayout.of(
          "ln_fork_event",
          48,
          "hdr.time_ns",
          0,
          8,
          "hdr.type",
          8,
          4,
          "hdr.size",
          12,
          4,
          "proc.start_ns",
          16,
          8,
          "proc.tgid",
          24,
          4,
          "proc.pad",
          28,
          4,
          "parent.start_ns",
          32,
          8,
          "parent.tgid",
          40,
          4,
          "parent.pad",
          44,
          4);
  static final StructLayout EXIT_EVENT =
      StructLayout.of(
          "ln_exit_event",
          48,
          "hdr.time_ns",
          0,
          8,
          "hdr.type",
          8,
          4,
          "hdr.size",
          12,
          4,
          "proc.start_ns",
          16,
          8,
          "proc.tgid",
          24,
          4,
          "proc.pad",
          28,
          4,
          "duration_ns",
          32,
          8,
          "exit_code",
          40,
          4,
          "pad",
          44,
          4);
  static final StructLayout CONFIG =
      StructLayout.of(
          "ln_config",
          176,
          "env",
          0,
          160,
          "env_count",
          160,
          4,
          "prefix_count",
          164,
          4,
          "port_count",
          168,
          4,
          "pad",
          172,
          4);
  static final StructLayout DIR_KEY =
      StructLayout.of("ln_dir_key", 16, "ino", 0, 8, "dev", 8, 4, "pad", 12, 4);
  static final StructLayout ENV_NAME =
      StructLayout.of("ln_env_name", 40, "len", 0, 4, "pad", 4, 4, "name", 8, 32);

  /** Every layout the Java side depends on, checked at load. */
  static final List<StructLayout> ALL =
      List.of(
          FILE_KEY,
          FILE_VAL,
          FLOW_KEY,
          FLOW_VAL,
          EXEC_EVENT,
          FORK_EVENT,
          EXIT_EVENT,
          CONFIG,
          ENV_NAME,
          DIR_KEY);

  static final int EV_EXEC = 1;
  static final int EV_FORK = 2;
  static final int EV_EXIT = 3;
  static final int ENV_NAMES = 4;
  static final int ENV_NAME_LEN = 32;
  static final int ENV_VALUE_LEN = 64;
  static final int COMM_LEN = 16;

  static ByteBuffer le(ByteBuffer b) {
    return b.order(ByteOrder.LITTLE_ENDIAN);
  }

  static ProcKey proc(ByteBuffer b, int base, StructLayout l, String prefix) {
    return new ProcKey(
        b.getInt(base + l.offset(prefix + "tgid")),
        b.getLong(base + l.offset(prefix + "start_ns")));
  }

  static String cString(ByteBuffer b, int at, int max) {
    int n = 0;
    while (n < max && b.get(at + n) != 0) {
      n++;
    }
    byte[] s = new byte[n];
    b.get(at, s);
    return new String(s, StandardCharsets.UTF_8);
  }

  static byte[] bytes(ByteBuffer b, int at, int n) {
    byte[] s = new byte[n];
    b.get(at, s);
    return s;
  }

  /** "c/b/a/" (leaf first, as the kernel walked it) to "/a/b/c"; null when empty. */
  static String cwd(String leafFirst) {
    if (leafFirst.isEmpty()) {
      return null;
    }
    String[] parts = leafFirst.split("/");
    StringBuilder sb = new StringBuilder();
    for (int i = parts.length - 1; i >= 0; i--) {
      if (!parts[i].isEmpty()) {
        sb.append('/').append(parts[i]);
      }
    }
    return sb.length() == 0 ? "/" : sb.toString();
  }

  static FileKey fileKey(ByteBuffer b, int base) {
    StructLayout l = FILE_KEY;
    return new FileKey(
        proc(b, base, l, "proc."),
        b.getInt(base + l.offset("dev")),
        b.getLong(base + l.offset("ino")));
  }

  static FileCounts fileVal(ByteBuffer b, int base) {
    StructLayout l = FILE_VAL;
    return new FileCounts(
        b.getLong(base + l.offset("bytes_read")),
        b.getLong(base + l.offset("bytes_written")),
        b.getLong(base + l.offset("reads")),
        b.getLong(base + l.offset("writes")),
        b.getLong(base + l.offset("opens")),
        b.getLong(base + l.offset("mmaps")),
        b.getInt(base + l.offset("open_flags")),
        b.getLong(base + l.offset("first_ns")),
        b.getLong(base + l.offset("last_ns")),
        cString(b, base + l.offset("path"), 256));
  }

  static FlowKey flowKey(ByteBuffer b, int base) {
    StructLayout l = FLOW_KEY;
    return new FlowKey(
        proc(b, base, l, "proc."),
        Short.toUnsignedInt(b.getShort(base + l.offset("family"))),
        Short.toUnsignedInt(b.getShort(base + l.offset("proto"))),
        Short.toUnsignedInt(b.getShort(base + l.offset("sport"))),
        Short.toUnsignedInt(b.getShort(base + l.offset("dport"))),
        bytes(b, base + l.offset("saddr"), 16),
        bytes(b, base + l.offset("daddr"), 16));
  }

  static FlowCounts flowVal(ByteBuffer b, int base) {
    StructLayout l = FLOW_VAL;
    return new FlowCounts(
        b.getLong(base + l.offset("bytes_sent")),
        b.getLong(base + l.offset("bytes_received")),
        b.getLong(base + l.offset("sends")),
        b.getLong(base + l.offset("receives")),
        b.getInt(base + l.offset("states_seen")),
        b.getInt(base + l.offset("last_state")),
        b.getLong(base + l.offset("first_ns")),
        b.getLong(base + l.offset("last_ns")));
  }

  /** One ring buffer record; {@code null} for a type this version does not know. */
  static ProbeEvent event(ByteBuffer b, int base, int length) {
    int type = b.getInt(base + EXEC_EVENT.offset("hdr.type"));
    long time = b.getLong(base + EXEC_EVENT.offset("hdr.time_ns"));
    switch (type) {
      case EV_EXEC -> {
        StructLayout l = EXEC_EVENT;
        if (length < l.size()) {
          return null;
        }
        int argsLen = Math.min(b.getInt(base + l.offset("args_len")), 256);
        List<String> args = new ArrayList<>();
        int start = 0;
        int at = base + l.offset("args");
        for (int i = 0; i < argsLen; i++) {
          if (b.get(at + i) == 0) {
            args.add(new String(bytes(b, at + start, i - start), StandardCharsets.UTF_8));
            start = i + 1;
          }
        }
        if (start < argsLen) {
          args.add(new String(bytes(b, at + start, argsLen - start), StandardCharsets.UTF_8));
        }
        List<String> env = new ArrayList<>();
        for (int j = 0; j < ENV_NAMES; j++) {
          env.add(cString(b, base + l.offset("env_values") + j * ENV_VALUE_LEN, ENV_VALUE_LEN));
        }
        return new ProbeEvent.Exec(
            time,
            proc(b, base, l, "proc."),
            b.getInt(base + l.offset("ppid")),
            b.getInt(base + l.offset("uid")),
            b.getLong(base + l.offset("cgroup_id")),
            b.getInt(base + l.offset("reason")),
            cString(b, base + l.offset("comm"), COMM_LEN),
            cString(b, base + l.offset("filename"), 256),
            args,
            cwd(cString(b, base + l.offset("cwd"), 256)),
            env);
      }
      case EV_FORK -> {
        StructLayout l = FORK_EVENT;
        if (length < l.size()) {
          return null;
        }
        return new ProbeEvent.Fork(time, proc(b, base, l, "proc."), proc(b, base, l, "parent."));
      }
      case EV_EXIT -> {
        StructLayout l = EXIT_EVENT;
        if (length < l.size()) {
          return null;
        }
        return new ProbeEvent.Exit(
            time,
            proc(b, base, l, "proc."),
            b.getInt(base + l.offset("exit_code")),
            b.getLong(base + l.offset("duration_ns")));
      }
      default -> {
        return null;
      }
    }
  }

  /**
   * The config map's value: the environment variable names that track a process at exec, and how
   * many path prefixes and server ports the filter maps hold (0 = that filter is off).
   */
  static byte[] config(List<String> envNames, int prefixCount, int portCount) {
    if (envNames.size() > ENV_NAMES) {
      throw new IllegalArgumentException(
          envNames.size() + " environment names is too many: at most " + ENV_NAMES);
    }
    ByteBuffer b = le(ByteBuffer.allocate(CONFIG.size()));
    for (int j = 0; j < envNames.size(); j++) {
      byte[] n = envNames.get(j).getBytes(StandardCharsets.US_ASCII);
      int at = CONFIG.offset("env") + j * ENV_NAME.size();
      b.putInt(at + ENV_NAME.offset("len"), n.length);
      b.put(at + ENV_NAME.offset("name"), n);
    }
    b.putInt(CONFIG.offset("env_count"), envNames.size());
    b.putInt(CONFIG.offset("prefix_count"), prefixCount);
    b.putInt(CONFIG.offset("port_count"), portCount);
    return b.array();
  }

  /** A prefix map key: the directory's inode and its device in the kernel's encoding. */
  static byte[] dirKey(long ino, long statDev) {
    ByteBuffer b = le(ByteBuffer.allocate(DIR_KEY.size()));
    b.putLong(DIR_KEY.offset("ino"), ino);
    b.putInt(DIR_KEY.offset("dev"), kernelDev(statDev));
    return b.array();
  }

  /**
   * stat(2)'s st_dev (glibc's encoding: major in bits 8..19 and 32..43, minor in bits 0..7 and
   * 20..31) as the kernel's internal dev_t (major << 20 | minor), which the probes see.
   */
  static int kernelDev(long statDev) {
    long major = ((statDev >>> 8) & 0xfff) | ((statDev >>> 32) & ~0xfffL);
    long minor = (statDev & 0xff) | ((statDev >>> 12) & ~0xffL);
    return (int) ((major << 20) | (minor & 0xfffff));
  }

  static byte[] comm(String name) {
    byte[] n = name.getBytes(StandardCharsets.UTF_8);
    if (n.length >= COMM_LEN) {
      throw new IllegalArgumentException(
          "command name '" + name + "' is too long: at most " + (COMM_LEN - 1) + " bytes");
    }
    byte[] out = new byte[COMM_LEN];
    System.arraycopy(n, 0, out, 0, n.length);
    return out;
  }
}
