package io.lineageledger.ledger.journal;

import java.util.Base64;

/**
 * The tree the log is asked to sign does not extend the last signed checkpoint. Carries both, so
 * the operator sees exactly what disagrees. The log refuses to sign; this is an alarm, not a retry.
 */
public final class InconsistentTreeException extends Exception {
  private static final long serialVersionUID = 1L;

  private final transient SignedCheckpoint lastSigned;
  private final transient TreeHead candidate;

  InconsistentTreeException(SignedCheckpoint lastSigned, TreeHead candidate, String why) {
    super(
        "refusing to sign tree size "
            + candidate.size()
            + " root "
            + Base64.getEncoder().encodeToString(candidate.root())
            + ": it is not consistent with the last signed checkpoint, size "
            + lastSigned.size()
            + " root "
            + Base64.getEncoder().encodeToString(lastSigned.root())
            + " ("
            + why
            + ")");
    this.lastSigned = lastSigned;
    this.candidate = candidate;
  }

  public SignedCheckpoint lastSigned() {
    return lastSigned;
  }

  public TreeHead candidate() {
    return candidate;
  }
}
