package io.lineageledger.bpf;

import java.util.List;

/** A process lifecycle event from the ring buffer; {@code timeNs} is nanoseconds since boot. */
sealed interface ProbeEvent {
  long timeNs();

  ProcKey proc();

  record Exec(
      long timeNs,
      ProcKey proc,
      int ppid,
      int uid,
      long cgroupId,
      int reason,
      String comm,
      String filename,
      List<String> args,
      String cwd,
      List<String> envValues)
      implements ProbeEvent {
    public Exec {
      args = List.copyOf(args);
      envValues = List.copyOf(envValues);
    }
  }

  record Fork(long timeNs, ProcKey proc, ProcKey parent) implements ProbeEvent {}

  record Exit(long timeNs, ProcKey proc, int exitStatus, long durationNs) implements ProbeEvent {}
}
