package io.lineageledger.ledger.journal;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.List;

/**
 * Leaf index ↔ record id, stored as chunks of up to 256 consecutive leaves that never cross a
 * 256-leaf boundary (table {@code journal_leaf_chunks}; the database checks contiguity on insert).
 */
final class LeafChunks {
  static final int WIDTH = Tile.WIDTH;

  private LeafChunks() {}

  /** The record id at leaf {@code size - 1}, or 0 for the empty tree. */
  static long lastSeq(Connection c, long size) throws SQLException {
    if (size == 0) {
      return 0;
    }
    try (PreparedStatement ps =
        c.prepareStatement(
            "SELECT first_index + cardinality(seqs), last_seq FROM journal_leaf_chunks"
                + " ORDER BY first_index DESC LIMIT 1")) {
      try (ResultSet rs = ps.executeQuery()) {
        if (!rs.next() || rs.getLong(1) != size) {
          throw new SQLException(
              "tree head "
                  + size
                  + " disagrees with the leaf chunks, which end at "
                  + (rs.getRow() == 0 ? 0 : rs.getLong(1)));
        }
        return rs.getLong(2);
      }
    }
  }

  /** Writes leaves {@code size ..} for {@code seqs}, split at 256-leaf boundaries. */
  static void write(Connection c, long size, List<Long> seqs) throws SQLException {
    try (PreparedStatement ps =
        c.prepareStatement(
            "INSERT INTO journal_leaf_chunks (first_index, first_seq, last_seq, seqs)"
                + " VALUES (?, ?, ?, ?)")) {
      int from = 0;
      while (from < seqs.size()) {
        long index = size + from;
        int n = (int) Math.min(seqs.size() - from, WIDTH - index % WIDTH);
        List<Long> part = seqs.subList(from, from + n);
        ps.setLong(1, index);
        ps.setLong(2, part.get(0));
        ps.setLong(3, part.get(n - 1));
        ps.setArray(4, c.createArrayOf("int8", part.toArray(Long[]::new)));
        ps.addBatch();
        from += n;
      }
      ps.executeBatch();
    }
  }
}
