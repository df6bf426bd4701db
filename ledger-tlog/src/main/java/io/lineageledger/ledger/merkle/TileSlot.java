package io.lineageledger.ledger.merkle;

/**
 * Where a node's hash comes from in tlog-tiles: {@code count} consecutive hashes starting at {@code
 * offset} in {@code tile}, whose Merkle root is the node's hash. Nodes on a tile level have {@code
 * count == 1}; a node {@code k} levels above one is rebuilt from {@code 2^k} hashes.
 *
 * <p>Promises: {@code count} is a power of two no larger than 128, {@code offset} is a multiple of
 * {@code count}, and {@code offset + count <= tile.width()}.
 */
public record TileSlot(TileId tile, int offset, int count) {
  public TileSlot {
    if (tile == null) {
      throw new IllegalArgumentException("tile is null");
    }
    if (count < 1 || count > Tiles.WIDTH / 2 || Integer.bitCount(count) != 1) {
      throw new IllegalArgumentException(
          "count " + count + " is not a power of two in [1, " + Tiles.WIDTH / 2 + "]");
    }
    if (offset < 0 || offset % count != 0 || offset + count > tile.width()) {
      throw new IllegalArgumentException(
          "offset "
              + offset
              + " must be a multiple of "
              + count
              + " in [0, "
              + (tile.width() - count)
              + "] for tile "
              + tile);
    }
  }
}
