package io.lineageledger.ingest.mlflow;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import javax.sql.DataSource;

/**
 * The durable webhook inbox in PostgreSQL. {@link #acceptAll} returns only once the deliveries are
 * committed, so a webhook answered 2xx after it survives any crash; a delivery id seen before is
 * not written again. Processing state lives beside the append-only deliveries and is claimed with
 * {@code FOR UPDATE SKIP LOCKED}, so several processors never take the same delivery. Blocking
 * (JDBC).
 */
public final class Inbox {
  private static final ObjectMapper MAPPER = new ObjectMapper();

  private final DataSource db;
  private final Clock clock;

  public Inbox(DataSource db, Clock clock) {
    this.db = db;
    this.clock = clock;
  }

  /**
   * A verified delivery as received.
   *
   * @param headers every header in arrival order, as name/value pairs
   */
  public record Delivery(
      String source,
      String deliveryId,
      long signedTimestamp,
      List<Map.Entry<String, String>> headers,
      byte[] body) {
    public Delivery {
      Objects.requireNonNull(source, "source");
      Objects.requireNonNull(deliveryId, "deliveryId");
      headers = List.copyOf(headers);
      body = body.clone();
    }

    @Override
    public byte[] body() {
      return body.clone();
    }

    String headersJson() {
      ArrayNode a = MAPPER.createArrayNode();
      headers.forEach(h -> a.addArray().add(h.getKey()).add(h.getValue()));
      return a.toString();
    }
  }

  /** What became of one accepted delivery: stored now, or already stored by an earlier call. */
  public record Accepted(long id, boolean duplicate) {}

  /** Stores deliveries in one transaction; results in input order. */
  public List<Accepted> acceptAll(List<Delivery> deliveries) throws SQLException {
    int n = deliveries.size();
    String[] sources = new String[n];
    String[] ids = new String[n];
    Long[] ts = new Long[n];
    String[] headers = new String[n];
    byte[][] bodies = new byte[n][];
    for (int i = 0; i < n; i++) {
      Delivery d = deliveries.get(i);
      sources[i] = d.source();
      ids[i] = d.deliveryId();
      ts[i] = d.signedTimestamp();
      headers[i] = d.headersJson();
      bodies[i] = d.body;
    }
    Timestamp now = Timestamp.from(clock.instant());
    Map<String, Accepted> result = new HashMap<>();
    try (Connection c = db.getConnection()) {
      c.setAutoCommit(false);
      try {
        try (PreparedStatement ps =
            c.prepareStatement(
                "WITH ins AS (INSERT INTO mlflow_deliveries"
                    + " (source, delivery_id, signed_timestamp, headers, body, received_at)"
                    + " SELECT s, d, t, h::jsonb, b, ? FROM unnest(?::text[], ?::text[], ?::bigint[],"
                    + " ?::text[], ?::bytea[]) WITH ORDINALITY AS u(s, d, t, h, b, o) ORDER BY o"
                    + " ON CONFLICT (source, delivery_id) DO NOTHING RETURNING id, source, delivery_id),"
                    + " st AS (INSERT INTO mlflow_delivery_state"
                    + " (delivery, status, next_attempt_at, updated_at)"
                    + " SELECT id, 'pending', ?, ? FROM ins)"
                    + " SELECT id, source, delivery_id FROM ins")) {
          ps.setTimestamp(1, now);
          ps.setArray(2, c.createArrayOf("text", sources));
          ps.setArray(3, c.createArrayOf("text", ids));
          ps.setArray(4, c.createArrayOf("bigint", ts));
          ps.setArray(5, c.createArrayOf("text", headers));
          ps.setArray(6, c.createArrayOf("bytea", bodies));
          ps.setTimestamp(7, now);
          ps.setTimestamp(8, now);
          try (ResultSet rs = ps.executeQuery()) {
            while (rs.next()) {
              result.put(
                  rs.getString(2) + "\n" + rs.getString(3), new Accepted(rs.getLong(1), false));
            }
          }
        }
        List<Integer> missing = new ArrayList<>();
        for (int i = 0; i < n; i++) {
          if (!result.containsKey(sources[i] + "\n" + ids[i])) {
            missing.add(i);
          }
        }
        if (!missing.isEmpty()) {
          try (PreparedStatement ps =
              c.prepareStatement(
                  "SELECT id, source, delivery_id FROM mlflow_deliveries"
                      + " WHERE (source, delivery_id) IN (SELECT * FROM unnest(?::text[], ?::text[]))")) {
            ps.setArray(
                1, c.createArrayOf("text", missing.stream().map(i -> sources[i]).toArray()));
            ps.setArray(2, c.createArrayOf("text", missing.stream().map(i -> ids[i]).toArray()));
            try (ResultSet rs = ps.executeQuery()) {
              while (rs.next()) {
                result.putIfAbsent(
                    rs.getString(2) + "\n" + rs.getString(3), new Accepted(rs.getLong(1), true));
              }
            }
          }
        }
        c.commit();
      } catch (SQLException | RuntimeException e) {
        c.rollback();
        throw e;
      } finally {
        c.setAutoCommit(true);
      }
    }
    List<Accepted> out = new ArrayList<>(n);
    java.util.Set<String> seen = new java.util.HashSet<>();
    for (int i = 0; i < n; i++) {
      String key = sources[i] + "\n" + ids[i];
      Accepted a = result.get(key);
      // The same delivery twice in one batch: the second is the redelivery.
      out.add(seen.add(key) ? a : new Accepted(a.id(), true));
    }
    return out;
  }

  /** A delivery claimed for processing. */
  record Claimed(
      long id, String source, String deliveryId, byte[] body, int attempts, Instant receivedAt) {}

  /** What became of one processing attempt. */
  record Outcome(String status, String error, Instant retryAt) {
    static Outcome done() {
      return new Outcome("done", null, null);
    }

    static Outcome retry(String error, Instant at) {
      return new Outcome("pending", error, at);
    }

    static Outcome failed(String error) {
      return new Outcome("failed", error, null);
    }
  }

  /** One processing transaction: deliveries claimed, and those of them now done or failed. */
  record Round(int claimed, int finished) {}

  /** Processes one claimed delivery; must not throw for the delivery's own faults. */
  interface Work {
    Outcome process(Claimed d) throws Exception;

    /**
     * Runs after the batch was processed, before its outcomes are committed.
     *
     * @return outcomes replacing those {@link #process} gave, by delivery id
     */
    default Map<Long, Outcome> beforeCommit() throws Exception {
      return Map.of();
    }
  }

  /**
   * Claims up to {@code limit} due deliveries and processes them one by one while holding their row
   * locks in one open transaction, then records every outcome in that transaction. Should the
   * process die meanwhile, PostgreSQL ends the transaction with the connection and the deliveries
   * are due again at once (their processing is idempotent): no lease to wait out, and two
   * processors never hold the same delivery.
   *
   * @return how many deliveries were claimed, and how many of them left the backlog (done or
   *     failed)
   */
  Round processDue(int limit, Work work) throws Exception {
    try (Connection c = db.getConnection()) {
      c.setAutoCommit(false);
      try {
        List<Claimed> claimed = new ArrayList<>();
        try (PreparedStatement ps =
            c.prepareStatement(
                "SELECT d.id, d.source, d.delivery_id, d.body, s.attempts, d.received_at"
                    + " FROM mlflow_delivery_state s JOIN mlflow_deliveries d ON d.id = s.delivery"
                    + " WHERE s.status = 'pending' AND s.next_attempt_at <= ?"
                    + " ORDER BY s.next_attempt_at, s.delivery LIMIT ? FOR UPDATE OF s SKIP LOCKED")) {
          ps.setTimestamp(1, Timestamp.from(clock.instant()));
          ps.setInt(2, limit);
          try (ResultSet rs = ps.executeQuery()) {
            while (rs.next()) {
              claimed.add(
                  new Claimed(
                      rs.getLong(1),
                      rs.getString(2),
                      rs.getString(3),
                      rs.getBytes(4),
                      rs.getInt(5),
                      rs.getTimestamp(6).toInstant()));
            }
          }
        }
        if (claimed.isEmpty()) {
          c.commit();
          return new Round(0, 0);
        }
        int finished = 0;
        try (PreparedStatement ps =
            c.prepareStatement(
                "UPDATE mlflow_delivery_state SET status = ?, attempts = attempts + 1,"
                    + " last_error = ?, next_attempt_at = coalesce(?, next_attempt_at),"
                    + " updated_at = ?, processed_at = CASE WHEN ? = 'done' THEN ?"
                    + " ELSE processed_at END WHERE delivery = ?")) {
          Map<Long, Outcome> outcomes = new java.util.LinkedHashMap<>();
          for (Claimed d : claimed) {
            outcomes.put(d.id(), work.process(d));
          }
          outcomes.putAll(work.beforeCommit());
          for (Map.Entry<Long, Outcome> e : outcomes.entrySet()) {
            Outcome o = e.getValue();
            if (!o.status().equals("pending")) {
              finished++;
            }
            Instant now = clock.instant();
            ps.setString(1, o.status());
            ps.setString(2, o.error() == null ? null : truncate(o.error(), 4000));
            ps.setTimestamp(3, o.retryAt() == null ? null : Timestamp.from(o.retryAt()));
            ps.setTimestamp(4, Timestamp.from(now));
            ps.setString(5, o.status());
            ps.setTimestamp(6, Timestamp.from(now));
            ps.setLong(7, e.getKey());
            ps.addBatch();
          }
          ps.executeBatch();
        }
        c.commit();
        return new Round(claimed.size(), finished);
      } catch (Exception e) {
        c.rollback();
        throw e;
      } finally {
        c.setAutoCommit(true);
      }
    }
  }

  private static String truncate(String s, int max) {
    return s.length() <= max ? s : s.substring(0, max) + "…";
  }

  /**
   * A delivery that is not done: failed for good, or pending after at least one failed attempt, or
   * pending for longer than {@code olderThan}.
   */
  public record Stuck(
      long id,
      String source,
      String deliveryId,
      String status,
      int attempts,
      Instant receivedAt,
      Instant nextAttemptAt,
      String lastError) {}

  /** Deliveries needing an operator's attention, oldest first. */
  public List<Stuck> stuck(Duration olderThan, int limit, long afterId) throws SQLException {
    Instant now = clock.instant();
    try (Connection c = db.getConnection();
        PreparedStatement ps =
            c.prepareStatement(
                "SELECT d.id, d.source, d.delivery_id, s.status, s.attempts, d.received_at,"
                    + " s.next_attempt_at, s.last_error FROM mlflow_delivery_state s"
                    + " JOIN mlflow_deliveries d ON d.id = s.delivery"
                    + " WHERE d.id > ? AND (s.status = 'failed' OR (s.status = 'pending'"
                    + " AND (s.attempts > 0 OR d.received_at < ?))) ORDER BY d.id LIMIT ?")) {
      ps.setLong(1, afterId);
      ps.setTimestamp(2, Timestamp.from(now.minus(olderThan)));
      ps.setInt(3, limit);
      List<Stuck> out = new ArrayList<>();
      try (ResultSet rs = ps.executeQuery()) {
        while (rs.next()) {
          out.add(
              new Stuck(
                  rs.getLong(1),
                  rs.getString(2),
                  rs.getString(3),
                  rs.getString(4),
                  rs.getInt(5),
                  rs.getTimestamp(6).toInstant(),
                  rs.getTimestamp(7).toInstant(),
                  rs.getString(8)));
        }
      }
      return out;
    }
  }

  /**
   * The unprocessed part of the inbox: deliveries pending (due now or retrying later) and when the
   * oldest of them was received.
   */
  public record Backlog(long pending, Optional<Instant> oldestReceivedAt) {}

  /** Reads the backlog now (one count over the pending rows' partial index). */
  public Backlog backlog() throws SQLException {
    try (Connection c = db.getConnection();
        PreparedStatement ps =
            c.prepareStatement(
                "SELECT b.n, d.received_at FROM (SELECT count(*) AS n, min(delivery) AS oldest"
                    + " FROM mlflow_delivery_state WHERE status = 'pending') b"
                    + " LEFT JOIN mlflow_deliveries d ON d.id = b.oldest");
        ResultSet rs = ps.executeQuery()) {
      rs.next();
      Timestamp oldest = rs.getTimestamp(2);
      return new Backlog(
          rs.getLong(1), oldest == null ? Optional.empty() : Optional.of(oldest.toInstant()));
    }
  }

  /** Status of one delivery, for tests and the admin view. */
  public Optional<String> status(String source, String deliveryId) throws SQLException {
    try (Connection c = db.getConnection();
        PreparedStatement ps =
            c.prepareStatement(
                "SELECT s.status FROM mlflow_delivery_state s JOIN mlflow_deliveries d"
                    + " ON d.id = s.delivery WHERE d.source = ? AND d.delivery_id = ?")) {
      ps.setString(1, source);
      ps.setString(2, deliveryId);
      try (ResultSet rs = ps.executeQuery()) {
        return rs.next() ? Optional.of(rs.getString(1)) : Optional.empty();
      }
    }
  }
}
