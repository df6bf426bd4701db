package io.lineageledger.ledger.journal;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.LongAdder;

/**
 * A prototype of the proposed fix to {@link TileStore#read}, used only to measure it: read the
 * WIDEST stored version of a tile (the full one when it exists; every narrower version is a prefix
 * of it because hashes below the right edge never change) and cache it, partial tiles included,
 * serving any narrower request from the cached prefix. {@link TreeReader} with the current
 * TileStore instead takes the NARROWEST version at least as wide as asked, which is usually one of
 * the partial tiles the sequencer left at each batch boundary, and partial tiles are never cached.
 */
final class WidestTileTree implements ProofBuilder.Tree {
  /** Tiles shared across proofs; unbounded here (tens of MB at 1M leaves), LRU-bounded in a fix. */
  static final class Cache {
    private final Map<Long, byte[][]> tiles = new ConcurrentHashMap<>();
    final LongAdder reads = new LongAdder();
    final LongAdder queries = new LongAdder();
  }

  private final Connection c;
  private final Cache cache;
  private final long size;

  WidestTileTree(Connection c, Cache cache, long size) {
    this.c = c;
    this.cache = cache;
    this.size = size;
  }

  @Override
  public long size() {
    return size;
  }

  /** Same decomposition as {@link TreeReader#range}. */
  @Override
  public byte[] range(long from, long to) throws SQLException {
    long n = to - from;
    if (Long.bitCount(n) == 1) {
      int level = Long.numberOfTrailingZeros(n);
      return node(level, from >>> level);
    }
    long k = Long.highestOneBit(n - 1);
    return TreeHashing.node(range(from, from + k), range(from + k, to));
  }

  private byte[] node(int level, long index) throws SQLException {
    int tileLevel = level / Tile.HEIGHT;
    int j = level % Tile.HEIGHT;
    long first = index << j;
    int count = 1 << j;
    long tileIndex = first / Tile.WIDTH;
    int offset = (int) (first % Tile.WIDTH);
    byte[][] hashes = read(tileLevel, tileIndex, offset + count);
    return TreeHashing.perfectRoot(hashes, offset, count);
  }

  private byte[][] read(int level, long index, int width) throws SQLException {
    cache.reads.increment();
    long key = (index << 3) | level;
    byte[][] cached = cache.tiles.get(key);
    if (cached != null && cached.length >= width) {
      return cached;
    }
    cache.queries.increment();
    try (PreparedStatement ps =
        c.prepareStatement(
            "SELECT hashes FROM journal_tiles WHERE level = ? AND idx = ? AND width >= ?"
                + " ORDER BY width DESC LIMIT 1")) {
      ps.setInt(1, level);
      ps.setLong(2, index);
      ps.setInt(3, width);
      try (ResultSet rs = ps.executeQuery()) {
        if (!rs.next()) {
          throw new SQLException("tile " + level + "/" + index + " width >= " + width + " missing");
        }
        byte[][] hashes = Tile.split(rs.getBytes(1));
        cache.tiles.merge(key, hashes, (a, b) -> a.length >= b.length ? a : b);
        return hashes;
      }
    }
  }

  /** Counts the tile reads a proof makes, without a database: the same decomposition again. */
  static final class Census implements ProofBuilder.Tree {
    private final long size;
    long nodes;

    Census(long size) {
      this.size = size;
    }

    @Override
    public long size() {
      return size;
    }

    @Override
    public byte[] range(long from, long to) {
      long n = to - from;
      if (Long.bitCount(n) == 1) {
        nodes++;
        return new byte[TreeHashing.HASH];
      }
      long k = Long.highestOneBit(n - 1);
      range(from, from + k);
      range(from + k, to);
      return new byte[TreeHashing.HASH];
    }
  }
}
