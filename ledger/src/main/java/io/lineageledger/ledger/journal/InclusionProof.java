package io.lineageledger.ledger.journal;

import java.util.List;

/**
 * Proof that a record is leaf {@code leafIndex} of the tree in {@code checkpoint}.
 *
 * @param recordId the record
 * @param leafIndex its position in the log
 * @param leafHash RFC 9162 hash of its canonical bytes
 * @param hashes the RFC 9162 inclusion path, leaf to root
 * @param checkpoint the signed checkpoint whose root the path leads to
 */
public record InclusionProof(
    long recordId,
    long leafIndex,
    byte[] leafHash,
    List<byte[]> hashes,
    SignedCheckpoint checkpoint) {}
