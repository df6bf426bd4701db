package io.lineageledger.ledger.journal;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.sql.Array;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Arrays;
import java.util.List;
import java.util.regex.Pattern;
import org.postgresql.PGConnection;
import org.postgresql.copy.CopyIn;

/**
 * Writes new journal rows with one binary {@code COPY}: the database neither plans a statement nor
 * parses hex-escaped bytea arrays, which made the unnest INSERT cost about twice what a COPY of the
 * same rows costs. Ids are drawn from the table's own sequence first, inside the caller's
 * transaction and after it marked itself appending ({@link Journal#markAppending}), exactly as an
 * INSERT would draw them, so the sequencer's reasoning holds unchanged. COPY writes the given
 * values into the GENERATED ALWAYS identity column by design (PostgreSQL's CREATE TABLE: "In the
 * COPY command, user-specified values are always used").
 */
final class RecordCopy {
  /** One row's content; {@code raw} may be null. */
  record Row(
      String source,
      String sourceRef,
      String kind,
      byte[] canonical,
      byte[] leafHash,
      byte[] raw) {}

  private static final byte[] SIGNATURE = {
    'P', 'G', 'C', 'O', 'P', 'Y', '\n', (byte) 0xff, '\r', '\n', 0
  };
  private static final short FIELDS = 8;
  private static final Instant POSTGRES_EPOCH = Instant.parse("2000-01-01T00:00:00Z");
  private static final int CHUNK = 1 << 20;
  private static final Pattern SEQUENCE_NAME = Pattern.compile("[a-z_]{1,63}");

  private RecordCopy() {}

  /**
   * Inserts every row, in order, with ascending ids; the caller's transaction must be open (auto
   * commit off). Fails as a whole, with SQL state 23505, if a {@code (source, sourceRef)} exists.
   *
   * @return the ids given to the rows, in input order
   */
  static long[] insert(Connection c, List<Row> rows, Instant receivedAt) throws SQLException {
    return insert(c, "journal_records", rows, receivedAt);
  }

  /** As {@link #insert(Connection, List, Instant)}, into a table shaped like journal_records. */
  static long[] insert(Connection c, String table, List<Row> rows, Instant receivedAt)
      throws SQLException {
    long[] ids = allocate(c, table + "_seq_seq", rows.size());
    long micros = ChronoUnit.MICROS.between(POSTGRES_EPOCH, receivedAt);
    CopyIn copy =
        c.unwrap(PGConnection.class)
            .getCopyAPI()
            .copyIn(
                "COPY "
                    + table
                    + " (seq, source, source_ref, kind, canonical, leaf_hash, raw,"
                    + " received_at) FROM STDIN (FORMAT binary)");
    try {
      Buffer out = new Buffer(Math.min(CHUNK, 64 + rows.size() * 512));
      out.writeBytes(SIGNATURE);
      out.int32(0); // flags
      out.int32(0); // header extension length
      for (int i = 0; i < rows.size(); i++) {
        Row r = rows.get(i);
        out.int16(FIELDS);
        out.int32(8);
        out.int64(ids[i]);
        out.field(r.source().getBytes(StandardCharsets.UTF_8));
        out.field(r.sourceRef().getBytes(StandardCharsets.UTF_8));
        out.field(r.kind().getBytes(StandardCharsets.UTF_8));
        out.field(r.canonical());
        out.field(r.leafHash());
        out.field(r.raw());
        out.int32(8);
        out.int64(micros);
        if (out.size() >= CHUNK) {
          copy.writeToCopy(out.bytes(), 0, out.size());
          out.reset();
        }
      }
      out.int16((short) -1);
      copy.writeToCopy(out.bytes(), 0, out.size());
      long written = copy.endCopy();
      if (written != rows.size()) {
        throw new SQLException("COPY wrote " + written + " of " + rows.size() + " records");
      }
    } finally {
      if (copy.isActive()) {
        copy.cancelCopy();
      }
    }
    return ids;
  }

  /** {@code n} fresh ids, ascending: one round trip. */
  private static long[] allocate(Connection c, String sequence, int n) throws SQLException {
    if (!SEQUENCE_NAME.matcher(sequence).matches()) {
      throw new IllegalArgumentException(
          "sequence name '" + sequence + "' is not allowed: expected " + SEQUENCE_NAME.pattern());
    }
    // The name is a literal, not a parameter: a text parameter cast to regclass was resolved
    // again for every nextval call (a catalog lookup per record id).
    try (PreparedStatement ps =
        c.prepareStatement(
            "SELECT array_agg(nextval('" + sequence + "'::regclass)) FROM generate_series(1, ?)")) {
      ps.setInt(1, n);
      try (ResultSet rs = ps.executeQuery()) {
        rs.next();
        Array a = rs.getArray(1);
        Long[] values = (Long[]) a.getArray();
        if (values.length != n) {
          throw new SQLException("asked for " + n + " record ids, got " + values.length);
        }
        long[] ids = new long[n];
        for (int i = 0; i < n; i++) {
          ids[i] = values[i];
        }
        // Ascending in input order, like the identity values an INSERT draws row by row.
        Arrays.sort(ids);
        return ids;
      }
    }
  }

  /** A growable byte buffer with PostgreSQL's big-endian binary field encoding. */
  private static final class Buffer extends ByteArrayOutputStream {
    Buffer(int size) {
      super(size);
    }

    byte[] bytes() {
      return buf;
    }

    void int16(short v) {
      write(v >>> 8);
      write(v);
    }

    void int32(int v) {
      write(v >>> 24);
      write(v >>> 16);
      write(v >>> 8);
      write(v);
    }

    void int64(long v) {
      int32((int) (v >>> 32));
      int32((int) v);
    }

    void field(byte[] value) {
      if (value == null) {
        int32(-1);
      } else {
        int32(value.length);
        write(value, 0, value.length);
      }
    }
  }
}
