package io.lineageledger.ledger.journal;

import io.lineageledger.ledger.merkle.Hashes;
import java.sql.Connection;
import java.sql.SQLException;

/**
 * Reads perfect-subtree hashes of the tree at one size from its tiles. A node at Merkle level
 * {@code 8L + j} is recomputed from the 2^j level-8L hashes below it in a level-L tile.
 */
final class TreeReader {
  private final Connection c;
  private final TileStore tiles;
  private final long size;

  TreeReader(Connection c, TileStore tiles, long size) {
    this.c = c;
    this.tiles = tiles;
    this.size = size;
  }

  long size() {
    return size;
  }

  /** Hash of the perfect subtree of 2^level leaves starting at leaf {@code index << level}. */
  byte[] node(int level, long index) throws SQLException {
    int tileLevel = level / Tile.HEIGHT;
    int j = level % Tile.HEIGHT;
    long first = index << j; // index among level-8L hashes
    int count = 1 << j;
    long tileIndex = first / Tile.WIDTH;
    int offset = (int) (first % Tile.WIDTH);
    byte[][] hashes =
        tiles
            .read(c, tileLevel, tileIndex, offset + count)
            .orElseThrow(
                () ->
                    new SQLException(
                        "tile "
                            + tileLevel
                            + "/"
                            + tileIndex
                            + " (width >= "
                            + (offset + count)
                            + ") is missing for tree size "
                            + size));
    return TreeHashing.perfectRoot(hashes, offset, count);
  }

  /** The partial tile at {@code level} for this size (the right edge). */
  byte[][] rightEdge(int level) throws SQLException {
    long count = size >>> (Tile.HEIGHT * level);
    int width = (int) (count % Tile.WIDTH);
    long index = count / Tile.WIDTH;
    return tiles
        .read(c, level, index, width)
        .orElseThrow(
            () ->
                new SQLException(
                    "partial tile "
                        + level
                        + "/"
                        + index
                        + "."
                        + width
                        + " is missing for tree size "
                        + size));
  }

  /** RFC 9162 MTH of leaves [from, to), to ≤ size. */
  byte[] range(long from, long to) throws SQLException {
    long n = to - from;
    if (Long.bitCount(n) == 1) {
      int level = Long.numberOfTrailingZeros(n);
      return node(level, from >>> level);
    }
    long k = Long.highestOneBit(n - 1);
    return Hashes.nodeHash(range(from, from + k), range(from + k, to));
  }
}
