package io.lineageledger.ingest.mlflow;

import java.time.Duration;

/**
 * A verified delivery refused before anything was written, because intake is over one of its
 * bounds: the HTTP layer answers 429 with {@code Retry-After} and MLflow delivers it again later.
 */
public final class InboxFullException extends Exception {
  private static final long serialVersionUID = 1L;

  /** Which bound was reached. */
  public enum Bound {
    /** Deliveries waiting for an inbox transaction ({@code mlflow.inboxMaxQueuedWrites}). */
    WRITE_QUEUE,
    /** Unprocessed deliveries in the inbox ({@code mlflow.inboxMaxBacklog}). */
    BACKLOG
  }

  private final Bound bound;
  private final transient Duration retryAfter;

  InboxFullException(Bound bound, long current, long limit, Duration retryAfter) {
    super(
        (bound == Bound.WRITE_QUEUE
                ? current + " deliveries are waiting to be written to the inbox"
                : current + " deliveries in the inbox are waiting to be processed")
            + " (limit "
            + limit
            + "); retry after "
            + retryAfter.toSeconds()
            + " s");
    this.bound = bound;
    this.retryAfter = retryAfter;
  }

  public Bound bound() {
    return bound;
  }

  public Duration retryAfter() {
    return retryAfter;
  }
}
