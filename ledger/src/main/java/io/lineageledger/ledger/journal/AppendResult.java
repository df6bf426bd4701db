package io.lineageledger.ledger.journal;

import java.util.OptionalLong;

/**
 * What {@link Journal#appendAll} did with one record.
 *
 * @param status CREATED (new, durable, awaiting a leaf index), EXISTING (the same fact was already
 *     journaled; nothing written) or CONFLICT (the same source and sourceRef with different
 *     content: refused, and the attempt itself journaled as {@code conflictRecordId})
 * @param id the journaled record's id (for CONFLICT: the existing record's)
 * @param leafIndex the record's leaf index once sequenced
 * @param conflictRecordId for CONFLICT, the id of the record that documents the refused attempt
 */
public record AppendResult(
    Status status, long id, OptionalLong leafIndex, OptionalLong conflictRecordId) {
  /** See {@link AppendResult}. */
  public enum Status {
    CREATED,
    EXISTING,
    CONFLICT
  }
}
