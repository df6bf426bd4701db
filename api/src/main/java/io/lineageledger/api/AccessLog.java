package io.lineageledger.api;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.ListIterator;
import java.util.concurrent.atomic.AtomicLong;
import javax.sql.DataSource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Records every authenticated API request (who, route, parameters, status, time) in the append-only
 * {@code access_log} table. Rows are buffered and written in batches off the event loop; a failed
 * write keeps the rows queued for the next attempt, and shutdown flushes what is left.
 */
final class AccessLog implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(AccessLog.class);
  private static final int MAX_QUEUED = 100_000;
  private static final int BATCH = 500;

  record Entry(
      Instant at,
      Principal principal,
      String method,
      String route,
      String path,
      JsonObject params,
      int status,
      long durationMicros,
      String remote) {}

  private final Vertx vertx;
  private final DataSource db;

  /** Guarded by itself. */
  private final ArrayDeque<Entry> queue = new ArrayDeque<>();

  private final AtomicLong dropped = new AtomicLong();
  private Future<Void> inFlight = Future.succeededFuture();
  private final long timerId;

  AccessLog(Vertx vertx, DataSource db, Duration flushEvery) {
    this.vertx = vertx;
    this.db = db;
    this.timerId = vertx.setPeriodic(flushEvery.toMillis(), id -> flushIfIdle());
  }

  void record(Entry e) {
    synchronized (queue) {
      if (queue.size() < MAX_QUEUED) {
        queue.addLast(e);
        return;
      }
    }
    if (dropped.incrementAndGet() % 1000 == 1) {
      log.error(
          "access log backlog above {} rows: the database is not keeping up; {} rows dropped so far",
          MAX_QUEUED,
          dropped.get());
    }
  }

  private boolean isEmpty() {
    synchronized (queue) {
      return queue.isEmpty();
    }
  }

  long dropped() {
    return dropped.get();
  }

  /**
   * Starts writing what is queued unless a write is already running; called by the timer. Runs on
   * the owning verticle's event loop, which is what makes {@code inFlight} safe without locks.
   */
  private void flushIfIdle() {
    if (inFlight.isComplete() && !isEmpty()) {
      inFlight = write();
    }
  }

  /** Writes everything queued so far, after any running write; for shutdown. */
  Future<Void> flush() {
    inFlight = inFlight.transform(ignored -> write());
    return inFlight;
  }

  private Future<Void> write() {
    return vertx
        .<Void>executeBlocking(
            () -> {
              writeAll();
              return null;
            },
            false)
        .recover(
            err -> {
              log.warn("access log write failed, rows kept for retry: {}", err.toString());
              return Future.succeededFuture();
            });
  }

  private void writeAll() throws SQLException {
    while (true) {
      List<Entry> batch = new ArrayList<>(BATCH);
      synchronized (queue) {
        while (!queue.isEmpty() && batch.size() < BATCH) {
          batch.add(queue.pollFirst());
        }
      }
      if (batch.isEmpty()) {
        return;
      }
      try {
        insert(batch);
      } catch (SQLException e) {
        // Back in front of newer rows, in order, so nothing accepted is lost.
        synchronized (queue) {
          for (ListIterator<Entry> it = batch.listIterator(batch.size()); it.hasPrevious(); ) {
            queue.addFirst(it.previous());
          }
        }
        throw e;
      }
    }
  }

  private void insert(List<Entry> batch) throws SQLException {
    try (Connection c = db.getConnection();
        PreparedStatement ps =
            c.prepareStatement(
                "INSERT INTO access_log (at, key_id, key_name, role, method, route, path, params,"
                    + " status, duration_us, remote) VALUES (?, ?, ?, ?, ?, ?, ?, ?::jsonb, ?, ?, ?)")) {
      for (Entry e : batch) {
        ps.setTimestamp(1, Timestamp.from(e.at()));
        ps.setObject(2, e.principal() == null ? null : e.principal().keyId());
        ps.setString(3, e.principal() == null ? null : e.principal().name());
        ps.setString(4, e.principal() == null ? null : e.principal().role().wire());
        ps.setString(5, e.method());
        ps.setString(6, e.route());
        ps.setString(7, e.path());
        ps.setString(8, e.params().encode());
        ps.setInt(9, e.status());
        ps.setLong(10, e.durationMicros());
        ps.setString(11, e.remote());
        ps.addBatch();
      }
      ps.executeBatch();
    }
  }

  @Override
  public void close() {
    vertx.cancelTimer(timerId);
  }
}
