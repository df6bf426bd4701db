package io.lineageledger.ledger.journal;

import io.lineageledger.ledger.merkle.Hashes;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.IntFunction;

/**
 * Pure tile arithmetic for appending leaves: which tiles a batch creates and the new root. Only the
 * right edge (the partial tile at each level) is read; every completed tile contributes one hash to
 * the level above, so a batch of b leaves costs O(b + log n) hashing.
 */
final class TileIntegration {
  private TileIntegration() {}

  /**
   * @param size tree size before the batch
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
    long newSize = oldSize + leaves.size();
    List<Tile> written = new ArrayList<>();
    Map<Integer, byte[][]> edge = new HashMap<>();
    List<byte[]> incoming = leaves;
    for (int level = 0; !incoming.isEmpty(); level++) {
      long existing = oldSize >>> (Tile.HEIGHT * level);
      int have = (int) (existing % Tile.WIDTH);
      List<byte[]> row = new ArrayList<>(have + incoming.size());
      if (have > 0) {
        byte[][] partial = partialTile.apply(level);
        if (partial.length != have) {
          throw new IllegalStateException(
              "tile level "
                  + level
                  + " right edge has "
                  + partial.length
                  + " hashes; tree size "
                  + oldSize
                  + " needs "
                  + have);
        }
        row.addAll(Arrays.asList(partial));
      }
      row.addAll(incoming);
      List<byte[]> completed = new ArrayList<>();
      long tileIndex = existing / Tile.WIDTH;
      byte[][] lastPartial = new byte[0][];
      for (int pos = 0; pos < row.size(); pos += Tile.WIDTH, tileIndex++) {
        byte[][] hashes =
            row.subList(pos, Math.min(row.size(), pos + Tile.WIDTH)).toArray(byte[][]::new);
        written.add(new Tile(level, tileIndex, hashes));
        if (hashes.length == Tile.WIDTH) {
          completed.add(TreeHashing.perfectRoot(hashes, 0, Tile.WIDTH));
        } else {
          lastPartial = hashes;
        }
      }
      edge.put(level, lastPartial);
      incoming = completed;
    }
    return new Result(
        newSize,
        written,
        root(
            newSize,
            level -> edge.containsKey(level) ? edge.get(level) : partialTile.apply(level)));
  }

  /**
   * RFC 9162 root of a tree of {@code size} leaves from its right edge: the perfect subtrees of the
   * size's binary decomposition, largest (leftmost) first, folded from the right.
   */
  static byte[] root(long size, IntFunction<byte[][]> partialTile) {
    if (size == 0) {
      return Hashes.emptyRoot();
    }
    List<byte[]> perfect = new ArrayList<>();
    int top = 0;
    while ((size >>> (Tile.HEIGHT * (top + 1))) > 0) {
      top++;
    }
    for (int level = top; level >= 0; level--) {
      int count = (int) ((size >>> (Tile.HEIGHT * level)) % Tile.WIDTH);
      if (count == 0) {
        continue;
      }
      byte[][] hashes = partialTile.apply(level);
      int offset = 0;
      for (int bit = Tile.HEIGHT - 1; bit >= 0; bit--) {
        if ((count & (1 << bit)) != 0) {
          perfect.add(TreeHashing.perfectRoot(hashes, offset, 1 << bit));
          offset += 1 << bit;
        }
      }
    }
    byte[] root = perfect.get(perfect.size() - 1);
    for (int i = perfect.size() - 2; i >= 0; i--) {
      root = Hashes.nodeHash(perfect.get(i), root);
    }
    return root;
  }
}
