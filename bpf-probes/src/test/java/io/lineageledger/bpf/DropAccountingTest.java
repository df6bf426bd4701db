package io.lineageledger.bpf;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.time.Clock;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DropAccountingTest {
  @TempDir Path dir;

  @BeforeEach
  void probes() {
    Privileged.requireProbes();
  }

  @Test
  void tinyRingBuffer_flooded_everyEventDeliveredOrCounted() throws Exception {
    ProbeOptions tiny = ProbeOptions.defaults().withRingBufferBytes(4096);
    ProbeSession s = ProbeSession.open(tiny);
    EvidenceCollector c =
        new EvidenceCollector(s, tiny.envNames(), new ContentDigests(0, 16), Clock.systemUTC());
    try {
      // nobody consumes yet: 500 fork+exec+exit cycles (~1 KiB of records each) overflow 4 KiB
      int code =
          Workloads.sh(
              dir,
              Map.of("MLFLOW_RUN_ID", "flood"),
              "i=0; while [ $i -lt 500 ]; do /bin/true; i=$((i+1)); done");
      assertThat(code).isZero();
      s.startEvents(c::onEvent);
      s.stopEvents(); // hands over everything the ring buffer holds
      ProbeSession.Counters counters = s.counters();
      // 500 children: fork + exec + exit each, plus the shell's exec and exit
      assertThat(counters.events()).isGreaterThanOrEqualTo(3 * 500 + 2);
      assertThat(counters.ringDrops()).isPositive();
      assertThat(s.eventsReceived() + counters.ringDrops()).isEqualTo(counters.events());
      EvidenceWindow w = c.closeWindow();
      assertThat(w.eventsLost()).isEqualTo(counters.ringDrops());
      assertThat(w.eventsEmitted()).isEqualTo(counters.events());
      assertThat(w.toRecords().get(0).payload().get("complete").asBoolean()).isFalse();
    } finally {
      s.close();
    }
  }
}
