package io.lineageledger.ingest.mlflow;

import java.time.Duration;

/**
 * The inbox transaction holding a delivery failed; the delivery was not acknowledged, so MLflow
 * delivers it again. The cause is the database's error.
 */
public final class InboxWriteException extends Exception {
  private static final long serialVersionUID = 1L;

  private final transient Duration retryAfter;

  InboxWriteException(String message, Throwable cause, Duration retryAfter) {
    super(message, cause);
    this.retryAfter = retryAfter;
  }

  /** When to ask MLflow to try again. */
  public Duration retryAfter() {
    return retryAfter;
  }
}
