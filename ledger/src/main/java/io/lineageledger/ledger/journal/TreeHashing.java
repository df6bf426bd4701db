package io.lineageledger.ledger.journal;

import io.lineageledger.ledger.merkle.Hashes;

/** Roots of perfect subtrees from the hashes of a tile row (RFC 9162 node hashing). */
final class TreeHashing {
  private TreeHashing() {}

  /** Root of a perfect subtree whose 2^k bottom hashes are {@code hashes[from, from + count)}. */
  static byte[] perfectRoot(byte[][] hashes, int from, int count) {
    if (count == 1) {
      return hashes[from];
    }
    byte[][] level = new byte[count / 2][];
    for (int i = 0; i < level.length; i++) {
      level[i] = Hashes.nodeHash(hashes[from + 2 * i], hashes[from + 2 * i + 1]);
    }
    return perfectRoot(level, 0, level.length);
  }
}
