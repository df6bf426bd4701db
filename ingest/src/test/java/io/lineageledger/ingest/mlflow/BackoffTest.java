package io.lineageledger.ingest.mlflow;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.HashSet;
import java.util.Random;
import java.util.Set;
import org.junit.jupiter.api.Test;

class BackoffTest {
  @Test
  void delay_doublesWithFailuresWithinJitterBoundsUpToMax() {
    Backoff b = new Backoff(Duration.ofSeconds(1), Duration.ofSeconds(60), new Random(7));
    long[] ceilings = {1000, 2000, 4000, 8000, 16000, 32000, 60000, 60000, 60000};
    for (int failures = 1; failures <= ceilings.length; failures++) {
      for (int i = 0; i < 200; i++) {
        long d = b.delay(failures).toMillis();
        assertThat(d)
            .as("failure %d", failures)
            .isBetween(ceilings[failures - 1] / 2, ceilings[failures - 1]);
      }
    }
  }

  @Test
  void delay_isJittered() {
    Backoff b = new Backoff(Duration.ofSeconds(1), Duration.ofMinutes(5), new Random(1));
    Set<Long> seen = new HashSet<>();
    for (int i = 0; i < 50; i++) {
      seen.add(b.delay(3).toMillis());
    }
    assertThat(seen.size()).isGreaterThan(10);
  }

  @Test
  void constructor_maxBelowInitial_refused() {
    assertThatThrownBy(
            () -> new Backoff(Duration.ofSeconds(2), Duration.ofSeconds(1), new Random()))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("0 < initial <= max");
  }
}
