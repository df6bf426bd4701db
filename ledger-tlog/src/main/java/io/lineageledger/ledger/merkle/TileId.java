package io.lineageledger.ledger.merkle;

/**
 * A C2SP tlog-tiles tile: the {@code index}-th run of up to 256 hashes at tile {@code level}, of
 * which {@code width} exist. A level-L tile holds Merkle-tree hashes of level 8L; width 256 is a
 * full tile, narrower ones are the partial tiles at the right edge of the tree.
 *
 * <p>Promises: {@code 0 <= level <= 63}, {@code index >= 0}, {@code 1 <= width <= 256}; {@link
 * #path()} and {@link #entriesPath()} are exactly the resource paths the specification defines.
 */
public record TileId(int level, long index, int width) {
  public TileId {
    if (level < 0 || level > Tiles.MAX_TILE_LEVEL) {
      throw new IllegalArgumentException(
          "tile level " + level + " outside [0, " + Tiles.MAX_TILE_LEVEL + "]");
    }
    if (index < 0) {
      throw new IllegalArgumentException(
          "tile index " + index + " outside [0, " + Long.MAX_VALUE + "] at level " + level);
    }
    if (width < 1 || width > Tiles.WIDTH) {
      throw new IllegalArgumentException(
          "tile width "
              + width
              + " outside [1, "
              + Tiles.WIDTH
              + "] for tile "
              + level
              + "/"
              + index);
    }
  }

  /** Whether all 256 hashes are present. */
  public boolean isFull() {
    return width == Tiles.WIDTH;
  }

  /** {@code tile/<L>/<N>[.p/<W>]}. */
  public String path() {
    return "tile/" + level + "/" + indexPath();
  }

  /** {@code tile/entries/<N>[.p/<W>]}, the entry bundle matching this level-0 tile. */
  public String entriesPath() {
    if (level != 0) {
      throw new IllegalStateException(
          "entry bundles exist only for level-0 tiles, not for level " + level);
    }
    return "tile/entries/" + indexPath();
  }

  private String indexPath() {
    String n = Tiles.encodeIndex(index);
    return isFull() ? n : n + ".p/" + width;
  }

  @Override
  public String toString() {
    return path();
  }
}
