package io.lineageledger.bpf;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

class ProbeOptionsTest {
  @Test
  void defaults_trackMlflowVariables() {
    ProbeOptions o = ProbeOptions.defaults();
    assertThat(o.envNames()).containsExactly("MLFLOW_RUN_ID", "MLFLOW_EXPERIMENT_ID");
    assertThat(o.window()).isEqualTo(Duration.ofSeconds(10));
    assertThat(o.ringBufferBytes()).isEqualTo(1 << 20);
  }

  @Test
  void envNames_tooMany_refusedNamingTheBound() {
    assertThatThrownBy(() -> ProbeOptions.defaults().withEnvNames(List.of("A", "B", "C", "D", "E")))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("at most 4");
  }

  @Test
  void envName_withEquals_refusedNamingTheValue() {
    assertThatThrownBy(() -> ProbeOptions.defaults().withEnvNames(List.of("RUN=1")))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("'RUN=1'")
        .hasMessageContaining("A-Z a-z 0-9 _");
  }

  @Test
  void command_longerThanComm_refused() {
    assertThatThrownBy(() -> ProbeOptions.defaults().withCommands(List.of("a-very-long-command")))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("at most 15 bytes");
  }

  @Test
  void ringBuffer_notPowerOfTwo_refused() {
    assertThatThrownBy(() -> ProbeOptions.defaults().withRingBufferBytes(5000))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("5000")
        .hasMessageContaining("power of two");
  }

  @Test
  void window_tooShort_refused() {
    assertThatThrownBy(() -> ProbeOptions.defaults().withWindow(Duration.ofMillis(5)))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("100 ms..1 h");
  }

  @Test
  void cwd_leafFirstWalk_becomesAbsolutePath() {
    assertThat(Codecs.cwd("c/b/a/")).isEqualTo("/a/b/c");
    assertThat(Codecs.cwd("")).isNull();
  }

  @Test
  void statDev_kernelEncoding_becomesStatEncoding() {
    // major 259, minor 300: kernel 259 << 20 | 300; stat (300 & 0xff) | 259 << 8 | (300 & ~0xff) <<
    // 12
    FileKey k = new FileKey(new ProcKey(1, 1), (259 << 20) | 300, 1);
    assertThat(k.statDev()).isEqualTo((300 & 0xff) | (259L << 8) | ((300L & ~0xffL) << 12));
  }

  @Test
  void pathPrefix_relative_refusedNamingTheValue() {
    assertThatThrownBy(() -> ProbeOptions.defaults().withPathPrefixes(List.of(Path.of("data"))))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("'data'")
        .hasMessageContaining("absolute, normalized");
  }

  @Test
  void pathPrefix_notNormalized_refused() {
    assertThatThrownBy(
            () -> ProbeOptions.defaults().withPathPrefixes(List.of(Path.of("/data/../etc"))))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("/data/../etc");
  }

  @Test
  void serverPort_outOfRange_refused() {
    assertThatThrownBy(() -> ProbeOptions.defaults().withServerPorts(List.of(0)))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("server port 0")
        .hasMessageContaining("1..65535");
  }

  @Test
  void serverPorts_duplicate_refused() {
    assertThatThrownBy(() -> ProbeOptions.defaults().withServerPorts(List.of(5000, 5000)))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("[5000, 5000]")
        .hasMessageContaining("at most once");
  }

  @Test
  void kernelDev_statEncoding_roundTripsThroughFileKey() {
    for (int major : new int[] {0, 8, 259, 4095}) {
      for (int minor : new int[] {0, 1, 300, 0xfffff}) {
        int kernel = (major << 20) | minor;
        long stat = new FileKey(new ProcKey(1, 1), kernel, 1).statDev();
        assertThat(Codecs.kernelDev(stat)).as("major %d minor %d", major, minor).isEqualTo(kernel);
      }
    }
  }
}
