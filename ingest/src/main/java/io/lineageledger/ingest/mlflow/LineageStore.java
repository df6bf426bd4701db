package io.lineageledger.ingest.mlflow;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import javax.sql.DataSource;

/**
 * Rows derived from journaled MLflow records: lineage links, alias changes, and the sync's cursors.
 * Every derived row names the record it came from; inserts are idempotent, so re-processing a
 * delivery after a crash adds nothing. Blocking (JDBC).
 */
final class LineageStore {
  private final DataSource db;

  LineageStore(DataSource db) {
    this.db = db;
  }

  /** A lineage edge, stated by the journal record {@code recordSeq}. */
  record Link(String from, String relation, String to, long recordSeq) {}

  void link(List<Link> links) throws SQLException {
    if (links.isEmpty()) {
      return;
    }
    try (Connection c = db.getConnection();
        PreparedStatement ps =
            c.prepareStatement(
                "INSERT INTO mlflow_links (from_subject, relation, to_subject, record_seq)"
                    + " SELECT * FROM unnest(?::text[], ?::text[], ?::text[], ?::bigint[])"
                    + " ON CONFLICT DO NOTHING")) {
      ps.setArray(1, c.createArrayOf("text", links.stream().map(Link::from).toArray()));
      ps.setArray(2, c.createArrayOf("text", links.stream().map(Link::relation).toArray()));
      ps.setArray(3, c.createArrayOf("text", links.stream().map(Link::to).toArray()));
      ps.setArray(4, c.createArrayOf("bigint", links.stream().map(Link::recordSeq).toArray()));
      ps.executeUpdate();
    }
  }

  /**
   * The alias's latest known state: the version it points at (empty when deleted or unknown), the
   * id of the history row saying so (0 when there is none), and the effective time of the newest
   * change a webhook reported (MLflow's clock; empty when none did).
   */
  record AliasState(
      boolean known, Optional<String> version, long headId, Optional<Instant> lastWebhookAt) {}

  AliasState aliasState(Connection c, String source, String model, String alias)
      throws SQLException {
    try (PreparedStatement ps =
        c.prepareStatement(
            "SELECT h.id, h.version, (SELECT max(effective_at) FROM mlflow_alias_events"
                + " WHERE source = ? AND model_name = ? AND alias = ? AND observed_via = 'webhook')"
                + " FROM (SELECT 1) one LEFT JOIN LATERAL (SELECT id, version FROM"
                + " mlflow_alias_events WHERE source = ? AND model_name = ? AND alias = ?"
                + " ORDER BY id DESC LIMIT 1) h ON true")) {
      for (int i = 0; i < 2; i++) {
        ps.setString(3 * i + 1, source);
        ps.setString(3 * i + 2, model);
        ps.setString(3 * i + 3, alias);
      }
      try (ResultSet rs = ps.executeQuery()) {
        rs.next();
        long id = rs.getLong(1);
        boolean known = !rs.wasNull();
        Timestamp webhookAt = rs.getTimestamp(3);
        return new AliasState(
            known,
            Optional.ofNullable(rs.getString(2)),
            known ? id : 0,
            webhookAt == null ? Optional.empty() : Optional.of(webhookAt.toInstant()));
      }
    }
  }

  /** The latest history row of one alias: its id, and the version (null = deleted). */
  record AliasHead(long id, String version) {}

  /**
   * The latest history row of every alias of {@code source}, model → alias → head: what the sync
   * compares a listing with, read before the listing so that a change recorded meanwhile (by a
   * webhook) is noticed as such rather than undone.
   */
  Map<String, Map<String, AliasHead>> aliasHeads(String source) throws SQLException {
    try (Connection c = db.getConnection();
        PreparedStatement ps =
            c.prepareStatement(
                "SELECT DISTINCT ON (model_name, alias) model_name, alias, id, version"
                    + " FROM mlflow_alias_events WHERE source = ?"
                    + " ORDER BY model_name, alias, id DESC")) {
      ps.setString(1, source);
      Map<String, Map<String, AliasHead>> out = new LinkedHashMap<>();
      try (ResultSet rs = ps.executeQuery()) {
        while (rs.next()) {
          out.computeIfAbsent(rs.getString(1), m -> new LinkedHashMap<>())
              .put(rs.getString(2), new AliasHead(rs.getLong(3), rs.getString(4)));
        }
      }
      return out;
    }
  }

  void aliasEvent(
      Connection c,
      String source,
      String model,
      String alias,
      String version,
      Instant effectiveAt,
      String via,
      long recordSeq)
      throws SQLException {
    try (PreparedStatement ps =
        c.prepareStatement(
            "INSERT INTO mlflow_alias_events (source, model_name, alias, version, effective_at,"
                + " observed_via, record_seq) VALUES (?, ?, ?, ?, ?, ?, ?)"
                + " ON CONFLICT (record_seq) DO NOTHING")) {
      ps.setString(1, source);
      ps.setString(2, model);
      ps.setString(3, alias);
      ps.setString(4, version);
      ps.setTimestamp(5, Timestamp.from(effectiveAt));
      ps.setString(6, via);
      ps.setLong(7, recordSeq);
      ps.executeUpdate();
    }
  }

  /** Runs {@code work} holding a database-wide lock for one alias, so decisions do not race. */
  <T> T underAliasLock(String source, String model, String alias, SqlWork<T> work)
      throws Exception {
    long key = lockKey(source + "\n" + model + "\n" + alias);
    try (Connection c = db.getConnection()) {
      try (PreparedStatement ps = c.prepareStatement("SELECT pg_advisory_lock(?)")) {
        ps.setLong(1, key);
        ps.execute();
      }
      try {
        return work.run(c);
      } finally {
        try (PreparedStatement ps = c.prepareStatement("SELECT pg_advisory_unlock(?)")) {
          ps.setLong(1, key);
          ps.execute();
        }
      }
    }
  }

  interface SqlWork<T> {
    T run(Connection c) throws Exception;
  }

  private static long lockKey(String s) {
    try {
      byte[] d = MessageDigest.getInstance("SHA-256").digest(s.getBytes(StandardCharsets.UTF_8));
      long k = 0;
      for (int i = 0; i < 8; i++) {
        k = (k << 8) | (d[i] & 0xff);
      }
      return k;
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is required of every JVM", e);
    }
  }

  // ---- sync cursors ----------------------------------------------------------------------------

  record Cursors(long modelVersions, long registeredModels, int consecutiveFailures) {}

  Cursors cursors(String source) throws SQLException {
    try (Connection c = db.getConnection();
        PreparedStatement ps =
            c.prepareStatement(
                "SELECT model_versions_cursor, registered_models_cursor, consecutive_failures"
                    + " FROM mlflow_sync_state WHERE source = ?")) {
      ps.setString(1, source);
      try (ResultSet rs = ps.executeQuery()) {
        return rs.next()
            ? new Cursors(rs.getLong(1), rs.getLong(2), rs.getInt(3))
            : new Cursors(0, 0, 0);
      }
    }
  }

  void syncSucceeded(String source, long mvCursor, long rmCursor, Instant at) throws SQLException {
    try (Connection c = db.getConnection();
        PreparedStatement ps =
            c.prepareStatement(
                "INSERT INTO mlflow_sync_state AS s (source, model_versions_cursor,"
                    + " registered_models_cursor, last_attempt_at, last_success_at,"
                    + " consecutive_failures, last_error) VALUES (?, ?, ?, ?, ?, 0, NULL)"
                    + " ON CONFLICT (source) DO UPDATE SET"
                    + " model_versions_cursor = greatest(s.model_versions_cursor,"
                    + " EXCLUDED.model_versions_cursor), registered_models_cursor ="
                    + " greatest(s.registered_models_cursor, EXCLUDED.registered_models_cursor),"
                    + " last_attempt_at = EXCLUDED.last_attempt_at, last_success_at ="
                    + " EXCLUDED.last_success_at, consecutive_failures = 0, last_error = NULL")) {
      ps.setString(1, source);
      ps.setLong(2, mvCursor);
      ps.setLong(3, rmCursor);
      ps.setTimestamp(4, Timestamp.from(at));
      ps.setTimestamp(5, Timestamp.from(at));
      ps.executeUpdate();
    }
  }

  int syncFailed(String source, String error, Instant at) throws SQLException {
    try (Connection c = db.getConnection();
        PreparedStatement ps =
            c.prepareStatement(
                "INSERT INTO mlflow_sync_state AS s (source, last_attempt_at,"
                    + " consecutive_failures, last_error) VALUES (?, ?, 1, ?)"
                    + " ON CONFLICT (source) DO UPDATE SET last_attempt_at ="
                    + " EXCLUDED.last_attempt_at, consecutive_failures = s.consecutive_failures + 1,"
                    + " last_error = EXCLUDED.last_error RETURNING consecutive_failures")) {
      ps.setString(1, source);
      ps.setTimestamp(2, Timestamp.from(at));
      ps.setString(3, error.length() > 4000 ? error.substring(0, 4000) : error);
      try (ResultSet rs = ps.executeQuery()) {
        rs.next();
        return rs.getInt(1);
      }
    }
  }
}
