package io.lineageledger.ledger.journal;

import io.lineageledger.ledger.merkle.Hashes;

/** Counts the tile reads a proof makes, without a database: the same decomposition again. */
final class TileReadCensus implements ProofBuilder.Tree {
  private final long size;
  long nodes;

  TileReadCensus(long size) {
    this.size = size;
  }

  @Override
  public long size() {
    return size;
  }

  @Override
  public byte[] range(long from, long to) {
    long n = to - from;
    if (Long.bitCount(n) == 1) {
      nodes++;
      return new byte[Hashes.SIZE];
    }
    long k = Long.highestOneBit(n - 1);
    range(from, from + k);
    range(from + k, to);
    return new byte[Hashes.SIZE];
  }
}
