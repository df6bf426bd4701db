package io.lineageledger.ledger.merkle;

import java.util.List;
import java.util.Map;

/**
 * The outcome of integrating one batch of leaves with {@link CompactRange#append}: the grown range,
 * its root, and every perfect-subtree hash that became available.
 *
 * <p>Promises: {@link #nodes()} holds exactly the nodes that are complete at {@link #newSize()} but
 * were not at {@link #oldSize()} (each leaf followed by the ancestors it completed), and {@link
 * #root()} equals MTH over all {@link #newSize()} leaves.
 */
public final class Integration {
  private final long oldSize;
  private final CompactRange range;
  private final List<Node> nodes;

  Integration(long oldSize, CompactRange range, List<Node> nodes) {
    this.oldSize = oldSize;
    this.range = range;
    this.nodes = nodes;
  }

  /** Tree size before the batch. */
  public long oldSize() {
    return oldSize;
  }

  /** Tree size after the batch. */
  public long newSize() {
    return range.size();
  }

  /** The right edge after the batch; feed it to the next {@link CompactRange#append}. */
  public CompactRange range() {
    return range;
  }

  /** Root of the tree after the batch. */
  public byte[] root() {
    return range.root();
  }

  /** Every newly completed node, unmodifiable. */
  public List<Node> nodes() {
    return nodes;
  }

  /** The tiles (with their widths at {@link #newSize()}) this batch changed or created. */
  public List<TileId> changedTiles() {
    return Tiles.changedTiles(oldSize, newSize());
  }

  /**
   * The partial tiles at {@link #oldSize()} whose contents {@link #tiles} needs because this batch
   * extends them; the storage layer reads these before writing.
   */
  public List<TileId> partialTilesToRead() {
    return Tiles.partialTilesToExtend(oldSize, newSize());
  }

  /**
   * The full contents of every tile in {@link #changedTiles()}, given the contents of the tiles
   * {@link #partialTilesToRead()} names.
   */
  public List<TileContents> tiles(Map<TileId, byte[]> previousPartials) {
    return Tiles.buildChangedTiles(oldSize, newSize(), previousPartials, nodes);
  }
}
