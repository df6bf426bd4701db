package io.lineageledger.ledger.journal;

import io.lineageledger.ledger.note.NoteSigner;
import java.io.ByteArrayOutputStream;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;
import javax.sql.DataSource;

/**
 * The verifiable journal as the service uses it: appending ({@link #journal()}), the background
 * step that sequences and checkpoints ({@link #step()}), and the read side — signed checkpoints,
 * inclusion and consistency proofs, and C2SP tiles. Blocking (JDBC); safe to share between threads.
 */
public final class TransparencyLog implements AutoCloseable {
  private final DataSource db;
  private final NoteSigner signer;
  private final Journal journal;
  private final TileStore tiles;
  private final Sequencer sequencer;
  private final Checkpointer checkpointer;
  private final int maxRoundsPerStep;

  /**
   * @param batchSize most records one sequencing transaction takes
   * @param checkpointInterval least time between two signed checkpoints
   */
  public TransparencyLog(
      DataSource db, NoteSigner signer, Clock clock, int batchSize, Duration checkpointInterval) {
    this.db = db;
    this.signer = signer;
    this.journal = new Journal(db, clock);
    this.tiles = new TileStore(8192);
    this.sequencer = new Sequencer(db, tiles, clock, batchSize);
    this.checkpointer = new Checkpointer(db, tiles, signer, clock, checkpointInterval);
    this.maxRoundsPerStep = 50;
  }

  public Journal journal() {
    return journal;
  }

  /** The log's origin: the first line of its checkpoints and its key's name. */
  public String origin() {
    return signer.keyName();
  }

  /** The note verifier key ({@code <name>+<keyid>+<base64 key>}) that checks the checkpoints. */
  public String verifierKey() {
    return signer.vkey();
  }

  /** Whether this instance holds the sequencer lock (tries to take it). */
  public boolean isSequencer() throws SQLException {
    return sequencer.tryLead();
  }

  /**
   * Sequences what is waiting (a bounded number of batches) and signs a checkpoint when due.
   *
   * @return the records sequenced
   */
  public long step() throws SQLException, InconsistentTreeException {
    long sequenced = 0;
    for (int round = 0; round < maxRoundsPerStep; round++) {
      Optional<TreeHead> head = sequencer.sequenceOnce();
      if (head.isEmpty()) {
        break;
      }
      sequenced = head.get().size();
      // Inside the loop, so a long backlog does not hold checkpoints back past their interval.
      checkpointer.maybeSign();
    }
    if (sequencer.tryLead()) {
      checkpointer.maybeSign();
    }
    return sequenced;
  }

  public Optional<TreeHead> latestHead() throws SQLException {
    try (Connection c = db.getConnection()) {
      return JournalQueries.latestHead(c);
    }
  }

  public Optional<SignedCheckpoint> latestCheckpoint() throws SQLException {
    try (Connection c = db.getConnection()) {
      return Checkpointer.latest(c);
    }
  }

  public Optional<SignedCheckpoint> checkpoint(long size) throws SQLException {
    try (Connection c = db.getConnection()) {
      return Checkpointer.at(c, size);
    }
  }

  /** The checkpoint a question "as of" refers to: the newest of at most {@code treeSize} leaves. */
  public Optional<SignedCheckpoint> checkpointAtOrBelow(long treeSize) throws SQLException {
    try (Connection c = db.getConnection()) {
      return Checkpointer.atOrBelow(c, treeSize);
    }
  }

  /** The newest checkpoint signed at or before {@code at}: what the log had published then. */
  public Optional<SignedCheckpoint> checkpointSignedBy(java.time.Instant at) throws SQLException {
    try (Connection c = db.getConnection()) {
      return Checkpointer.signedBy(c, at);
    }
  }

  /**
   * Inclusion proof of a record against a signed checkpoint: the one of {@code treeSize}, else the
   * latest.
   *
   * @throws ProofUnavailableException when the record or checkpoint does not exist, or the record
   *     is not in that checkpoint yet
   */
  public InclusionProof inclusionProof(long recordId, OptionalLong treeSize)
      throws SQLException, ProofUnavailableException {
    try (Connection c = db.getConnection()) {
      // One round trip for the checkpoint, the record's leaf hash and its leaf index: at a p99 of
      // a couple of milliseconds, every round trip (and the wake-ups it costs) shows.
      SignedCheckpoint cp = null;
      long index = -1;
      byte[] leafHash = null;
      try (PreparedStatement ps =
          c.prepareStatement(
              "SELECT cp.size, cp.root, cp.note, cp.signed_at, r.leaf_hash,"
                  + Journal.LEAF_INDEX_OF_R
                  + " JOIN ("
                  + (treeSize.isPresent()
                      ? "SELECT * FROM journal_checkpoints WHERE size = ?"
                      : "SELECT * FROM journal_checkpoints ORDER BY size DESC LIMIT 1")
                  + ") cp ON true WHERE r.seq = ?")) {
        int p = 1;
        if (treeSize.isPresent()) {
          ps.setLong(p++, treeSize.getAsLong());
        }
        ps.setLong(p, recordId);
        try (ResultSet rs = ps.executeQuery()) {
          if (rs.next()) {
            cp =
                new SignedCheckpoint(
                    rs.getLong(1), rs.getBytes(2), rs.getString(3), rs.getTimestamp(4).toInstant());
            leafHash = rs.getBytes(5);
            index = rs.getLong(6);
            if (rs.wasNull()) {
              index = -1;
            }
          }
        }
      }
      if (cp == null) {
        // Say which of the two is missing.
        checkpointFor(c, treeSize);
        throw new ProofUnavailableException(
            ProofUnavailableException.Reason.NOT_FOUND, "no record " + recordId);
      }
      if (index < 0 || index >= cp.size()) {
        throw new ProofUnavailableException(
            ProofUnavailableException.Reason.NOT_YET,
            "record "
                + recordId
                + " is not in the checkpoint of size "
                + cp.size()
                + " yet"
                + (index >= 0 ? " (its leaf index is " + index + ")" : " (not sequenced yet)"));
      }
      List<byte[]> path = ProofBuilder.inclusion(new TreeReader(c, tiles, cp.size()), index);
      return new InclusionProof(recordId, index, leafHash, path, cp);
    }
  }

  /**
   * Inclusion proofs of several records against the signed checkpoint of {@code treeSize}, with one
   * checkpoint read and one tree reader (tiles shared between the proofs).
   *
   * @throws ProofUnavailableException when that checkpoint does not exist or a record is not in it
   */
  public List<InclusionProof> inclusionProofs(List<StoredRecord> records, long treeSize)
      throws SQLException, ProofUnavailableException {
    try (Connection c = db.getConnection()) {
      SignedCheckpoint cp = checkpointFor(c, OptionalLong.of(treeSize));
      TreeReader reader = new TreeReader(c, tiles, cp.size());
      List<InclusionProof> out = new java.util.ArrayList<>(records.size());
      for (StoredRecord r : records) {
        if (r.leafIndex().isEmpty() || r.leafIndex().getAsLong() >= cp.size()) {
          throw new ProofUnavailableException(
              ProofUnavailableException.Reason.NOT_YET,
              "record " + r.id() + " is not in the checkpoint of size " + cp.size());
        }
        long index = r.leafIndex().getAsLong();
        out.add(
            new InclusionProof(
                r.id(), index, r.leafHash(), ProofBuilder.inclusion(reader, index), cp));
      }
      return out;
    }
  }

  /** Consistency proof between two signed checkpoints ({@code from} ≤ {@code to}). */
  public List<byte[]> consistencyProof(long from, long to)
      throws SQLException, ProofUnavailableException {
    if (from < 0 || from > to) {
      throw new ProofUnavailableException(
          ProofUnavailableException.Reason.INVALID,
          "from " + from + " and to " + to + " must satisfy 0 <= from <= to");
    }
    try (Connection c = db.getConnection()) {
      checkpointFor(c, OptionalLong.of(to));
      if (from > 0) {
        checkpointFor(c, OptionalLong.of(from));
      }
      return ProofBuilder.consistency(new TreeReader(c, tiles, to), from);
    }
  }

  private static SignedCheckpoint checkpointFor(Connection c, OptionalLong size)
      throws SQLException, ProofUnavailableException {
    Optional<SignedCheckpoint> cp =
        size.isPresent() ? Checkpointer.at(c, size.getAsLong()) : Checkpointer.latest(c);
    return cp.orElseThrow(
        () ->
            new ProofUnavailableException(
                ProofUnavailableException.Reason.NOT_FOUND,
                size.isPresent()
                    ? "no signed checkpoint of size " + size.getAsLong()
                    : "no checkpoint has been signed yet"));
  }

  /**
   * A C2SP hash tile's bytes: level {@code level}, index {@code index}, {@code width} hashes (256
   * for a full tile), when the current tree holds that many.
   */
  public Optional<byte[]> tile(int level, long index, int width) throws SQLException {
    try (Connection c = db.getConnection()) {
      Optional<TreeHead> head = JournalQueries.latestHead(c);
      if (head.isEmpty()
          || level < 0
          || level > 7
          || index < 0
          || width < 1
          || width > Tile.WIDTH) {
        return Optional.empty();
      }
      long available = (head.get().size() >>> (Tile.HEIGHT * level)) - index * Tile.WIDTH;
      if (available < width) {
        return Optional.empty();
      }
      return tiles.read(c, level, index, width).map(h -> new Tile(level, index, h).bytes());
    }
  }

  /**
   * A C2SP entry bundle: leaves {@code [256·index, 256·index + width)}, each as a big-endian uint16
   * length and the record's canonical bytes, when the current tree holds them.
   */
  public Optional<byte[]> entryBundle(long index, int width) throws SQLException {
    if (index < 0 || width < 1 || width > Tile.WIDTH) {
      return Optional.empty();
    }
    try (Connection c = db.getConnection()) {
      Optional<TreeHead> head = JournalQueries.latestHead(c);
      long first = index * Tile.WIDTH;
      if (head.isEmpty() || head.get().size() < first + width) {
        return Optional.empty();
      }
      ByteArrayOutputStream out = new ByteArrayOutputStream(width * 320);
      try (PreparedStatement ps =
          c.prepareStatement(
              "SELECT r.canonical FROM journal_leaf_range(?, ?) l JOIN journal_records r"
                  + " ON r.seq = l.seq ORDER BY l.leaf_index")) {
        ps.setLong(1, first);
        ps.setLong(2, first + width);
        try (ResultSet rs = ps.executeQuery()) {
          int n = 0;
          while (rs.next()) {
            byte[] entry = rs.getBytes(1);
            out.write(entry.length >>> 8);
            out.write(entry.length & 0xff);
            out.writeBytes(entry);
            n++;
          }
          if (n != width) {
            throw new SQLException(
                "leaves " + first + ".." + (first + width - 1) + " are incomplete: found " + n);
          }
        }
      }
      return Optional.of(out.toByteArray());
    }
  }

  /** Re-hashes the whole journal against tiles, tree heads and checkpoints. */
  public Verifier.Report verify(Verifier.Listener listener) throws SQLException {
    return new Verifier(db, signer.verifier()).run(listener);
  }

  @Override
  public void close() {
    sequencer.close();
  }
}
