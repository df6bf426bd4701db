package io.lineageledger.bpf;

/**
 * One process over its lifetime: the tgid (pid) and the start time of its group leader in
 * nanoseconds since boot. Pids are reused; the pair is not, within one boot.
 */
public record ProcKey(int tgid, long startNs) {
  @Override
  public String toString() {
    return tgid + "@" + startNs;
  }
}
