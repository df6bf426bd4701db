package io.lineageledger.ledger.merkle;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * C2SP tlog-tiles layout (https://c2sp.org/tlog-tiles) with tile height 8: which tiles exist for a
 * tree size, which ones a batch changes and what they contain, and where any node's hash lives.
 *
 * <p>Promises: a level-L tile's i-th hash is the Merkle-tree hash of level 8L at index {@code N*256
 * + i}; the tree of size s has {@code floor(s / 256^L) mod 256} hashes in its level-L partial tile
 * and no empty tiles; hashes at levels between tile levels are recomputed from the tile below,
 * never stored.
 */
public final class Tiles {
  /** Merkle levels spanned by one tile. */
  public static final int HEIGHT = 8;

  /** Hashes in a full tile. */
  public static final int WIDTH = 1 << HEIGHT;

  /** The specification bounds {@code <L>} to 0..63 even though 64-bit sizes never reach 8. */
  static final int MAX_TILE_LEVEL = 63;

  private static final int TILE_MASK = WIDTH - 1;

  private Tiles() {}

  /**
   * Every tile that exists for a tree of {@code size} leaves, level by level, full tiles first and
   * then the partial one. Linear in the size; meant for audits, backfills and tests.
   */
  public static List<TileId> tilesForSize(long size) {
    requireSize("size", size);
    List<TileId> tiles = new ArrayList<>();
    for (int level = 0; hashCount(level, size) > 0; level++) {
      long count = hashCount(level, size);
      long full = count >>> HEIGHT;
      for (long n = 0; n < full; n++) {
        tiles.add(new TileId(level, n, WIDTH));
      }
      int partial = (int) (count & TILE_MASK);
      if (partial > 0) {
        tiles.add(new TileId(level, full, partial));
      }
    }
    return tiles;
  }

  /**
   * The tiles, with their widths at {@code newSize}, whose contents differ from (or did not exist)
   * at {@code oldSize}: what the storage layer writes after integrating leaves {@code [oldSize,
   * newSize)}.
   */
  public static List<TileId> changedTiles(long oldSize, long newSize) {
    requireGrowth(oldSize, newSize);
    List<TileId> tiles = new ArrayList<>();
    for (int level = 0; hashCount(level, newSize) > hashCount(level, oldSize); level++) {
      long oldCount = hashCount(level, oldSize);
      long newCount = hashCount(level, newSize);
      for (long n = oldCount >>> HEIGHT; n <= (newCount - 1) >>> HEIGHT; n++) {
        tiles.add(new TileId(level, n, widthAt(n, newCount)));
      }
    }
    return tiles;
  }

  /**
   * The partial tiles of {@code oldSize} that growing to {@code newSize} extends; their current
   * contents are the prefix of the grown tiles, and the compact range alone cannot supply them.
   */
  public static List<TileId> partialTilesToExtend(long oldSize, long newSize) {
    requireGrowth(oldSize, newSize);
    List<TileId> tiles = new ArrayList<>();
    for (int level = 0; hashCount(level, newSize) > hashCount(level, oldSize); level++) {
      long oldCount = hashCount(level, oldSize);
      int width = (int) (oldCount & TILE_MASK);
      if (width > 0) {
        tiles.add(new TileId(level, oldCount >>> HEIGHT, width));
      }
    }
    return tiles;
  }

  /**
   * Contents of every tile in {@link #changedTiles}, from the old partial tiles ({@link
   * #partialTilesToExtend}, keyed by those ids) and the nodes the batch completed (as {@link
   * Integration#nodes()} reports them; nodes off tile levels are ignored).
   *
   * @throws IllegalArgumentException if a needed partial tile or new node hash is missing, a
   *     partial tile has the wrong length, or a tile-level node is not new in this growth
   */
  public static List<TileContents> buildChangedTiles(
      long oldSize, long newSize, Map<TileId, byte[]> previousPartials, List<Node> newNodes) {
    requireGrowth(oldSize, newSize);
    List<byte[][]> fresh = freshTileLevelHashes(oldSize, newSize, newNodes);
    List<TileContents> tiles = new ArrayList<>();
    for (TileId tile : changedTiles(oldSize, newSize)) {
      long oldCount = hashCount(tile.level(), oldSize);
      long first = tile.index() << HEIGHT;
      byte[] bytes = new byte[tile.width() * Hashes.SIZE];
      int kept = (int) Math.max(0, Math.min(oldCount - first, tile.width()));
      if (kept > 0) {
        TileId previous = new TileId(tile.level(), tile.index(), kept);
        byte[] prefix = previousPartials.get(previous);
        if (prefix == null || prefix.length != kept * Hashes.SIZE) {
          throw new IllegalArgumentException(
              "partial tile "
                  + previous
                  + " must be supplied with exactly "
                  + kept * Hashes.SIZE
                  + " bytes to extend it, got "
                  + (prefix == null ? "nothing" : prefix.length + " bytes"));
        }
        System.arraycopy(prefix, 0, bytes, 0, prefix.length);
      }
      byte[][] levelHashes = fresh.get(tile.level());
      for (int i = kept; i < tile.width(); i++) {
        long index = first + i;
        byte[] hash = levelHashes[(int) (index - oldCount)];
        if (hash == null) {
          throw new IllegalArgumentException(
              "new nodes lack the hash of node "
                  + new NodeId(tile.level() * HEIGHT, index)
                  + " needed for tile "
                  + tile);
        }
        System.arraycopy(hash, 0, bytes, i * Hashes.SIZE, Hashes.SIZE);
      }
      tiles.add(new TileContents(tile, bytes));
    }
    return tiles;
  }

  /** Per tile level, the hashes that became available between the sizes, by index - oldCount. */
  private static List<byte[][]> freshTileLevelHashes(
      long oldSize, long newSize, List<Node> newNodes) {
    List<byte[][]> fresh = new ArrayList<>();
    for (int level = 0; hashCount(level, newSize) > hashCount(level, oldSize); level++) {
      long added = hashCount(level, newSize) - hashCount(level, oldSize);
      if (added > Integer.MAX_VALUE) {
        throw new IllegalArgumentException(
            "growth from " + oldSize + " to " + newSize + " is too large for one batch");
      }
      fresh.add(new byte[(int) added][]);
    }
    for (Node node : newNodes) {
      int merkleLevel = node.id().level();
      if (merkleLevel % HEIGHT != 0) {
        continue;
      }
      int level = merkleLevel / HEIGHT;
      long oldCount = hashCount(level, oldSize);
      long index = node.id().index();
      if (level >= fresh.size() || index < oldCount || index >= hashCount(level, newSize)) {
        throw new IllegalArgumentException(
            "node " + node.id() + " is not new when growing from " + oldSize + " to " + newSize);
      }
      fresh.get(level)[(int) (index - oldCount)] = node.hashView();
    }
    return fresh;
  }

  /**
   * Where the hash of {@code id} is found in the tiles of a tree of {@code treeSize} leaves; the
   * returned tile carries its width at that size.
   */
  public static TileSlot locate(NodeId id, long treeSize) {
    requireSize("treeSize", treeSize);
    if (id.end() > treeSize) {
      throw new IllegalArgumentException(
          "node "
              + id
              + " covers leaves ["
              + id.begin()
              + ", "
              + id.end()
              + ") beyond tree size "
              + treeSize);
    }
    int level = id.level() / HEIGHT;
    int above = id.level() % HEIGHT;
    long first = id.index() << above;
    long tileIndex = first >>> HEIGHT;
    TileId tile = new TileId(level, tileIndex, widthAt(tileIndex, hashCount(level, treeSize)));
    return new TileSlot(tile, (int) (first & TILE_MASK), 1 << above);
  }

  /**
   * The node hash {@code slot} describes, from the contents of its tile. The contents may come from
   * a wider version of the same tile (a later partial or the full tile), since tiles only grow.
   */
  public static byte[] hashAt(TileSlot slot, byte[] contents) {
    int needed = (slot.offset() + slot.count()) * Hashes.SIZE;
    if (contents == null
        || contents.length < needed
        || contents.length > WIDTH * Hashes.SIZE
        || contents.length % Hashes.SIZE != 0) {
      throw new IllegalArgumentException(
          "tile "
              + slot.tile()
              + " contents must be a multiple of "
              + Hashes.SIZE
              + " bytes in ["
              + needed
              + ", "
              + WIDTH * Hashes.SIZE
              + "], got "
              + (contents == null ? "null" : contents.length + " bytes"));
    }
    int count = slot.count();
    byte[] work = new byte[count * Hashes.SIZE];
    System.arraycopy(contents, slot.offset() * Hashes.SIZE, work, 0, work.length);
    // Fold pairs in place, halving the run each round, until one hash remains at the front.
    for (; count > 1; count >>>= 1) {
      for (int i = 0; i < count / 2; i++) {
        Hashes.nodeHashInto(
            work, 2 * i * Hashes.SIZE, work, (2 * i + 1) * Hashes.SIZE, work, i * Hashes.SIZE);
      }
    }
    return work.length == Hashes.SIZE ? work : Arrays.copyOf(work, Hashes.SIZE);
  }

  /** The distinct tiles holding {@code ids} in a tree of {@code treeSize}, for one batched read. */
  public static List<TileId> tilesFor(List<NodeId> ids, long treeSize) {
    Set<TileId> tiles = new LinkedHashSet<>();
    for (NodeId id : ids) {
      tiles.add(locate(id, treeSize).tile());
    }
    return new ArrayList<>(tiles);
  }

  /**
   * The hashes of {@code ids} in a tree of {@code treeSize}, from tile contents keyed by the ids
   * {@link #tilesFor} returned; with it a storage layer implements {@link HashReader} over tiles.
   */
  public static List<byte[]> nodeHashes(
      List<NodeId> ids, long treeSize, Map<TileId, byte[]> tiles) {
    List<byte[]> hashes = new ArrayList<>(ids.size());
    for (NodeId id : ids) {
      TileSlot slot = locate(id, treeSize);
      byte[] contents = tiles.get(slot.tile());
      if (contents == null) {
        throw new IllegalArgumentException(
            "tile " + slot.tile() + " holding node " + id + " was not supplied");
      }
      hashes.add(hashAt(slot, contents));
    }
    return hashes;
  }

  /**
   * The {@code <N>} path element: 3-digit zero-padded groups, most significant first, all but the
   * last prefixed with {@code x} (1234067 becomes {@code x001/x234/067}).
   */
  static String encodeIndex(long index) {
    StringBuilder path = new StringBuilder();
    appendGroup(path, index % 1000);
    for (long rest = index / 1000; rest > 0; rest /= 1000) {
      path.insert(0, '/');
      StringBuilder group = new StringBuilder("x");
      appendGroup(group, rest % 1000);
      path.insert(0, group);
    }
    return path.toString();
  }

  private static void appendGroup(StringBuilder out, long group) {
    if (group < 100) {
      out.append('0');
    }
    if (group < 10) {
      out.append('0');
    }
    out.append(group);
  }

  /** Hashes at Merkle level 8L that exist in a tree of {@code size} leaves. */
  static long hashCount(int tileLevel, long size) {
    int shift = tileLevel * HEIGHT;
    // Java masks shift distances to 6 bits, so guard the levels no 64-bit size reaches.
    return shift >= Long.SIZE ? 0 : size >>> shift;
  }

  private static int widthAt(long tileIndex, long hashCount) {
    return (int) Math.min(WIDTH, hashCount - (tileIndex << HEIGHT));
  }

  private static void requireGrowth(long oldSize, long newSize) {
    requireSize("oldSize", oldSize);
    if (newSize < oldSize) {
      throw new IllegalArgumentException(
          "newSize " + newSize + " outside [" + oldSize + ", " + Long.MAX_VALUE + "]");
    }
  }

  private static void requireSize(String what, long size) {
    if (size < 0) {
      throw new IllegalArgumentException(
          what + " " + size + " outside [0, " + Long.MAX_VALUE + "]");
    }
  }
}
