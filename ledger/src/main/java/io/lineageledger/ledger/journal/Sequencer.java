package io.lineageledger.ledger.journal;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.sql.Timestamp;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import javax.sql.DataSource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The single writer of the Merkle log. Leadership is a PostgreSQL session advisory lock held on a
 * dedicated connection, so two service instances on one database never both sequence; if that
 * connection dies the lock goes with it and the other instance may take over.
 *
 * <p>One round, {@link #sequenceOnce()}: (1) note how far record ids have been allocated, (2) list
 * the transactions marked appending ({@link Journal#markAppending}) and wait until each of them has
 * finished, (3) in one transaction: the next records by id up to the point noted in (1) get
 * contiguous leaf indices, the changed tiles and the new tree head are written. An appender marks
 * itself before it draws record ids, so a transaction holding an id up to that point had either
 * finished or was listed in (2): after (2) every such id is committed or gone for good. The
 * sequencer never blocks appenders (an earlier design took the mark's lock exclusively, which made
 * every new append queue behind the slowest running one, once per round). After {@code kill -9} at
 * any moment either the whole round is committed or none of it, and the next round resumes from the
 * last committed head: nothing is lost, duplicated or skipped.
 */
public final class Sequencer implements AutoCloseable {
  static final long LEADER_LOCK = 0x4c4c_5345_5143L; // "LLSEQC"
  private static final Logger log = LoggerFactory.getLogger(Sequencer.class);

  private final DataSource db;
  private final TileStore tiles;
  private final Clock clock;
  private final int maxBatch;
  private Connection leader;

  Sequencer(DataSource db, TileStore tiles, Clock clock, int maxBatch) {
    if (maxBatch < 1) {
      throw new IllegalArgumentException(
          "batch size " + maxBatch + " is not allowed: expected >= 1");
    }
    this.db = db;
    this.tiles = tiles;
    this.clock = clock;
    this.maxBatch = maxBatch;
  }

  /** Whether this instance holds the sequencer lock; tries to take it when not. */
  public synchronized boolean tryLead() throws SQLException {
    if (leader != null) {
      if (leader.isValid(2)) {
        return true;
      }
      dropLeadership();
    }
    Connection c = db.getConnection();
    try (PreparedStatement ps = c.prepareStatement("SELECT pg_try_advisory_lock(?)")) {
      ps.setLong(1, LEADER_LOCK);
      try (ResultSet rs = ps.executeQuery()) {
        rs.next();
        if (rs.getBoolean(1)) {
          leader = c;
          log.info("this instance now sequences the log");
          return true;
        }
      }
    } catch (SQLException e) {
      c.close();
      throw e;
    }
    c.close();
    return false;
  }

  private void dropLeadership() {
    try {
      leader.close();
    } catch (SQLException ignored) {
      // the session (and with it the lock) is gone either way
    }
    leader = null;
  }

  /**
   * Sequences up to one batch of waiting records.
   *
   * @return the new tree head, or empty when nothing was waiting or this instance is not the leader
   */
  public synchronized Optional<TreeHead> sequenceOnce() throws SQLException {
    if (!tryLead()) {
      return Optional.empty();
    }
    Connection c = leader;
    try {
      long allocated = allocatedUpTo(c);
      if (!awaitAppenders(c)) {
        return Optional.empty();
      }
      c.setAutoCommit(false);
      try {
        Optional<TreeHead> head = integrate(c, allocated);
        c.commit();
        return head;
      } catch (SQLException | RuntimeException e) {
        c.rollback();
        throw e;
      } finally {
        c.setAutoCommit(true);
      }
    } catch (SQLException e) {
      if (!c.isValid(2)) {
        dropLeadership();
      }
      throw e;
    }
  }

  private static long allocatedUpTo(Connection c) throws SQLException {
    try (Statement s = c.createStatement();
        ResultSet rs =
            s.executeQuery(
                "SELECT CASE WHEN is_called THEN last_value ELSE 0 END FROM "
                    + "journal_records_seq_seq")) {
      rs.next();
      return rs.getLong(1);
    }
  }

  // The transactions holding the appending mark, by virtual transaction id (a backend's next
  // transaction gets a new one, so a listed id that is gone has finished).
  private static final String APPENDERS =
      "SELECT virtualtransaction FROM pg_locks WHERE locktype = 'advisory' AND granted"
          + " AND classid = ?::bigint::oid AND objid = ?::bigint::oid AND objsubid = 1";

  /**
   * Waits, polling with a growing pause, until every transaction marked appending now has finished.
   *
   * @return false when some still run after {@link #MAX_WAIT_NANOS} (the round is skipped and the
   *     next one tries again; appends are not blocked meanwhile)
   */
  private static boolean awaitAppenders(Connection c) throws SQLException {
    List<String> running = new ArrayList<>();
    try (PreparedStatement ps = c.prepareStatement(APPENDERS)) {
      ps.setLong(1, Journal.APPENDING_LOCK >>> 32);
      ps.setLong(2, Journal.APPENDING_LOCK & 0xffff_ffffL);
      try (ResultSet rs = ps.executeQuery()) {
        while (rs.next()) {
          running.add(rs.getString(1));
        }
      }
    }
    if (running.isEmpty()) {
      return true;
    }
    long deadline = System.nanoTime() + MAX_WAIT_NANOS;
    long pauseMicros = 100;
    try (PreparedStatement ps =
        c.prepareStatement(
            "SELECT count(*) FROM (" + APPENDERS + ") a WHERE virtualtransaction = ANY(?)")) {
      ps.setLong(1, Journal.APPENDING_LOCK >>> 32);
      ps.setLong(2, Journal.APPENDING_LOCK & 0xffff_ffffL);
      ps.setArray(3, c.createArrayOf("text", running.toArray()));
      while (true) {
        try (ResultSet rs = ps.executeQuery()) {
          rs.next();
          if (rs.getLong(1) == 0) {
            return true;
          }
        }
        if (System.nanoTime() > deadline) {
          log.warn(
              "sequencing round skipped: appends {} still running after {} ms",
              running,
              MAX_WAIT_NANOS / 1_000_000);
          return false;
        }
        try {
          Thread.sleep(pauseMicros / 1000, (int) (pauseMicros % 1000) * 1000);
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          return false;
        }
        pauseMicros = Math.min(pauseMicros * 2, 10_000);
      }
    }
  }

  /** How long one round waits for running appends before it gives up until the next. */
  private static final long MAX_WAIT_NANOS = 5_000_000_000L;

  private Optional<TreeHead> integrate(Connection c, long allocated) throws SQLException {
    TreeHead current = JournalQueries.latestHead(c).orElse(null);
    long size = current == null ? 0 : current.size();
    long lastSeq = LeafChunks.lastSeq(c, size);
    List<Long> seqs = new ArrayList<>();
    List<byte[]> leaves = new ArrayList<>();
    try (PreparedStatement ps =
        c.prepareStatement(
            "SELECT seq, leaf_hash FROM journal_records WHERE seq > ? AND seq <= ? ORDER BY seq LIMIT ?")) {
      ps.setLong(1, lastSeq);
      ps.setLong(2, allocated);
      ps.setInt(3, maxBatch);
      try (ResultSet rs = ps.executeQuery()) {
        while (rs.next()) {
          seqs.add(rs.getLong(1));
          leaves.add(rs.getBytes(2));
        }
      }
    }
    if (seqs.isEmpty()) {
      return Optional.empty();
    }
    TreeReader old = new TreeReader(c, tiles, size);
    TileIntegration.Result result =
        TileIntegration.integrate(
            size,
            level -> {
              try {
                return old.rightEdge(level);
              } catch (SQLException e) {
                throw new IllegalStateException(e.getMessage(), e);
              }
            },
            leaves);
    LeafChunks.write(c, size, seqs);
    tiles.write(c, result.tiles());
    Instant now = clock.instant();
    try (PreparedStatement ps =
        c.prepareStatement(
            "INSERT INTO journal_tree_heads (size, root, created_at) VALUES (?, ?, ?)")) {
      ps.setLong(1, result.size());
      ps.setBytes(2, result.root());
      ps.setTimestamp(3, Timestamp.from(now));
      ps.executeUpdate();
    }
    return Optional.of(new TreeHead(result.size(), result.root(), now));
  }

  @Override
  public synchronized void close() {
    if (leader != null) {
      dropLeadership();
    }
  }
}
