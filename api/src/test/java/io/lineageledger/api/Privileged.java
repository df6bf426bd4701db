package io.lineageledger.api;

import static org.assertj.core.api.Assertions.fail;

import io.lineageledger.bpf.RuntimeEvidence;
import org.junit.jupiter.api.Assumptions;

/**
 * Tests that need the real eBPF probes (bpf-probes' Privileged, for tests that run the service):
 * they fail when {@code CI=true} (CI runs as root on a kernel with BTF and must exercise them) and
 * are skipped, with the reason printed, otherwise.
 */
final class Privileged {
  private Privileged() {}

  /** Before starting a service: this process could try the probes. */
  static void requireProbes() {
    require(RuntimeEvidence.unavailableReason());
  }

  /** {@code why} the probes cannot run, or null when they can. */
  static void require(String why) {
    if (why == null) {
      return;
    }
    if ("true".equals(System.getenv("CI"))) {
      fail("CI=true but the probes cannot run: " + why);
    }
    System.err.println("SKIPPED (probes unavailable): " + why);
    Assumptions.abort(why);
  }
}
