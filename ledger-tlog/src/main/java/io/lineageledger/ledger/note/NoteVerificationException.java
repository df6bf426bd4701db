package io.lineageledger.ledger.note;

import java.util.Objects;

/**
 * A signed note was not accepted. {@link #reason()} says which check failed, so callers can tell an
 * unparseable note from one signed by a different key or a forged one; the message gives the detail
 * (which line, which key).
 */
public final class NoteVerificationException extends Exception {

  /** The check that failed. */
  public enum Reason {
    /** The note is not a syntactically valid signed note. */
    MALFORMED_NOTE,
    /** The note is well formed but carries no signature by the verifier's key. */
    NO_SIGNATURE_FOR_KEY,
    /** A signature by the verifier's key does not verify: the note was altered or forged. */
    BAD_SIGNATURE,
    /** The note verified, but its text is not a valid checkpoint. */
    MALFORMED_CHECKPOINT
  }

  private final Reason reason;

  NoteVerificationException(Reason reason, String message) {
    super(message);
    this.reason = Objects.requireNonNull(reason, "reason");
  }

  NoteVerificationException(Reason reason, String message, Throwable cause) {
    super(message, cause);
    this.reason = Objects.requireNonNull(reason, "reason");
  }

  public Reason reason() {
    return reason;
  }
}
