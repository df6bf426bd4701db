package io.lineageledger.ledger.journal;

import io.lineageledger.ledger.merkle.Hashes;
import io.lineageledger.ledger.merkle.ProofVerificationException;
import io.lineageledger.ledger.merkle.ProofVerifier;
import io.lineageledger.ledger.note.Checkpoint;
import io.lineageledger.ledger.note.NoteSigner;
import java.security.MessageDigest;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import javax.sql.DataSource;

/**
 * Signs checkpoints (C2SP tlog-checkpoint in a signed note) of the latest tree head, at most once
 * per {@code minInterval}. Before signing it proves, from the stored tiles, that the head's root is
 * what the tiles say and that the tree extends the last signed checkpoint; if not, it refuses with
 * {@link InconsistentTreeException}: the log never signs two checkpoints that contradict each
 * other.
 */
final class Checkpointer {
  private final DataSource db;
  private final TileStore tiles;
  private final NoteSigner signer;
  private final Clock clock;
  private final Duration minInterval;

  Checkpointer(
      DataSource db, TileStore tiles, NoteSigner signer, Clock clock, Duration minInterval) {
    this.db = db;
    this.tiles = tiles;
    this.signer = signer;
    this.clock = clock;
    this.minInterval = minInterval;
  }

  /** Signs the latest head if it is newer than the last checkpoint and the interval has passed. */
  Optional<SignedCheckpoint> maybeSign() throws SQLException, InconsistentTreeException {
    try (Connection c = db.getConnection()) {
      Optional<TreeHead> head = JournalQueries.latestHead(c);
      if (head.isEmpty()) {
        return Optional.empty();
      }
      Optional<SignedCheckpoint> last = latest(c);
      Instant now = clock.instant();
      if (last.isPresent()) {
        if (last.get().size() >= head.get().size()) {
          return Optional.empty();
        }
        if (Duration.between(last.get().signedAt(), now).compareTo(minInterval) < 0) {
          return Optional.empty();
        }
      }
      return Optional.of(sign(c, head.get(), last, now));
    }
  }

  private SignedCheckpoint sign(
      Connection c, TreeHead head, Optional<SignedCheckpoint> last, Instant now)
      throws SQLException, InconsistentTreeException {
    TreeReader tree = new TreeReader(c, tiles, head.size());
    byte[] fromTiles = tree.range(0, head.size());
    if (!MessageDigest.isEqual(fromTiles, head.root())) {
      SignedCheckpoint lastOrEmpty =
          last.orElse(new SignedCheckpoint(0, Hashes.emptyRoot(), "", Instant.EPOCH));
      throw new InconsistentTreeException(
          lastOrEmpty,
          head,
          "the tiles give root " + HexFormat.of().formatHex(fromTiles) + " for this size");
    }
    if (last.isPresent()) {
      List<byte[]> proof = ProofBuilder.consistency(tree, last.get().size());
      try {
        ProofVerifier.verifyConsistency(
            last.get().size(), head.size(), last.get().root(), head.root(), proof);
      } catch (ProofVerificationException e) {
        throw new InconsistentTreeException(last.get(), head, e.getMessage());
      }
    }
    String note = signer.sign(new Checkpoint(signer.keyName(), head.size(), head.root()));
    try (PreparedStatement ps =
        c.prepareStatement(
            "INSERT INTO journal_checkpoints (size, root, note, signed_at) VALUES (?, ?, ?, ?)"
                + " ON CONFLICT (size) DO NOTHING")) {
      ps.setLong(1, head.size());
      ps.setBytes(2, head.root());
      ps.setString(3, note);
      ps.setTimestamp(4, Timestamp.from(now));
      ps.executeUpdate();
    }
    // Another instance may have signed this size first; what is stored is what counts.
    return at(c, head.size()).orElseThrow();
  }

  static Optional<SignedCheckpoint> latest(Connection c) throws SQLException {
    return first(
        c,
        "SELECT size, root, note, signed_at FROM journal_checkpoints ORDER BY size DESC LIMIT 1",
        ps -> {});
  }

  static Optional<SignedCheckpoint> at(Connection c, long size) throws SQLException {
    return first(
        c,
        "SELECT size, root, note, signed_at FROM journal_checkpoints WHERE size = ?",
        ps -> ps.setLong(1, size));
  }

  /** The newest checkpoint of at most {@code size} leaves. */
  static Optional<SignedCheckpoint> atOrBelow(Connection c, long size) throws SQLException {
    return first(
        c,
        "SELECT size, root, note, signed_at FROM journal_checkpoints WHERE size <= ?"
            + " ORDER BY size DESC LIMIT 1",
        ps -> ps.setLong(1, size));
  }

  /** The newest checkpoint signed at or before {@code at}. */
  static Optional<SignedCheckpoint> signedBy(Connection c, java.time.Instant at)
      throws SQLException {
    return first(
        c,
        "SELECT size, root, note, signed_at FROM journal_checkpoints WHERE signed_at <= ?"
            + " ORDER BY size DESC LIMIT 1",
        ps -> ps.setTimestamp(1, java.sql.Timestamp.from(at)));
  }

  private interface Binder {
    void bind(PreparedStatement ps) throws SQLException;
  }

  private static Optional<SignedCheckpoint> first(Connection c, String sql, Binder binder)
      throws SQLException {
    try (PreparedStatement ps = c.prepareStatement(sql)) {
      binder.bind(ps);
      try (ResultSet rs = ps.executeQuery()) {
        return rs.next() ? Optional.of(read(rs)) : Optional.empty();
      }
    }
  }

  private static SignedCheckpoint read(ResultSet rs) throws SQLException {
    return new SignedCheckpoint(
        rs.getLong(1), rs.getBytes(2), rs.getString(3), rs.getTimestamp(4).toInstant());
  }
}
