package io.lineageledger.ledger.journal;

/**
 * A proof cannot be given; {@link #reason()} says whether that is permanent, for now, or a bad
 * request.
 */
public final class ProofUnavailableException extends Exception {
  private static final long serialVersionUID = 1L;

  /** Why no proof. */
  public enum Reason {
    /** No such record or checkpoint. */
    NOT_FOUND,
    /** The record exists but no signed checkpoint includes it yet. */
    NOT_YET,
    /** The request itself is impossible. */
    INVALID
  }

  private final Reason reason;

  ProofUnavailableException(Reason reason, String message) {
    super(message);
    this.reason = reason;
  }

  public Reason reason() {
    return reason;
  }
}
