package io.lineageledger.ledger.journal;

import java.time.Instant;

/** A tree size and its RFC 9162 root, as the sequencer committed them. */
public record TreeHead(long size, byte[] root, Instant createdAt) {
  public TreeHead {
    if (size < 0 || root == null || root.length != 32) {
      throw new IllegalArgumentException(
          "tree head needs size >= 0 and a 32-byte root, got size " + size);
    }
    root = root.clone();
  }

  @Override
  public byte[] root() {
    return root.clone();
  }
}
