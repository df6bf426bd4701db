package io.lineageledger.ledger.journal;

import java.time.Instant;
import java.util.OptionalLong;

/**
 * A journaled record as stored: its canonical bytes (the leaf data), leaf hash, raw bytes when the
 * source sent any, arrival time, and leaf index once sequenced.
 */
public record StoredRecord(
    long id,
    String source,
    String kind,
    String sourceRef,
    byte[] canonical,
    byte[] leafHash,
    byte[] raw,
    Instant receivedAt,
    OptionalLong leafIndex) {

  @Override
  public byte[] canonical() {
    return canonical.clone();
  }

  @Override
  public byte[] leafHash() {
    return leafHash.clone();
  }

  @Override
  public byte[] raw() {
    return raw == null ? null : raw.clone();
  }
}
