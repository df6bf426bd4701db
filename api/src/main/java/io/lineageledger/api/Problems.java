package io.lineageledger.api;

import io.lineageledger.graph.NotAnchoredException;
import io.lineageledger.graph.UnknownNodeException;
import io.lineageledger.ingest.mlflow.InboxFullException;
import io.lineageledger.ingest.mlflow.InboxWriteException;
import io.lineageledger.ledger.journal.ProofUnavailableException;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;
import io.vertx.openapi.validation.ValidatorException;
import java.util.Map;
import java.util.UUID;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The one place failures become HTTP answers: RFC 9457 {@code application/problem+json} with a
 * stable {@code type} per kind of failure. Unexpected exceptions get a 500 whose body carries only
 * an error id; the stack trace goes to the log under that id.
 */
final class Problems {
  /**
   * Runs blocking work (JDBC) on a worker, then {@code then} on the event loop; any failure goes to
   * the failure handler, i.e. to {@link #handle}.
   */
  static <T> void blocking(
      io.vertx.core.Vertx vertx,
      RoutingContext rc,
      java.util.concurrent.Callable<T> work,
      java.util.function.Consumer<T> then) {
    vertx.executeBlocking(work, false).onSuccess(then::accept).onFailure(rc::fail);
  }

  static final String CONTENT_TYPE = "application/problem+json";
  static final String TYPE_PREFIX = "urn:lineage-ledger:problem:";
  private static final Logger log = LoggerFactory.getLogger(Problems.class);

  private Problems() {}

  /** Failure handler for every route, and error handler for unmatched requests. */
  static void handle(RoutingContext rc) {
    if (rc.response().headWritten()) {
      rc.response().reset();
      return;
    }
    Throwable failure = rc.failure();
    int status = rc.statusCode();
    if (failure instanceof ApiProblem p) {
      write(rc, p.status, p.type, p.title, p.getMessage(), p.extensions);
    } else if (failure instanceof ProofUnavailableException p) {
      switch (p.reason()) {
        case NOT_FOUND -> write(rc, 404, "not-found", "Not found", p.getMessage(), Map.of());
        case NOT_YET ->
            write(
                rc,
                409,
                "not-yet-checkpointed",
                "Not in a checkpoint yet",
                p.getMessage(),
                Map.of());
        case INVALID -> write(rc, 400, "invalid-request", "Bad request", p.getMessage(), Map.of());
      }
    } else if (failure instanceof InboxFullException f) {
      // MLflow retries a webhook answered 429; nothing of this delivery was written.
      rc.response().putHeader("Retry-After", Long.toString(f.retryAfter().toSeconds()));
      write(
          rc,
          429,
          "inbox-full",
          "Too many webhook deliveries waiting",
          f.getMessage(),
          Map.of("bound", f.bound().name().toLowerCase(java.util.Locale.ROOT)));
    } else if (failure instanceof InboxWriteException w) {
      // Not acknowledged, so MLflow's redelivery (same delivery id) stores it, or finds it stored.
      log.warn("MLflow webhook not stored: {}", w.getMessage());
      rc.response().putHeader("Retry-After", Long.toString(w.retryAfter().toSeconds()));
      write(
          rc,
          503,
          "inbox-unavailable",
          "Webhook inbox unavailable",
          "the delivery could not be stored; deliver it again later",
          Map.of());
    } else if (failure instanceof NotAnchoredException n) {
      Map<String, Object> ext = new java.util.LinkedHashMap<>();
      ext.put("requestedTreeSize", n.requestedSize());
      ext.put("anchorBackend", n.backend());
      n.newestAnchored().ifPresent(s -> ext.put("newestAnchoredSize", s));
      ext.put("retryable", n.retryable());
      write(rc, 409, "not-anchored", "No anchored checkpoint covers this yet", n.getMessage(), ext);
    } else if (failure instanceof UnknownNodeException u) {
      write(
          rc,
          404,
          "unknown-node",
          "Not in the lineage graph",
          u.getMessage(),
          Map.of("node", u.node(), "treeSize", u.treeSize()));
    } else if (failure instanceof IllegalArgumentException) {
      // Value types validate themselves; their messages name the bad value and what is allowed.
      write(rc, 400, "invalid-request", "Bad request", failure.getMessage(), Map.of());
    } else if (failure instanceof IllegalStateException) {
      write(rc, 409, "conflict", "Conflict", failure.getMessage(), Map.of());
    } else if (failure instanceof ValidatorException v) {
      write(
          rc,
          400,
          "invalid-request",
          "Request does not match the API contract",
          v.getMessage(),
          Map.of());
    } else if (status == 404) {
      write(rc, 404, "not-found", "Not found", "no resource at " + rc.request().path(), Map.of());
    } else if (status == 405) {
      write(
          rc,
          405,
          "method-not-allowed",
          "Method not allowed",
          rc.request().method() + " is not allowed on " + rc.request().path(),
          Map.of());
    } else if (status == 413) {
      write(
          rc,
          413,
          "body-too-large",
          "Request body too large",
          "the request body exceeds the configured limit (http.bodyLimitBytes)",
          Map.of());
    } else if (status >= 400 && status < 500 && failure == null) {
      write(rc, status, "http-" + status, "Request refused", "status " + status, Map.of());
    } else {
      String errorId = UUID.randomUUID().toString();
      log.error(
          "request {} {} failed (error id {})",
          rc.request().method(),
          rc.request().path(),
          errorId,
          failure);
      write(
          rc,
          500,
          "internal",
          "Internal error",
          "the request failed inside the service; quote error id " + errorId + " to its operator",
          Map.of("errorId", errorId));
    }
  }

  static void write(
      RoutingContext rc,
      int status,
      String type,
      String title,
      String detail,
      Map<String, Object> ext) {
    JsonObject body =
        new JsonObject()
            .put("type", TYPE_PREFIX + type)
            .put("title", title)
            .put("status", status)
            .put("detail", detail)
            .put("instance", rc.request().path());
    ext.forEach(body::put);
    rc.response()
        .setStatusCode(status)
        .putHeader(HttpHeaders.CONTENT_TYPE, CONTENT_TYPE)
        .end(body.encode());
  }
}
