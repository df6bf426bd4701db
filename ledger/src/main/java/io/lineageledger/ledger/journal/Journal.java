package io.lineageledger.ledger.journal;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.lineageledger.ledger.merkle.Hashes;
import java.sql.Array;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Set;
import javax.sql.DataSource;

/**
 * The journal's write and read side for records. {@link #appendAll} is durable when it returns (one
 * committed transaction) and idempotent on {@code (source, sourceRef)}; leaf indices are assigned
 * later, in batches, by the {@link Sequencer}. Blocking (JDBC).
 */
public final class Journal {
  /** Kind of the record that documents a refused, conflicting append. */
  public static final String CONFLICT_KIND = "journal.conflict";

  /** Source of records the journal writes about itself. */
  public static final String SELF_SOURCE = "lineage-ledger";

  /** The advisory lock key of {@link #markAppending}. */
  static final long APPENDING_LOCK = 0x4c4c_4150_5044L; // "LLAPPD"

  private static final ObjectMapper MAPPER = new ObjectMapper();

  private final DataSource db;
  private final Clock clock;

  public Journal(DataSource db, Clock clock) {
    this.db = db;
    this.clock = clock;
  }

  /**
   * Appends one record.
   *
   * @return its id, and leaf index when the same fact was already journaled and sequenced
   * @throws JournalConflictException when a different record holds its {@code (source, sourceRef)}
   */
  public AppendResult append(Record record) throws JournalConflictException, SQLException {
    AppendResult r = appendAll(List.of(record)).get(0);
    if (r.status() == AppendResult.Status.CONFLICT) {
      byte[] canonical = record.canonicalBytes();
      throw new JournalConflictException(
          record.source(),
          record.sourceRef(),
          r.id(),
          Record.sha256Hex(canonical),
          r.conflictRecordId().orElseThrow());
    }
    return r;
  }

  /**
   * Appends records in one transaction; results are in input order. Conflicting records are refused
   * individually (and journaled as conflicts); the others are written.
   *
   * @throws IllegalArgumentException when a record's canonical form exceeds 65535 bytes
   */
  public List<AppendResult> appendAll(List<Record> records) throws SQLException {
    List<Prepared> prepared = new ArrayList<>(records.size());
    for (Record r : records) {
      prepared.add(Prepared.of(r));
    }
    Instant now = clock.instant();
    try (Connection c = db.getConnection()) {
      c.setAutoCommit(false);
      try {
        Optional<List<AppendResult>> fresh = appendAllNew(c, prepared, now);
        if (fresh.isPresent()) {
          c.commit();
          return fresh.get();
        }
        List<AppendResult> results = appendInTransaction(c, prepared, now);
        c.commit();
        return results;
      } catch (SQLException | RuntimeException e) {
        c.rollback();
        throw e;
      } finally {
        c.setAutoCommit(true);
      }
    }
  }

  /**
   * The common case, every record new, as one binary COPY ({@link RecordCopy}). When some key
   * already exists the COPY fails as a whole, the transaction is rolled back (nothing of it is
   * visible, the drawn ids stay unused) and the caller takes the general path.
   *
   * @return the results, or empty when a key exists (the connection is then rolled back)
   */
  private static Optional<List<AppendResult>> appendAllNew(
      Connection c, List<Prepared> batch, Instant now) throws SQLException {
    Set<String> keys = new HashSet<>();
    List<RecordCopy.Row> rows = new ArrayList<>(batch.size());
    for (Prepared p : batch) {
      if (!keys.add(p.key())) {
        return Optional.empty();
      }
      rows.add(p.row());
    }
    markAppending(c);
    long[] seqs;
    try {
      seqs = RecordCopy.insert(c, rows, now);
    } catch (SQLException e) {
      if (!UNIQUE_VIOLATION.equals(e.getSQLState())) {
        throw e;
      }
      c.rollback();
      return Optional.empty();
    }
    List<AppendResult> results = new ArrayList<>(seqs.length);
    for (long seq : seqs) {
      results.add(
          new AppendResult(
              AppendResult.Status.CREATED, seq, OptionalLong.empty(), OptionalLong.empty()));
    }
    return Optional.of(results);
  }

  private static final String UNIQUE_VIOLATION = "23505";

  // The leaf index of each row r, as a column: the same lookup as the SQL function
  // journal_leaf_index, but planned once for the whole statement instead of once per row (the
  // function is not inlinable and cost ~30 us a row).
  static final String LEAF_INDEX_OF_R =
      " lc.first_index + array_position(lc.seqs, r.seq) - 1 FROM journal_records r"
          + " LEFT JOIN LATERAL (SELECT c.first_index, c.seqs FROM journal_leaf_chunks c"
          + " WHERE c.first_seq <= r.seq ORDER BY c.first_seq DESC LIMIT 1) lc ON true";

  /**
   * Marks the transaction as appending, before it draws any record id: it holds this advisory lock
   * (shared, so appenders never wait for one another) until it ends. The sequencer lists the
   * holders and waits for them to finish; it never takes the lock itself. See {@link Sequencer}.
   */
  static void markAppending(Connection c) throws SQLException {
    try (PreparedStatement ps = c.prepareStatement("SELECT pg_advisory_xact_lock_shared(?)")) {
      ps.setLong(1, APPENDING_LOCK);
      ps.execute();
    }
  }

  private record Prepared(Record record, byte[] canonical, byte[] leafHash) {
    static Prepared of(Record r) {
      byte[] canonical = r.canonicalBytes();
      if (canonical.length > 65535) {
        throw new IllegalArgumentException(
            "record "
                + r.source()
                + "/"
                + r.sourceRef()
                + " is "
                + canonical.length
                + " bytes in canonical form; at most 65535 are allowed (keep large content as raw bytes)");
      }
      return new Prepared(r, canonical, Hashes.leafHash(canonical));
    }

    String key() {
      return record.source() + "\n" + record.sourceRef();
    }

    RecordCopy.Row row() {
      return new RecordCopy.Row(
          record.source(), record.sourceRef(), record.kind(), canonical, leafHash, record.raw());
    }
  }

  private List<AppendResult> appendInTransaction(Connection c, List<Prepared> batch, Instant now)
      throws SQLException {
    markAppending(c);
    Map<String, Long> created = insert(c, batch, now);
    // A key repeated within the batch was created by its first occurrence.
    Map<String, Prepared> first = new HashMap<>();
    batch.forEach(p -> first.putIfAbsent(p.key(), p));
    Map<String, Existing> before =
        lookup(c, first.values().stream().filter(p -> !created.containsKey(p.key())).toList());

    AppendResult[] results = new AppendResult[batch.size()];
    List<Integer> conflicted = new ArrayList<>();
    List<Prepared> evidence = new ArrayList<>();
    for (int i = 0; i < batch.size(); i++) {
      Prepared p = batch.get(i);
      Long seq = created.get(p.key());
      if (seq != null && first.get(p.key()) == p) {
        results[i] =
            new AppendResult(
                AppendResult.Status.CREATED, seq, OptionalLong.empty(), OptionalLong.empty());
        continue;
      }
      Existing e =
          seq != null
              ? new Existing(seq, first.get(p.key()).canonical, OptionalLong.empty())
              : before.get(p.key());
      if (e == null) {
        throw new SQLException(
            "record " + p.key().replace('\n', '/') + " was neither inserted nor found");
      }
      if (Arrays.equals(e.canonical, p.canonical)) {
        results[i] =
            new AppendResult(
                AppendResult.Status.EXISTING, e.seq, e.leafIndex, OptionalLong.empty());
      } else {
        results[i] =
            new AppendResult(
                AppendResult.Status.CONFLICT, e.seq, e.leafIndex, OptionalLong.empty());
        conflicted.add(i);
        evidence.add(Prepared.of(conflictRecord(p, e.seq, now)));
      }
    }
    if (!evidence.isEmpty()) {
      // The same refused attempt retried is the same evidence record: idempotent like any other.
      Map<String, Long> evidenceIds = insert(c, evidence, now);
      Map<String, Existing> known =
          lookup(c, evidence.stream().filter(p -> !evidenceIds.containsKey(p.key())).toList());
      for (int k = 0; k < conflicted.size(); k++) {
        String key = evidence.get(k).key();
        long conflictId = evidenceIds.containsKey(key) ? evidenceIds.get(key) : known.get(key).seq;
        AppendResult r = results[conflicted.get(k)];
        results[conflicted.get(k)] =
            new AppendResult(
                AppendResult.Status.CONFLICT, r.id(), r.leafIndex(), OptionalLong.of(conflictId));
      }
    }
    return List.of(results);
  }

  private static Record conflictRecord(Prepared attempt, long existingId, Instant now) {
    String attemptedSha = Record.sha256Hex(attempt.canonical);
    ObjectNode payload = MAPPER.createObjectNode();
    payload.put("source", attempt.record.source());
    payload.put("sourceRef", attempt.record.sourceRef());
    payload.put("existingRecordId", existingId);
    payload.put("attemptedCanonicalSha256", attemptedSha);
    // The attempt itself, when it fits beside the evidence within the leaf size bound.
    if (attempt.canonical.length < 60_000) {
      payload.set("attempted", attempt.record.document());
    }
    return Record.of(
        SELF_SOURCE,
        CONFLICT_KIND,
        "conflict:"
            + Record.sha256Hex((attempt.key()).getBytes(java.nio.charset.StandardCharsets.UTF_8))
            + ":"
            + attemptedSha,
        now,
        List.of("record:" + existingId),
        payload);
  }

  private record Existing(long seq, byte[] canonical, OptionalLong leafIndex) {}

  /** Inserts what is new; returns seq by key for the rows this statement created. */
  private static Map<String, Long> insert(Connection c, List<Prepared> batch, Instant now)
      throws SQLException {
    Map<String, Long> created = new HashMap<>();
    if (batch.isEmpty()) {
      return created;
    }
    try (PreparedStatement ps =
        c.prepareStatement(
            INSERT_ROWS
                + " ON CONFLICT (source, source_ref) DO NOTHING RETURNING seq, source, source_ref")) {
      bindRows(c, ps, batch, now);
      try (ResultSet rs = ps.executeQuery()) {
        while (rs.next()) {
          created.put(rs.getString(2) + "\n" + rs.getString(3), rs.getLong(1));
        }
      }
    }
    return created;
  }

  private static final String INSERT_ROWS =
      "INSERT INTO journal_records (source, source_ref, kind, canonical, leaf_hash, raw, received_at)"
          + " SELECT s, r, k, cb, lh, rw, ? FROM unnest(?::text[], ?::text[], ?::text[], ?::bytea[],"
          + " ?::bytea[], ?::bytea[]) WITH ORDINALITY AS t(s, r, k, cb, lh, rw, o)";

  private static void bindRows(
      Connection c, PreparedStatement ps, List<Prepared> batch, Instant now) throws SQLException {
    int n = batch.size();
    String[] sources = new String[n];
    String[] refs = new String[n];
    String[] kinds = new String[n];
    byte[][] canonicals = new byte[n][];
    byte[][] leaves = new byte[n][];
    byte[][] raws = new byte[n][];
    for (int i = 0; i < n; i++) {
      Prepared p = batch.get(i);
      sources[i] = p.record.source();
      refs[i] = p.record.sourceRef();
      kinds[i] = p.record.kind();
      canonicals[i] = p.canonical;
      leaves[i] = p.leafHash;
      raws[i] = p.record.raw();
    }
    ps.setTimestamp(1, Timestamp.from(now));
    ps.setArray(2, c.createArrayOf("text", sources));
    ps.setArray(3, c.createArrayOf("text", refs));
    ps.setArray(4, c.createArrayOf("text", kinds));
    ps.setArray(5, c.createArrayOf("bytea", canonicals));
    ps.setArray(6, c.createArrayOf("bytea", leaves));
    ps.setArray(7, c.createArrayOf("bytea", raws));
  }

  private static Map<String, Existing> lookup(Connection c, List<Prepared> keys)
      throws SQLException {
    Map<String, Existing> out = new HashMap<>();
    if (keys.isEmpty()) {
      return out;
    }
    String[] sources = keys.stream().map(p -> p.record.source()).toArray(String[]::new);
    String[] refs = keys.stream().map(p -> p.record.sourceRef()).toArray(String[]::new);
    try (PreparedStatement ps =
        c.prepareStatement(
            "SELECT r.seq, r.source, r.source_ref, r.canonical,"
                + LEAF_INDEX_OF_R
                + " JOIN unnest(?::text[], ?::text[]) AS k(s, sr)"
                + " ON r.source = k.s AND r.source_ref = k.sr")) {
      Array a = c.createArrayOf("text", sources);
      Array b = c.createArrayOf("text", refs);
      ps.setArray(1, a);
      ps.setArray(2, b);
      try (ResultSet rs = ps.executeQuery()) {
        while (rs.next()) {
          long idx = rs.getLong(5);
          out.put(
              rs.getString(2) + "\n" + rs.getString(3),
              new Existing(
                  rs.getLong(1),
                  rs.getBytes(4),
                  rs.wasNull() ? OptionalLong.empty() : OptionalLong.of(idx)));
        }
      }
    }
    return out;
  }

  /** A record by id, with its leaf index once sequenced. */
  public Optional<StoredRecord> record(long id) throws SQLException {
    try (Connection c = db.getConnection()) {
      return record(c, id);
    }
  }

  static Optional<StoredRecord> record(Connection c, long id) throws SQLException {
    List<StoredRecord> found = records(c, List.of(id));
    return found.isEmpty() ? Optional.empty() : Optional.of(found.get(0));
  }

  /** The records among {@code ids} that exist, in id order; one query. */
  public List<StoredRecord> records(java.util.Collection<Long> ids) throws SQLException {
    try (Connection c = db.getConnection()) {
      return records(c, ids);
    }
  }

  static List<StoredRecord> records(Connection c, java.util.Collection<Long> ids)
      throws SQLException {
    List<StoredRecord> out = new ArrayList<>(ids.size());
    if (ids.isEmpty()) {
      return out;
    }
    try (PreparedStatement ps =
        c.prepareStatement(
            "SELECT r.seq, r.source, r.kind, r.source_ref, r.canonical, r.leaf_hash, r.raw, r.received_at,"
                + LEAF_INDEX_OF_R
                + " WHERE r.seq = ANY(?) ORDER BY r.seq")) {
      ps.setArray(1, c.createArrayOf("int8", ids.toArray()));
      try (ResultSet rs = ps.executeQuery()) {
        while (rs.next()) {
          long idx = rs.getLong(9);
          OptionalLong leafIndex = rs.wasNull() ? OptionalLong.empty() : OptionalLong.of(idx);
          out.add(
              new StoredRecord(
                  rs.getLong(1),
                  rs.getString(2),
                  rs.getString(3),
                  rs.getString(4),
                  rs.getBytes(5),
                  rs.getBytes(6),
                  rs.getBytes(7),
                  rs.getTimestamp(8).toInstant(),
                  leafIndex));
        }
      }
    }
    return out;
  }
}
