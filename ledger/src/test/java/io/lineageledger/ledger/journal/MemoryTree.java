package io.lineageledger.ledger.journal;

import io.lineageledger.ledger.merkle.Hashes;
import java.util.List;

/** A tree held as its leaf hashes, hashing ranges straight from the RFC 9162 definition. */
record MemoryTree(List<byte[]> leaves, long size) {
  MemoryTree(List<byte[]> leaves) {
    this(leaves, leaves.size());
  }

  byte[] range(long from, long to) {
    long n = to - from;
    if (n == 0) {
      return Hashes.emptyRoot();
    }
    if (n == 1) {
      return leaves.get((int) from);
    }
    long k = Long.highestOneBit(n - 1);
    return Hashes.nodeHash(range(from, from + k), range(from + k, to));
  }

  byte[] root() {
    return range(0, size);
  }
}
