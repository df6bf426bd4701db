package io.lineageledger.api;

import io.lineageledger.graph.LineageGraph;
import io.lineageledger.ledger.journal.InconsistentTreeException;
import io.lineageledger.ledger.journal.TransparencyLog;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Drives the log's background step (sequence waiting records, sign a checkpoint when due) on a
 * timer, one step at a time, off the event loop; remembers the outcome for {@code /health}.
 */
final class LogRunner implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(LogRunner.class);

  private final Vertx vertx;
  private final TransparencyLog transparencyLog;
  private final Clock clock;
  private final long timerId;
  private Future<Void> running = Future.succeededFuture();
  private volatile String lastError;
  private volatile Instant lastSuccess;
  private volatile boolean leader;
  private final LineageGraph graph;
  private volatile String graphError;

  LogRunner(
      Vertx vertx,
      TransparencyLog transparencyLog,
      LineageGraph graph,
      Clock clock,
      Duration every) {
    this.vertx = vertx;
    this.transparencyLog = transparencyLog;
    this.graph = graph;
    this.clock = clock;
    this.timerId = vertx.setPeriodic(every.toMillis(), id -> stepIfIdle());
  }

  private void stepIfIdle() {
    if (running.isComplete()) {
      running = step();
    }
  }

  /** One step after any running one; for shutdown, so sequencing catches up before stopping. */
  Future<Void> drain() {
    running = running.transform(ignored -> step());
    return running;
  }

  private Future<Void> step() {
    return vertx
        .<Void>executeBlocking(
            () -> {
              transparencyLog.step();
              leader = transparencyLog.isSequencer();
              projectGraph();
              return null;
            },
            false)
        .onSuccess(
            v -> {
              lastSuccess = clock.instant();
              lastError = null;
            })
        .recover(
            err -> {
              String message =
                  (err instanceof InconsistentTreeException ? "REFUSED TO SIGN: " : "")
                      + err.getMessage();
              if (!message.equals(lastError)) {
                log.error("log step failed: {}", message, err);
              }
              lastError = message;
              return Future.succeededFuture();
            });
  }

  // The graph is a projection: failing to advance it must not mark the journal down, only itself.
  private void projectGraph() {
    try {
      graph.catchUp();
      graphError = null;
    } catch (SQLException | RuntimeException e) {
      if (!String.valueOf(e.getMessage()).equals(graphError)) {
        log.error("lineage graph projection failed: {}", e.getMessage(), e);
      }
      graphError = String.valueOf(e.getMessage());
    }
  }

  /** The health check's view: UP unless the last step failed. */
  JsonObject health() {
    JsonObject o =
        new JsonObject()
            .put("status", lastError == null ? "UP" : "DOWN")
            .put("sequencer", leader ? "this instance" : "another instance (or none yet)");
    if (lastSuccess != null) {
      o.put("lastStepAt", lastSuccess.toString());
    }
    if (lastError != null) {
      o.put("reason", lastError);
    }
    JsonObject g = new JsonObject().put("status", graphError == null ? "UP" : "DOWN");
    if (graphError != null) {
      g.put("reason", graphError);
    }
    o.put("graph", g);
    return o;
  }

  @Override
  public void close() {
    vertx.cancelTimer(timerId);
  }
}
