package io.lineageledger.ledger.merkle;

/**
 * A Merkle proof did not verify. The message names the values involved; {@link #check()} says which
 * rule failed so callers can react without parsing text.
 */
public final class ProofVerificationException extends Exception {
  private static final long serialVersionUID = 1L;

  /** The verification rule that failed. */
  public enum Check {
    /** A leaf index or tree size is negative, or the index is not below the size. */
    INDEX_OUT_OF_RANGE,
    /** The second tree of a consistency proof is smaller than the first. */
    SIZE_ORDER,
    /** A leaf hash, root or proof element is not exactly 32 bytes. */
    HASH_LENGTH,
    /** The proof has a different number of elements than the index and sizes require. */
    PROOF_LENGTH,
    /** The root recomputed for the (only or second) tree differs from the one supplied. */
    ROOT_MISMATCH,
    /** The root recomputed for the first tree of a consistency proof differs from root1. */
    FIRST_ROOT_MISMATCH
  }

  private final Check check;

  ProofVerificationException(Check check, String message) {
    super(message);
    this.check = check;
  }

  /** Which rule failed. */
  public Check check() {
    return check;
  }
}
