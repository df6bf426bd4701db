package io.lineageledger.anchor;

import io.lineageledger.chaincode.AnchorError;
import java.util.Optional;

/**
 * Anchoring did not happen. {@link Kind#REFUSED}: the contract refused (with its {@link
 * AnchorError}); retrying the same request cannot help. {@link Kind#UNAVAILABLE}: the ledger could
 * not be reached in time; the anchorer retries later. {@link Kind#FAILED}: the transaction was
 * ordered but invalidated, or the answer made no sense.
 */
public final class AnchorException extends Exception {
  private static final long serialVersionUID = 1L;

  /** What kind of failure. */
  public enum Kind {
    REFUSED,
    UNAVAILABLE,
    FAILED
  }

  private final Kind kind;
  private final transient AnchorError error;

  public AnchorException(Kind kind, AnchorError error, String message, Throwable cause) {
    super(message, cause);
    this.kind = kind;
    this.error = error;
  }

  public AnchorException(Kind kind, String message, Throwable cause) {
    this(kind, null, message, cause);
  }

  public Kind kind() {
    return kind;
  }

  /** The contract's reason, for {@link Kind#REFUSED}. */
  public Optional<AnchorError> error() {
    return Optional.ofNullable(error);
  }
}
