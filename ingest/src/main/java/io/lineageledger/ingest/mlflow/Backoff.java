package io.lineageledger.ingest.mlflow;

import java.time.Duration;
import java.util.Random;

/**
 * Exponential backoff with jitter: the n-th consecutive failure waits a random time between half
 * and all of {@code min(max, initial * 2^(n-1))}, so many retrying clients do not retry in step.
 */
final class Backoff {
  private final Duration initial;
  private final Duration max;
  private final Random random;

  Backoff(Duration initial, Duration max, Random random) {
    if (initial.isNegative() || initial.isZero() || max.compareTo(initial) < 0) {
      throw new IllegalArgumentException(
          "backoff " + initial + ".." + max + " is not allowed: expected 0 < initial <= max");
    }
    this.initial = initial;
    this.max = max;
    this.random = random;
  }

  Duration delay(int failures) {
    int n = Math.max(1, failures);
    long ceiling = initial.toMillis();
    for (int i = 1; i < n && ceiling < max.toMillis(); i++) {
      ceiling *= 2;
    }
    ceiling = Math.min(ceiling, max.toMillis());
    long half = ceiling / 2;
    return Duration.ofMillis(half + (long) (random.nextDouble() * (ceiling - half + 1)));
  }
}
