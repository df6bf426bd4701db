package io.lineageledger.ledger.journal;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.Optional;

/** Small shared reads of the journal tables. */
final class JournalQueries {
  private JournalQueries() {}

  static Optional<TreeHead> latestHead(Connection c) throws SQLException {
    try (PreparedStatement ps =
            c.prepareStatement(
                "SELECT size, root, created_at FROM journal_tree_heads ORDER BY size DESC LIMIT 1");
        ResultSet rs = ps.executeQuery()) {
      return rs.next()
          ? Optional.of(new TreeHead(rs.getLong(1), rs.getBytes(2), rs.getTimestamp(3).toInstant()))
          : Optional.empty();
    }
  }

  static Optional<TreeHead> head(Connection c, long size) throws SQLException {
    try (PreparedStatement ps =
        c.prepareStatement(
            "SELECT size, root, created_at FROM journal_tree_heads WHERE size = ?")) {
      ps.setLong(1, size);
      try (ResultSet rs = ps.executeQuery()) {
        return rs.next()
            ? Optional.of(
                new TreeHead(rs.getLong(1), rs.getBytes(2), rs.getTimestamp(3).toInstant()))
            : Optional.empty();
      }
    }
  }
}
