package io.lineageledger.ledger.journal;

/**
 * A record was refused because a different record with the same {@code (source, sourceRef)} is
 * already journaled. The refused attempt is not lost: it is journaled as its own record of kind
 * {@value Journal#CONFLICT_KIND}, whose id this exception carries with the evidence.
 */
public final class JournalConflictException extends Exception {
  private static final long serialVersionUID = 1L;

  private final String source;
  private final String sourceRef;
  private final long existingId;
  private final String attemptedSha256;
  private final long conflictRecordId;

  JournalConflictException(
      String source,
      String sourceRef,
      long existingId,
      String attemptedSha256,
      long conflictRecordId) {
    super(
        "record "
            + source
            + "/"
            + sourceRef
            + " is already journaled as record "
            + existingId
            + " with different content; the attempt (canonical SHA-256 "
            + attemptedSha256
            + ") was refused and journaled as record "
            + conflictRecordId);
    this.source = source;
    this.sourceRef = sourceRef;
    this.existingId = existingId;
    this.attemptedSha256 = attemptedSha256;
    this.conflictRecordId = conflictRecordId;
  }

  public String source() {
    return source;
  }

  public String sourceRef() {
    return sourceRef;
  }

  public long existingId() {
    return existingId;
  }

  public String attemptedSha256() {
    return attemptedSha256;
  }

  public long conflictRecordId() {
    return conflictRecordId;
  }
}
