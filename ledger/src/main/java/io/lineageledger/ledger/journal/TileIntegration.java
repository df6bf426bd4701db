package io.lineageledger.ledger.journal;

import io.lineageledger.ledger.merkle.CompactRange;
import io.lineageledger.ledger.merkle.Integration;
import io.lineageledger.ledger.merkle.TileContents;
import io.lineageledger.ledger.merkle.TileId;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.IntFunction;

/**
 * Appends a batch of leaves to a tree known only by its right edge of tiles, with the math of
 * {@link CompactRange}: the compact range is read off the partial tiles (each level's partial tile
 * holds the perfect subtrees of that level's share of the size), the batch is appended, and the
 * changed tiles and the new root come back. O(batch + log n).
 */
final class TileIntegration {
  private TileIntegration() {}

  /**
   * @param size tree size after the batch
   * @param tiles every tile written (full, or partial at the right edge), in level order
   * @param root RFC 9162 root of the new tree
   */
  record Result(long size, List<Tile> tiles, byte[] root) {}

  /**
   * @param oldSize tree size before
   * @param partialTile for tile level L, the hashes of that level's partial tile at {@code oldSize}
   *     (exactly {@code (oldSize >> 8L) % 256} of them); called only when that count is positive
   * @param leaves leaf hashes to append, in order
   */
  static Result integrate(long oldSize, IntFunction<byte[][]> partialTile, List<byte[]> leaves) {
    Map<Integer, byte[][]> edge = new HashMap<>();
    List<byte[]> compact = new ArrayList<>();
    for (int level = topLevel(oldSize); level >= 0 && oldSize > 0; level--) {
      int count = (int) ((oldSize >>> (Tile.HEIGHT * level)) % Tile.WIDTH);
      if (count == 0) {
        continue;
      }
      byte[][] hashes = partialTile.apply(level);
      if (hashes.length != count) {
        throw new IllegalStateException(
            "tile level "
                + level
                + " right edge has "
                + hashes.length
                + " hashes; tree size "
                + oldSize
                + " needs "
                + count);
      }
      edge.put(level, hashes);
      int offset = 0;
      for (int bit = Tile.HEIGHT - 1; bit >= 0; bit--) {
        if ((count & (1 << bit)) != 0) {
          compact.add(TreeHashing.perfectRoot(hashes, offset, 1 << bit));
          offset += 1 << bit;
        }
      }
    }
    Integration grown = CompactRange.of(oldSize, compact).append(leaves);
    Map<TileId, byte[]> previous = new HashMap<>();
    for (TileId t : grown.partialTilesToRead()) {
      previous.put(t, new Tile(t.level(), t.index(), edge.get(t.level())).bytes());
    }
    List<Tile> written = new ArrayList<>();
    for (TileContents t : grown.tiles(previous)) {
      written.add(new Tile(t.id().level(), t.id().index(), Tile.split(t.hashes())));
    }
    return new Result(grown.newSize(), written, grown.root());
  }

  private static int topLevel(long size) {
    int top = 0;
    while ((size >>> (Tile.HEIGHT * (top + 1))) > 0) {
      top++;
    }
    return top;
  }
}
