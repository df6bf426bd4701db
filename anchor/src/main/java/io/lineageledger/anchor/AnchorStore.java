package io.lineageledger.anchor;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.sql.Types;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;
import javax.sql.DataSource;

/**
 * The service's own record of what it anchored ({@code anchors}): one row per checkpoint and
 * backend, written once. Proof answers look up the anchor that covers a record here.
 */
public final class AnchorStore {
  private static final BigInteger UNSIGNED = BigInteger.ONE.shiftLeft(64);
  private static final String COLUMNS =
      "backend, origin, tree_size, root, tx_id, block_number, validation_code, anchored_at";

  private final DataSource db;
  private final Clock clock;

  public AnchorStore(DataSource db, Clock clock) {
    this.db = db;
    this.clock = clock;
  }

  /** Records a receipt; recording the same checkpoint again keeps the first row. */
  public void record(AnchorReceipt r) throws SQLException {
    try (Connection c = db.getConnection();
        PreparedStatement ps =
            c.prepareStatement(
                "INSERT INTO anchors ("
                    + COLUMNS
                    + ", recorded_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)"
                    + " ON CONFLICT (backend, origin, tree_size) DO NOTHING")) {
      ps.setString(1, r.backend());
      ps.setString(2, r.origin());
      ps.setLong(3, r.treeSize());
      ps.setBytes(4, r.root());
      ps.setString(5, r.txId());
      if (r.blockNumber().isPresent()) {
        ps.setBigDecimal(
            6, new BigDecimal(new BigInteger(Long.toUnsignedString(r.blockNumber().getAsLong()))));
      } else {
        ps.setNull(6, Types.NUMERIC);
      }
      ps.setString(7, r.validationCode());
      ps.setTimestamp(8, Timestamp.from(r.anchoredAt()));
      ps.setTimestamp(9, Timestamp.from(clock.instant()));
      ps.executeUpdate();
    }
  }

  /** The newest anchor recorded for {@code origin} on {@code backend}. */
  public Optional<AnchorReceipt> latest(String backend, String origin) throws SQLException {
    return one(
        "SELECT "
            + COLUMNS
            + " FROM anchors WHERE backend = ? AND origin = ? ORDER BY tree_size DESC LIMIT 1",
        backend,
        origin,
        null);
  }

  /** The smallest anchored checkpoint with at least {@code size} leaves. */
  public Optional<AnchorReceipt> smallestCovering(String backend, String origin, long size)
      throws SQLException {
    return one(
        "SELECT "
            + COLUMNS
            + " FROM anchors WHERE backend = ? AND origin = ? AND tree_size >= ?"
            + " ORDER BY tree_size LIMIT 1",
        backend,
        origin,
        size);
  }

  /** The newest anchored checkpoint with at most {@code size} leaves. */
  public Optional<AnchorReceipt> largestAtOrBelow(String backend, String origin, long size)
      throws SQLException {
    return one(
        "SELECT "
            + COLUMNS
            + " FROM anchors WHERE backend = ? AND origin = ? AND tree_size <= ?"
            + " ORDER BY tree_size DESC LIMIT 1",
        backend,
        origin,
        size);
  }

  /** Every anchor recorded for {@code origin} on {@code backend}, ascending. */
  public List<AnchorReceipt> all(String backend, String origin) throws SQLException {
    List<AnchorReceipt> out = new ArrayList<>();
    try (Connection c = db.getConnection();
        PreparedStatement ps =
            c.prepareStatement(
                "SELECT "
                    + COLUMNS
                    + " FROM anchors WHERE backend = ? AND origin = ? ORDER BY tree_size")) {
      ps.setString(1, backend);
      ps.setString(2, origin);
      try (ResultSet rs = ps.executeQuery()) {
        while (rs.next()) {
          out.add(read(rs));
        }
      }
    }
    return out;
  }

  private Optional<AnchorReceipt> one(String sql, String backend, String origin, Long size)
      throws SQLException {
    try (Connection c = db.getConnection();
        PreparedStatement ps = c.prepareStatement(sql)) {
      ps.setString(1, backend);
      ps.setString(2, origin);
      if (size != null) {
        ps.setLong(3, size);
      }
      try (ResultSet rs = ps.executeQuery()) {
        return rs.next() ? Optional.of(read(rs)) : Optional.empty();
      }
    }
  }

  private static AnchorReceipt read(ResultSet rs) throws SQLException {
    BigDecimal block = rs.getBigDecimal(6);
    OptionalLong blockNumber =
        block == null
            ? OptionalLong.empty()
            : OptionalLong.of(block.toBigIntegerExact().mod(UNSIGNED).longValue());
    return new AnchorReceipt(
        rs.getString(1),
        rs.getString(2),
        rs.getLong(3),
        rs.getBytes(4),
        rs.getString(5),
        blockNumber,
        rs.getString(7),
        rs.getTimestamp(8).toInstant());
  }
}
