package io.lineageledger.bpf;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The kernel's per-program run time accounting, as the overhead benchmark reads it. */
class ProgramStatsTest {
  @TempDir Path dir;

  @BeforeEach
  void probes() {
    Privileged.requireProbes();
  }

  @Test
  void programStats_enabled_countsRunsAndTimeOfAttachedProgramsOnly() throws Exception {
    Files.write(dir.resolve("data.bin"), new byte[4096]);
    try (ProbeSession s = ProbeSession.open(ProbeOptions.defaults())) {
      s.enableProgramStats();
      Map<String, ProbeSession.ProgramStats> before = s.programStats();
      int code =
          Workloads.sh(
              dir, Map.of("MLFLOW_RUN_ID", "stats"), "for i in 1 2 3; do cat data.bin; done");
      assertThat(code).isZero();
      Map<String, ProbeSession.ProgramStats> after = s.programStats();
      ProbeSession.ProgramStats exit = after.get("on_sys_exit").minus(before.get("on_sys_exit"));
      assertThat(exit.runs()).as("on_sys_exit runs while sh and cat ran").isPositive();
      assertThat(exit.runTimeNs()).isPositive();
      assertThat(exit.nsPerRun()).isPositive();
      // the benchmark's empty program is loaded but never attached by the session
      assertThat(after.get("bench_empty").runs()).isZero();
    }
  }

  @Test
  void openBenchOnly_emptyPrograms_runAloneWithoutTheServicePrograms() throws Exception {
    try (ProbeSession s = ProbeSession.openBenchOnly(List.of("bench_empty", "bench_empty_raw"))) {
      s.enableProgramStats();
      Map<String, ProbeSession.ProgramStats> before = s.programStats();
      int code = Workloads.sh(dir, Map.of("MLFLOW_RUN_ID", "floor"), "echo x > a.txt; cat a.txt");
      assertThat(code).isZero();
      Map<String, ProbeSession.ProgramStats> after = s.programStats();
      // both attach types reach the same syscall exits
      assertThat(after.get("bench_empty").minus(before.get("bench_empty")).runs()).isPositive();
      assertThat(after.get("bench_empty_raw").minus(before.get("bench_empty_raw")).runs())
          .isPositive();
      for (String service : List.of("on_sys_exit", "on_exec", "on_fork", "on_exit")) {
        assertThat(after.get(service).runs()).as(service + " stays detached").isZero();
      }
    }
  }

  @Test
  void openBenchOnly_serviceProgram_isRefused() {
    assertThatThrownBy(() -> ProbeSession.openBenchOnly(List.of("on_sys_exit")))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("on_sys_exit");
  }
}
