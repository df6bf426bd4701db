package io.lineageledger.graph;

import java.sql.Connection;
import java.sql.SQLException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.SynchronousQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import javax.sql.DataSource;

/**
 * Reads the two halves of a large graph read at once: the query's own connection reads one, a
 * helper thread reads the other on a second pooled connection. A large query's time is index probes
 * (one per node id or record id) answered by one PostgreSQL backend while the JVM waits; halves on
 * two backends use the machine's second core.
 *
 * <p>Never a pool deadlock: the query's thread holds its connection and never waits for the helper
 * to get one. The second half goes to whichever side claims it first: the helper once it holds a
 * connection, or the query's thread once its own half is done. A helper that loses the claim gives
 * its connection back at once. When every helper thread is busy the query reads both halves itself.
 * Every read is as of a tree size, so the two connections' snapshots give the same answer. Helper
 * threads are daemons and end after 30 s without work.
 */
final class SplitReads {

  /** One half's read, on the connection it is given. */
  interface Read<T> {
    T on(Connection c) throws SQLException;
  }

  /** Results of the two halves, in order. */
  record Halves<T>(T first, T second) {}

  private final DataSource db;
  private final ThreadPoolExecutor helpers;

  /**
   * @param threads helper threads, 0 = every read on the query's own connection
   */
  SplitReads(DataSource db, int threads) {
    if (threads < 0 || threads > 64) {
      throw new IllegalArgumentException(
          "helper threads " + threads + " is not allowed: expected 0..64");
    }
    this.db = db;
    AtomicInteger n = new AtomicInteger();
    this.helpers =
        threads == 0
            ? null
            : new ThreadPoolExecutor(
                0,
                threads,
                30,
                TimeUnit.SECONDS,
                new SynchronousQueue<>(),
                r -> {
                  Thread t = new Thread(r, "graph-read-" + n.incrementAndGet());
                  t.setDaemon(true);
                  return t;
                });
  }

  /** Whether a second connection may be used at all. */
  boolean enabled() {
    return helpers != null;
  }

  /**
   * Runs {@code first} on {@code c} and {@code second} on another connection if one comes in time.
   */
  <T> Halves<T> both(Connection c, Read<T> first, Read<T> second) throws SQLException {
    if (helpers == null) {
      return new Halves<>(first.on(c), second.on(c));
    }
    AtomicBoolean claimed = new AtomicBoolean();
    CompletableFuture<T> helped = new CompletableFuture<>();
    try {
      helpers.execute(
          () -> {
            if (claimed.get()) {
              return;
            }
            try (Connection h = db.getConnection()) {
              if (claimed.compareAndSet(false, true)) {
                helped.complete(second.on(h));
              }
            } catch (SQLException | RuntimeException e) {
              // Before the claim, the query's thread reads the half itself and never looks here.
              helped.completeExceptionally(e);
            }
          });
    } catch (RejectedExecutionException e) {
      return new Halves<>(first.on(c), second.on(c));
    }
    T a = first.on(c);
    if (claimed.compareAndSet(false, true)) {
      return new Halves<>(a, second.on(c));
    }
    try {
      return new Halves<>(a, helped.get());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new SQLException("interrupted while the second half of a graph read ran", e);
    } catch (ExecutionException e) {
      if (e.getCause() instanceof SQLException s) {
        throw s;
      }
      throw new SQLException("the second half of a graph read failed", e.getCause());
    }
  }
}
