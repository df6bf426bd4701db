package io.lineageledger.api;

import io.lineageledger.platform.Database;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;
import java.time.Duration;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

/**
 * {@code GET /health}: 200 with {@code status: UP} when every check passes, else 503 naming the
 * failing check and why. Checks are live (the database is queried on each call), bounded in time.
 */
final class Health {
  private final Vertx vertx;
  private final Database db;
  private final LogRunner log;
  private final Duration timeout;
  private final Anchoring anchoring;
  private final Supplier<JsonObject> evidence;
  private final Callable<JsonObject> mlflow;

  Health(Vertx vertx, Database db, LogRunner log, Duration timeout) {
    this(vertx, db, log, timeout, null, () -> null, null);
  }

  /**
   * @param anchoring reported as the {@code anchor} check (lag in entries and seconds, last error);
   *     a lagging anchor does not make the service DOWN: journaling goes on without it
   * @param evidence the runtime evidence check ({@code status} ON or OFF with its reason), or null
   *     to leave it out; informative only: evidence being off does not make the service DOWN
   * @param mlflow the MLflow inbox check (backlog, oldest pending delivery, bounds), blocking, or
   *     null to leave it out; informative only: a backlog does not make the service DOWN
   */
  Health(
      Vertx vertx,
      Database db,
      LogRunner log,
      Duration timeout,
      Anchoring anchoring,
      Supplier<JsonObject> evidence,
      Callable<JsonObject> mlflow) {
    this.vertx = vertx;
    this.db = db;
    this.log = log;
    this.timeout = timeout;
    this.anchoring = anchoring;
    this.evidence = evidence;
    this.mlflow = mlflow;
  }

  void handle(RoutingContext rc) {
    Future<JsonObject> inbox =
        mlflow == null
            ? Future.succeededFuture()
            : vertx
                .executeBlocking(mlflow, false)
                .timeout(timeout.toMillis(), TimeUnit.MILLISECONDS)
                .otherwise(
                    err ->
                        new JsonObject()
                            .put("status", "UNKNOWN")
                            .put(
                                "reason",
                                "inbox backlog not counted within "
                                    + timeout.toMillis()
                                    + " ms: "
                                    + err.getMessage()));
    vertx
        .executeBlocking(db::currentMigrationVersion, false)
        .timeout(timeout.toMillis(), TimeUnit.MILLISECONDS)
        .map(
            version ->
                new JsonObject()
                    .put("status", "UP")
                    .put("migrationVersion", version)
                    .put("embedded", db.embedded()))
        .otherwise(
            err ->
                new JsonObject()
                    .put("status", "DOWN")
                    .put("embedded", db.embedded())
                    .put(
                        "reason",
                        "database not reachable within "
                            + timeout.toMillis()
                            + " ms: "
                            + err.getMessage()))
        .compose(database -> inbox.map(i -> new JsonObject[] {database, i}))
        .onSuccess(
            both -> {
              JsonObject database = both[0];
              JsonObject journal = log.health();
              boolean up =
                  "UP".equals(database.getString("status"))
                      && "UP".equals(journal.getString("status"));
              JsonObject checks =
                  new JsonObject().put("database", database).put("journal", journal);
              if (anchoring != null) {
                checks.put("anchor", anchoring.health());
              }
              JsonObject runtimeEvidence = evidence.get();
              if (runtimeEvidence != null) {
                checks.put("runtimeEvidence", runtimeEvidence);
              }
              if (both[1] != null) {
                checks.put("mlflow", both[1]);
              }
              JsonObject body =
                  new JsonObject().put("status", up ? "UP" : "DOWN").put("checks", checks);
              AdminHandlers.json(rc, up ? 200 : 503, body);
            });
  }
}
