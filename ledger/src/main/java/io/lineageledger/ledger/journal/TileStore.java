package io.lineageledger.ledger.journal;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Tiles in PostgreSQL. Writes are idempotent (a tile of a given level, index and width never
 * changes, so a rewrite is a no-op). Reads are cached.
 */
final class TileStore {
  /** Widest known version of each tile, by (level, index); guarded by itself. */
  private final Map<Long, byte[][]> cache;

  TileStore(int cachedTiles) {
    this.cache =
        new LinkedHashMap<>(1024, 0.75f, true) {
          private static final long serialVersionUID = 1L;

          @Override
          protected boolean removeEldestEntry(Map.Entry<Long, byte[][]> eldest) {
            return size() > cachedTiles;
          }
        };
  }

  private static long key(int level, long index) {
    return (index << 3) | level;
  }

  void write(Connection c, List<Tile> tiles) throws SQLException {
    if (tiles.isEmpty()) {
      return;
    }
    Integer[] levels = new Integer[tiles.size()];
    Long[] indices = new Long[tiles.size()];
    Integer[] widths = new Integer[tiles.size()];
    byte[][] hashes = new byte[tiles.size()][];
    for (int i = 0; i < tiles.size(); i++) {
      Tile t = tiles.get(i);
      levels[i] = t.level();
      indices[i] = t.index();
      widths[i] = t.width();
      hashes[i] = t.bytes();
    }
    try (PreparedStatement ps =
        c.prepareStatement(
            "INSERT INTO journal_tiles (level, idx, width, hashes)"
                + " SELECT * FROM unnest(?::int[], ?::bigint[], ?::int[], ?::bytea[])"
                + " ON CONFLICT DO NOTHING")) {
      ps.setArray(1, c.createArrayOf("int4", levels));
      ps.setArray(2, c.createArrayOf("int8", indices));
      ps.setArray(3, c.createArrayOf("int4", widths));
      ps.setArray(4, c.createArrayOf("bytea", hashes));
      ps.executeUpdate();
    }
  }

  /**
   * The first {@code width} hashes of tile (level, index), from the widest version stored: every
   * narrower version is a prefix of it, because hashes left of the right edge never change. The
   * widest version seen is cached (full tiles forever, partial ones until a wider one is read), so
   * proofs mostly touch memory.
   *
   * @return empty when no version at least {@code width} wide is stored
   */
  Optional<byte[][]> read(Connection c, int level, long index, int width) throws SQLException {
    byte[][] cached;
    synchronized (cache) {
      cached = cache.get(key(level, index));
    }
    if (cached != null && cached.length >= width) {
      return Optional.of(cached.length == width ? cached : Arrays.copyOf(cached, width));
    }
    try (PreparedStatement ps =
        c.prepareStatement(
            "SELECT hashes FROM journal_tiles WHERE level = ? AND idx = ? ORDER BY width DESC LIMIT 1")) {
      ps.setInt(1, level);
      ps.setLong(2, index);
      try (ResultSet rs = ps.executeQuery()) {
        if (!rs.next()) {
          return Optional.empty();
        }
        byte[][] hashes = Tile.split(rs.getBytes(1));
        synchronized (cache) {
          byte[][] seen = cache.get(key(level, index));
          if (seen == null || seen.length < hashes.length) {
            cache.put(key(level, index), hashes);
          }
        }
        if (hashes.length < width) {
          return Optional.empty();
        }
        return Optional.of(hashes.length == width ? hashes : Arrays.copyOf(hashes, width));
      }
    }
  }

  /** Raw stored bytes of exactly tile (level, index, width), as the tiles endpoint serves them. */
  static Optional<byte[]> exact(Connection c, int level, long index, int width)
      throws SQLException {
    try (PreparedStatement ps =
        c.prepareStatement(
            "SELECT hashes FROM journal_tiles WHERE level = ? AND idx = ? AND width = ?")) {
      ps.setInt(1, level);
      ps.setLong(2, index);
      ps.setInt(3, width);
      try (ResultSet rs = ps.executeQuery()) {
        return rs.next() ? Optional.of(rs.getBytes(1)) : Optional.empty();
      }
    }
  }
}
