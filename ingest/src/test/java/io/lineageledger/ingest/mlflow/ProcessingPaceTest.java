package io.lineageledger.ingest.mlflow;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import org.junit.jupiter.api.Test;

/** When inbox processing runs flat out and when it waits (intake first). */
class ProcessingPaceTest {
  static final Duration QUIET = Duration.ofMillis(50);

  @Test
  void processNow_intakeQuietForTheWholePeriod_runsAtOnce() {
    assertThat(MlflowIngest.processNow(Duration.ofMillis(50), QUIET, 5, 1000)).isTrue();
    assertThat(MlflowIngest.processNow(Duration.ofDays(1), QUIET, 0, 1000)).isTrue();
  }

  @Test
  void processNow_deliveryAcceptedWithinThePeriodAndBacklogSmall_waits() {
    assertThat(MlflowIngest.processNow(Duration.ZERO, QUIET, 0, 1000)).isFalse();
    assertThat(MlflowIngest.processNow(Duration.ofMillis(49), QUIET, 499, 1000)).isFalse();
  }

  @Test
  void processNow_halfTheBacklogBoundWaiting_runsAtOnceWhateverIntakeDoes() {
    assertThat(MlflowIngest.processNow(Duration.ZERO, QUIET, 500, 1000)).isTrue();
    assertThat(MlflowIngest.processNow(Duration.ZERO, QUIET, 999, 1000)).isTrue();
  }

  @Test
  void processNow_zeroQuietPeriod_alwaysRunsAtOnce() {
    assertThat(MlflowIngest.processNow(Duration.ZERO, Duration.ZERO, 0, 1000)).isTrue();
  }
}
