package io.lineageledger.bpf;

import static org.assertj.core.api.Assertions.fail;

import org.junit.jupiter.api.Assumptions;

/**
 * Tests that need the real probes: they fail when {@code CI=true} (CI runs as root on a kernel with
 * BTF and must exercise them) and are skipped, with the reason printed, otherwise.
 */
final class Privileged {
  private Privileged() {}

  static void requireProbes() {
    String why = ProbeSession.preflight();
    if (why == null && NativeBridge.class.getResource("native/" + NativeBridge.OBJECT) == null) {
      why = "this build carries no BPF object (native build skipped)";
    }
    require(why);
  }

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
