package io.lineageledger.ledger.journal;

import io.lineageledger.ledger.merkle.Hashes;

/**
 * A C2SP tlog-tiles hash tile: {@code hashes.length} (1..256) consecutive 32-byte hashes of Merkle
 * level {@code 8 * level}, the first being node {@code 256 * index} of that level.
 */
record Tile(int level, long index, byte[][] hashes) {
  static final int WIDTH = 256;
  static final int HEIGHT = 8;

  Tile {
    if (level < 0 || level > 7) {
      throw new IllegalArgumentException("tile level " + level + " is not allowed: expected 0..7");
    }
    if (index < 0) {
      throw new IllegalArgumentException("tile index " + index + " is not allowed: expected >= 0");
    }
    if (hashes.length < 1 || hashes.length > WIDTH) {
      throw new IllegalArgumentException(
          "tile width " + hashes.length + " is not allowed: expected 1..256");
    }
  }

  int width() {
    return hashes.length;
  }

  /** The tile's bytes as served: its hashes concatenated. */
  byte[] bytes() {
    byte[] out = new byte[hashes.length * Hashes.SIZE];
    for (int i = 0; i < hashes.length; i++) {
      System.arraycopy(hashes[i], 0, out, i * Hashes.SIZE, Hashes.SIZE);
    }
    return out;
  }

  static byte[][] split(byte[] bytes) {
    byte[][] h = new byte[bytes.length / Hashes.SIZE][];
    for (int i = 0; i < h.length; i++) {
      h[i] = java.util.Arrays.copyOfRange(bytes, i * Hashes.SIZE, (i + 1) * Hashes.SIZE);
    }
    return h;
  }
}
