package io.lineageledger.ledger.journal;

import io.lineageledger.ledger.merkle.Hashes;
import io.lineageledger.ledger.note.Checkpoint;
import io.lineageledger.ledger.note.NoteVerificationException;
import io.lineageledger.ledger.note.NoteVerifier;
import java.security.MessageDigest;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import java.util.TreeMap;
import javax.sql.DataSource;

/**
 * Re-derives the log from the journal rows alone and compares: every record's canonical bytes
 * against its stored leaf hash, every stored tile against the tiles rebuilt from those bytes, every
 * tree head and signed checkpoint root against the rebuilt roots, and every checkpoint's signature.
 * Reads in one repeatable-read snapshot, streaming; memory stays O(log n).
 */
public final class Verifier {
  /** Receives progress and each mismatch as they are found. */
  public interface Listener {
    void progress(long checked, long total);

    void mismatch(Mismatch m);
  }

  /**
   * One disagreement.
   *
   * @param kind {@code leaf-hash}, {@code tile}, {@code tree-head}, {@code checkpoint}, {@code
   *     leaves}
   */
  public record Mismatch(
      String kind, OptionalLong recordId, OptionalLong leafIndex, String detail) {}

  /** The outcome. */
  public record Report(long leaves, long treeSize, int checkpoints, List<Mismatch> mismatches) {
    public boolean ok() {
      return mismatches.isEmpty();
    }

    /** The smallest leaf index any mismatch names. */
    public OptionalLong firstBadIndex() {
      return mismatches.stream()
          .filter(m -> m.leafIndex().isPresent())
          .mapToLong(m -> m.leafIndex().getAsLong())
          .min();
    }
  }

  private final DataSource db;
  private final NoteVerifier noteVerifier;

  Verifier(DataSource db, NoteVerifier noteVerifier) {
    this.db = db;
    this.noteVerifier = noteVerifier;
  }

  Report run(Listener listener) throws SQLException {
    List<Mismatch> found = new ArrayList<>();
    Listener recording =
        new Listener() {
          @Override
          public void progress(long checked, long total) {
            listener.progress(checked, total);
          }

          @Override
          public void mismatch(Mismatch m) {
            found.add(m);
            listener.mismatch(m);
          }
        };
    try (Connection c = db.getConnection()) {
      c.setAutoCommit(false);
      c.setTransactionIsolation(Connection.TRANSACTION_REPEATABLE_READ);
      try {
        Report r = runIn(c, recording, found);
        c.commit();
        return r;
      } finally {
        c.rollback();
        c.setAutoCommit(true);
        c.setTransactionIsolation(Connection.TRANSACTION_READ_COMMITTED);
      }
    }
  }

  private Report runIn(Connection c, Listener listener, List<Mismatch> found) throws SQLException {
    TreeMap<Long, byte[]> expectedRoots = new TreeMap<>();
    Map<Long, String> rootSource = new HashMap<>();
    long treeSize = 0;
    try (PreparedStatement ps =
            c.prepareStatement("SELECT size, root FROM journal_tree_heads ORDER BY size");
        ResultSet rs = ps.executeQuery()) {
      while (rs.next()) {
        expectedRoots.put(rs.getLong(1), rs.getBytes(2));
        rootSource.put(rs.getLong(1), "tree-head");
        treeSize = rs.getLong(1);
      }
    }
    int checkpoints = 0;
    try (PreparedStatement ps =
            c.prepareStatement("SELECT size, root, note FROM journal_checkpoints ORDER BY size");
        ResultSet rs = ps.executeQuery()) {
      while (rs.next()) {
        checkpoints++;
        long size = rs.getLong(1);
        byte[] root = rs.getBytes(2);
        try {
          Checkpoint cp = noteVerifier.verifyCheckpoint(rs.getString(3));
          if (cp.size() != size || !MessageDigest.isEqual(cp.rootHash(), root)) {
            listener.mismatch(
                new Mismatch(
                    "checkpoint",
                    OptionalLong.empty(),
                    OptionalLong.empty(),
                    "checkpoint row of size "
                        + size
                        + " does not match its own signed note (size "
                        + cp.size()
                        + ")"));
          }
        } catch (NoteVerificationException | IllegalArgumentException e) {
          listener.mismatch(
              new Mismatch(
                  "checkpoint",
                  OptionalLong.empty(),
                  OptionalLong.empty(),
                  "checkpoint of size "
                      + size
                      + " has no valid signature by "
                      + noteVerifier.keyName()
                      + ": "
                      + e.getMessage()));
        }
        // The signed root is what must hold; a disagreeing head is reported against it too.
        expectedRoots.put(size, root);
        rootSource.put(size, "checkpoint");
      }
    }

    Map<Integer, byte[][]> edge = new HashMap<>();
    long size = 0;
    List<byte[]> chunk = new ArrayList<>();
    List<Long> chunkSeqs = new ArrayList<>();
    try (PreparedStatement ps =
        c.prepareStatement(
            "SELECT l.leaf_index, r.seq, r.canonical, r.leaf_hash FROM journal_leaves l"
                + " JOIN journal_records r ON r.seq = l.seq ORDER BY l.leaf_index")) {
      ps.setFetchSize(5000);
      try (ResultSet rs = ps.executeQuery()) {
        long expectIndex = 0;
        while (rs.next()) {
          long index = rs.getLong(1);
          long seq = rs.getLong(2);
          if (index != expectIndex) {
            listener.mismatch(
                new Mismatch(
                    "leaves",
                    OptionalLong.empty(),
                    OptionalLong.of(expectIndex),
                    "leaf index " + expectIndex + " is missing; next stored is " + index));
            break;
          }
          expectIndex++;
          byte[] recomputed = Hashes.leafHash(rs.getBytes(3));
          if (!MessageDigest.isEqual(recomputed, rs.getBytes(4))) {
            listener.mismatch(
                new Mismatch(
                    "leaf-hash",
                    OptionalLong.of(seq),
                    OptionalLong.of(index),
                    "record "
                        + seq
                        + " (leaf "
                        + index
                        + "): its canonical bytes hash to "
                        + HexFormat.of().formatHex(recomputed)
                        + " but the stored leaf hash is "
                        + HexFormat.of().formatHex(rs.getBytes(4))));
          }
          chunk.add(recomputed);
          chunkSeqs.add(seq);
          long next = size + chunk.size();
          Long boundary = expectedRoots.ceilingKey(size + 1);
          if (next % Tile.WIDTH == 0 || (boundary != null && boundary == next)) {
            size = integrate(c, size, chunk, chunkSeqs, edge, expectedRoots, rootSource, listener);
            chunk.clear();
            chunkSeqs.clear();
            if (size % 10_000 < Tile.WIDTH) {
              listener.progress(size, treeSize);
            }
          }
        }
      }
    }
    if (!chunk.isEmpty()) {
      size = integrate(c, size, chunk, chunkSeqs, edge, expectedRoots, rootSource, listener);
    }
    if (size != treeSize) {
      listener.mismatch(
          new Mismatch(
              "leaves",
              OptionalLong.empty(),
              OptionalLong.of(size),
              "the latest tree head has size " + treeSize + " but " + size + " leaves are stored"));
    }
    listener.progress(size, treeSize);
    return new Report(size, treeSize, checkpoints, List.copyOf(found));
  }

  private static long integrate(
      Connection c,
      long size,
      List<byte[]> chunk,
      List<Long> seqs,
      Map<Integer, byte[][]> edge,
      TreeMap<Long, byte[]> expectedRoots,
      Map<Long, String> rootSource,
      Listener listener)
      throws SQLException {
    TileIntegration.Result r =
        TileIntegration.integrate(
            size, level -> edge.getOrDefault(level, new byte[0][]), List.copyOf(chunk));
    for (Tile t : r.tiles()) {
      edge.put(t.level(), t.width() == Tile.WIDTH ? new byte[0][] : t.hashes());
      byte[] stored = TileStore.exact(c, t.level(), t.index(), t.width()).orElse(null);
      if (stored == null) {
        if (t.width() == Tile.WIDTH) {
          listener.mismatch(
              new Mismatch(
                  "tile",
                  OptionalLong.empty(),
                  OptionalLong.of(t.index() * Tile.WIDTH << (Tile.HEIGHT * t.level())),
                  "full tile " + t.level() + "/" + t.index() + " is missing"));
        }
        continue;
      }
      byte[] rebuilt = t.bytes();
      if (!Arrays.equals(stored, rebuilt)) {
        int pos = 0;
        while (pos < t.width()
            && Arrays.equals(stored, pos * 32, pos * 32 + 32, rebuilt, pos * 32, pos * 32 + 32)) {
          pos++;
        }
        long leaf = ((t.index() * Tile.WIDTH) + pos) << (Tile.HEIGHT * t.level());
        OptionalLong recordId =
            t.level() == 0 && leaf >= size && leaf - size < seqs.size()
                ? OptionalLong.of(seqs.get((int) (leaf - size)))
                : OptionalLong.empty();
        listener.mismatch(
            new Mismatch(
                "tile",
                recordId,
                OptionalLong.of(leaf),
                "tile "
                    + t.level()
                    + "/"
                    + t.index()
                    + " (width "
                    + t.width()
                    + ") differs from the rebuilt tile at hash "
                    + pos
                    + ", covering leaf "
                    + leaf));
      }
    }
    byte[] expected = expectedRoots.get(r.size());
    if (expected != null && !MessageDigest.isEqual(expected, r.root())) {
      listener.mismatch(
          new Mismatch(
              rootSource.get(r.size()),
              OptionalLong.empty(),
              OptionalLong.of(size),
              rootSource.get(r.size())
                  + " of size "
                  + r.size()
                  + " has root "
                  + HexFormat.of().formatHex(expected)
                  + " but the journal rebuilds "
                  + HexFormat.of().formatHex(r.root())));
    }
    return r.size();
  }
}
