package io.lineageledger.platform.testing;

import java.time.Duration;
import java.util.concurrent.Callable;
import java.util.function.Supplier;

/** Waits for a condition with a bound, instead of sleeping for a guessed time. */
public final class Await {
  private Await() {}

  /**
   * Polls {@code condition} until it is true or {@code limit} passes.
   *
   * @throws AssertionError naming {@code what} and the limit when it never became true
   */
  public static void until(Duration limit, String what, Callable<Boolean> condition) {
    until(limit, () -> what, condition);
  }

  /** As {@link #until(Duration, String, Callable)}, describing the wait only when it fails. */
  public static void until(Duration limit, Supplier<String> what, Callable<Boolean> condition) {
    long deadline = System.nanoTime() + limit.toNanos();
    Exception last = null;
    while (System.nanoTime() < deadline) {
      try {
        if (Boolean.TRUE.equals(condition.call())) {
          return;
        }
      } catch (Exception e) {
        last = e;
      }
      try {
        Thread.sleep(20);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new AssertionError("interrupted while waiting for " + what.get(), e);
      }
    }
    throw new AssertionError(
        "timed out after " + limit.toMillis() + " ms waiting for " + what.get(), last);
  }
}
