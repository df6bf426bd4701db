package io.lineageledger.api;

import io.lineageledger.ingest.mlflow.Inbox;
import io.lineageledger.ingest.mlflow.MlflowIngest;
import io.lineageledger.ingest.mlflow.WebhookVerifier;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.AbstractMap;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * MLflow webhook routes: the signature check (which stands in for API-key auth on the webhook
 * route), acceptance into the durable inbox, and the admin view of stuck deliveries. A refused
 * webhook is counted in {@code lineage_mlflow_webhook_rejected_total} and logged at most once per
 * reason every ten seconds; its body is neither stored nor logged.
 */
final class MlflowHandlers {
  private static final Logger log = LoggerFactory.getLogger(MlflowHandlers.class);
  private static final String VERDICT = "mlflow.verdict";
  // The verified bytes themselves: the inbox stores exactly what the signature was checked over.
  private static final String BODY = "mlflow.body";
  private static final Duration LOG_EVERY = Duration.ofSeconds(10);

  private final Vertx vertx;
  private final MlflowIngest ingest;
  private final MeterRegistry metrics;
  private final Clock clock;
  private final Map<String, AtomicLong> suppressed = new ConcurrentHashMap<>();
  private final Map<String, Instant> lastLogged = new ConcurrentHashMap<>();

  MlflowHandlers(Vertx vertx, MlflowIngest ingest, MeterRegistry metrics, Clock clock) {
    this.vertx = vertx;
    this.ingest = ingest;
    this.metrics = metrics;
    this.clock = clock;
  }

  /**
   * Authenticates the delivery by its MLflow signature; the next handler sees only verified ones.
   */
  void verify(RoutingContext rc) {
    String source = rc.pathParam("source");
    Buffer body = rc.body() == null ? null : rc.body().buffer();
    byte[] bytes = body == null ? new byte[0] : body.getBytes();
    long limit = ingest.config().webhookBodyLimitBytes();
    if (bytes.length > limit) {
      rc.fail(
          new ApiProblem(
              413,
              "body-too-large",
              "Request body too large",
              "the webhook body has " + bytes.length + " bytes; at most " + limit + " are accepted",
              Map.of(),
              null));
      return;
    }
    var h = rc.request().headers();
    WebhookVerifier.Verdict v =
        ingest
            .verifier()
            .verify(
                source,
                h.get(WebhookVerifier.DELIVERY_ID),
                h.get(WebhookVerifier.TIMESTAMP),
                h.get(WebhookVerifier.SIGNATURE),
                bytes);
    if (!v.ok()) {
      refused(source, v, rc);
      return;
    }
    rc.put(VERDICT, v);
    rc.put(BODY, bytes);
    rc.next();
  }

  private void refused(String source, WebhookVerifier.Verdict v, RoutingContext rc) {
    boolean known = ingest.verifier().source(source).isPresent();
    String reason = v.reason().name().toLowerCase(java.util.Locale.ROOT);
    if (metrics != null) {
      Counter.builder("lineage.mlflow.webhook.rejected")
          .description("MLflow webhook deliveries refused before reaching the inbox")
          .tag("source", known ? source : "(unknown)")
          .tag("reason", reason)
          .register(metrics)
          .increment();
    }
    logRateLimited(reason, known ? source : "(unknown)", v.detail(), rc);
    if (v.reason() == WebhookVerifier.Reason.UNKNOWN_SOURCE) {
      rc.fail(ApiProblem.notFound("no MLflow source '" + source + "' is configured"));
      return;
    }
    rc.response().putHeader("WWW-Authenticate", "MLflow-Signature");
    rc.fail(
        new ApiProblem(
            401,
            "unauthenticated",
            "Unauthenticated",
            "the webhook is not authenticated: " + v.detail(),
            Map.of("reason", reason),
            null));
  }

  private void logRateLimited(String reason, String source, String detail, RoutingContext rc) {
    Instant now = clock.instant();
    String key = reason + "/" + source;
    AtomicLong count = suppressed.computeIfAbsent(key, k -> new AtomicLong());
    Instant last = lastLogged.get(key);
    if (last != null && Duration.between(last, now).compareTo(LOG_EVERY) < 0) {
      count.incrementAndGet();
      return;
    }
    lastLogged.put(key, now);
    long more = count.getAndSet(0);
    log.warn(
        "MLflow webhook refused ({}, source {}, from {}): {}{}",
        reason,
        source,
        rc.request().remoteAddress() == null ? "?" : rc.request().remoteAddress().hostAddress(),
        detail,
        more > 0 ? " (" + more + " more like it in the last " + LOG_EVERY.toSeconds() + " s)" : "");
  }

  /**
   * Writes the verified delivery to the inbox, then answers 202 (200 for a redelivery) — only after
   * the transaction holding it committed. Over a bound (backlog, write queue) or when that
   * transaction fails, the failure goes to {@link Problems} (429 or 503, with Retry-After).
   */
  void accept(RoutingContext rc) {
    WebhookVerifier.Verdict v = rc.get(VERDICT);
    List<Map.Entry<String, String>> headers = new ArrayList<>();
    rc.request()
        .headers()
        .forEach(e -> headers.add(new AbstractMap.SimpleEntry<>(e.getKey(), e.getValue())));
    String deliveryId = rc.request().getHeader(WebhookVerifier.DELIVERY_ID);
    Inbox.Delivery d =
        new Inbox.Delivery(
            rc.pathParam("source"), deliveryId, v.timestamp(), headers, rc.<byte[]>get(BODY));
    ingest
        .accept(d)
        .onSuccess(
            a -> {
              AdminHandlers.json(
                  rc,
                  a.duplicate() ? 200 : 202,
                  new JsonObject()
                      .put("deliveryId", deliveryId)
                      .put("status", a.duplicate() ? "duplicate" : "accepted"));
            })
        .onFailure(rc::fail);
  }

  /** Deliveries failed for good, retrying, or waiting longer than {@code olderThanSeconds}. */
  void stuck(RoutingContext rc) {
    String l = rc.queryParams().get("limit");
    String a = rc.queryParams().get("afterId");
    String o = rc.queryParams().get("olderThanSeconds");
    int limit = l == null ? 100 : Integer.parseInt(l);
    long afterId = a == null ? 0 : Long.parseLong(a);
    Duration olderThan = Duration.ofSeconds(o == null ? 300 : Long.parseLong(o));
    Problems.blocking(
        vertx,
        rc,
        () -> ingest.inbox().stuck(olderThan, limit, afterId),
        rows -> {
          JsonArray out = new JsonArray();
          rows.forEach(
              s ->
                  out.add(
                      new JsonObject()
                          .put("id", s.id())
                          .put("source", s.source())
                          .put("deliveryId", s.deliveryId())
                          .put("status", s.status())
                          .put("attempts", s.attempts())
                          .put("receivedAt", s.receivedAt().toString())
                          .put("nextAttemptAt", s.nextAttemptAt().toString())
                          .put("lastError", s.lastError())));
          JsonObject body = new JsonObject().put("deliveries", out);
          if (rows.size() == limit) {
            body.put("nextAfterId", rows.get(rows.size() - 1).id());
          }
          AdminHandlers.json(rc, 200, body);
        });
  }
}
