package io.lineageledger.ingest.mlflow;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** When inbox processing runs at once and when it waits for the poll tick (intake first). */
class ProcessingPaceTest {
  @Test
  void processNow_intakeIdle_runsAtOnce() {
    assertThat(MlflowIngest.processNow(0, 5, 1000)).isTrue();
  }

  @Test
  void processNow_intakeBusyAndBacklogSmall_waitsForThePollTick() {
    assertThat(MlflowIngest.processNow(1, 0, 1000)).isFalse();
    assertThat(MlflowIngest.processNow(64, 499, 1000)).isFalse();
  }

  @Test
  void processNow_intakeBusyAndHalfTheBacklogBoundWaiting_runsAtOnce() {
    assertThat(MlflowIngest.processNow(64, 500, 1000)).isTrue();
    assertThat(MlflowIngest.processNow(64, 999, 1000)).isTrue();
  }
}
