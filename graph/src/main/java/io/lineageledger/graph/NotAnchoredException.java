package io.lineageledger.graph;

import java.util.OptionalLong;

/**
 * An answer with proofs was asked for, but no anchored checkpoint exists at or below the checkpoint
 * asked about. Either anchoring has not caught up yet (wait for the next anchor), or the question
 * is about a state older than the first anchor (which no anchor will ever cover).
 */
public final class NotAnchoredException extends RuntimeException {
  private final long requestedSize;
  private final OptionalLong newestAnchored;
  private final String backend;
  private final boolean retryable;

  NotAnchoredException(
      long requestedSize, OptionalLong newestAnchored, String backend, boolean latestAsked) {
    super(message(requestedSize, newestAnchored, backend, latestAsked));
    this.requestedSize = requestedSize;
    this.newestAnchored = newestAnchored;
    this.backend = backend;
    this.retryable = newestAnchored.isEmpty() && latestAsked;
  }

  private static String message(
      long size, OptionalLong newest, String backend, boolean latestAsked) {
    if (newest.isEmpty() && !latestAsked) {
      return "proofs=true answers come from an anchored checkpoint, and no checkpoint is anchored"
          + " on "
          + backend
          + " yet; anchors cover the newest checkpoint when they are made, so the state as of tree"
          + " size "
          + size
          + " may never be covered: ask without asOf once an anchor exists, or without proofs";
    }
    if (newest.isEmpty()) {
      return "proofs=true answers come from an anchored checkpoint, and no checkpoint is anchored"
          + " on "
          + backend
          + " yet: wait for the anchorer's next step (anchor.intervalSeconds,"
          + " anchor.everyEntries; /health shows checks.anchor), or ask without proofs";
    }
    return "proofs=true answers come from the newest anchored checkpoint at or below the one asked"
        + " about (size "
        + size
        + "), and the oldest anchor on "
        + backend
        + " is newer than that (newest anchored size "
        + newest.getAsLong()
        + "): no anchor covers that state; ask with asOf >= the first anchored size, or without"
        + " proofs";
  }

  /** Size of the checkpoint the question was about. */
  public long requestedSize() {
    return requestedSize;
  }

  /** Size of the newest anchored checkpoint, when any exists. */
  public OptionalLong newestAnchored() {
    return newestAnchored;
  }

  public String backend() {
    return backend;
  }

  /**
   * Whether waiting can help: nothing is anchored yet and the question is about the latest state,
   * which the next anchor will cover.
   */
  public boolean retryable() {
    return retryable;
  }
}
