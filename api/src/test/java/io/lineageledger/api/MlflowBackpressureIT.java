package io.lineageledger.api;

import static org.assertj.core.api.Assertions.assertThat;

import io.lineageledger.ingest.mlflow.FakeMlflow;
import io.lineageledger.platform.testing.Await;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Backpressure on the webhook route through the real service: with the inbox's unprocessed backlog
 * at its bound (MLflow down, so nothing can be enriched), a further delivery is answered 429 with
 * Retry-After and not stored; /health shows the backlog; once MLflow is back and the backlog
 * drains, the same delivery is accepted and processed.
 */
class MlflowBackpressureIT {
  static final int BOUND = 3;
  Vertx vertx;
  FakeMlflow mlflow;
  TestService service;
  Clock clock = Clock.systemUTC();

  @BeforeEach
  void start() throws Exception {
    vertx = Vertx.vertx();
    mlflow = FakeMlflow.recorded(vertx);
    Map<String, String> env = new HashMap<>();
    env.put("LINEAGE_MLFLOW_SOURCES", "prod=" + mlflow.url());
    env.put("LINEAGE_MLFLOW_WEBHOOK_SECRETS", "prod=prod-secret");
    env.put("LINEAGE_MLFLOW_SYNC_INTERVAL_SECONDS", "0");
    env.put("LINEAGE_MLFLOW_INBOX_POLL_MILLIS", "50");
    env.put("LINEAGE_MLFLOW_REQUEST_TIMEOUT_MILLIS", "3000");
    env.put("LINEAGE_MLFLOW_INBOX_MAX_BACKLOG", Integer.toString(BOUND));
    env.put("LINEAGE_MLFLOW_RETRY_AFTER_SECONDS", "7");
    service = TestService.start(env, clock);
  }

  @AfterEach
  void stop() throws Exception {
    service.close();
    mlflow.close();
    vertx.close().await();
  }

  private FakeMlflow.Delivery delivery(String version) {
    Map<String, Object> data = new LinkedHashMap<>();
    data.put("name", FakeMlflow.RECORDED_MODEL);
    data.put("version", version);
    return FakeMlflow.delivery("model_version", "created", data, "prod-secret", clock.instant());
  }

  private HttpResponse<String> post(FakeMlflow.Delivery d) throws Exception {
    return service.send(
        HttpRequest.newBuilder(URI.create(service.base + "/api/v1/ingest/mlflow/prod/webhook"))
            .timeout(Duration.ofSeconds(30))
            .header("Content-Type", "application/json")
            .header("X-MLflow-Delivery-Id", d.deliveryId())
            .header("X-MLflow-Timestamp", d.timestamp())
            .header("X-MLflow-Signature", d.signature())
            .POST(HttpRequest.BodyPublishers.ofByteArray(d.body()))
            .build());
  }

  private List<String> statuses() throws Exception {
    try (Connection c = service.database.superuser();
        PreparedStatement ps =
            c.prepareStatement(
                "SELECT d.delivery_id || '=' || s.status FROM mlflow_deliveries d"
                    + " JOIN mlflow_delivery_state s ON s.delivery = d.id ORDER BY d.id");
        ResultSet rs = ps.executeQuery()) {
      List<String> out = new ArrayList<>();
      while (rs.next()) {
        out.add(rs.getString(1));
      }
      return out;
    }
  }

  private JsonObject inboxHealth() throws Exception {
    HttpResponse<String> r = service.get("/health", null);
    assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
    return new JsonObject(r.body()).getJsonObject("checks").getJsonObject("mlflow");
  }

  @Test
  void accept_backlogAtBound_answers429WithRetryAfterAndStoresNothing_thenAcceptsAfterDrain()
      throws Exception {
    mlflow.mode(FakeMlflow.Mode.UNAVAILABLE);
    List<FakeMlflow.Delivery> accepted = new ArrayList<>();
    for (int i = 0; i < BOUND; i++) {
      FakeMlflow.Delivery d = delivery("1");
      HttpResponse<String> r = post(d);
      assertThat(r.statusCode()).as(r.body()).isEqualTo(202);
      accepted.add(d);
    }
    FakeMlflow.Delivery refused = delivery("1");
    HttpResponse<String> full = post(refused);
    assertThat(full.statusCode()).as(full.body()).isEqualTo(429);
    assertThat(full.headers().firstValue("Retry-After")).hasValue("7");
    assertThat(full.headers().firstValue("Content-Type")).hasValue("application/problem+json");
    JsonObject problem = new JsonObject(full.body());
    assertThat(problem.getString("type")).isEqualTo(Problems.TYPE_PREFIX + "inbox-full");
    assertThat(problem.getString("bound")).isEqualTo("backlog");
    assertThat(problem.getString("detail")).contains("3 deliveries").contains("limit 3");
    // Nothing of the refused delivery is stored; the accepted ones are, all still pending.
    assertThat(statuses())
        .containsExactly(
            accepted.get(0).deliveryId() + "=pending",
            accepted.get(1).deliveryId() + "=pending",
            accepted.get(2).deliveryId() + "=pending");

    JsonObject health = inboxHealth();
    assertThat(health.getString("status")).isEqualTo("REFUSING");
    assertThat(health.getLong("pendingDeliveries")).isEqualTo(BOUND);
    assertThat(health.getLong("maxBacklog")).isEqualTo(BOUND);
    assertThat(health.getDouble("oldestPendingAgeSeconds")).isNotNull().isGreaterThanOrEqualTo(0);
    // Waiting ones after a failed attempt stay visible to operators.
    Await.until(
        Duration.ofSeconds(30),
        "a failed attempt on each accepted delivery",
        () -> {
          String body =
              service
                  .get("/api/v1/admin/mlflow/deliveries?olderThanSeconds=3600", service.adminKey)
                  .body();
          return accepted.stream().allMatch(d -> body.contains(d.deliveryId()));
        });

    mlflow.mode(FakeMlflow.Mode.NORMAL);
    // MLflow redelivers a 429'd webhook; here the redelivery is retried until the backlog drained.
    AtomicReference<HttpResponse<String>> last = new AtomicReference<>();
    Await.until(
        Duration.ofSeconds(60),
        () -> "the refused delivery accepted after the backlog drained; last answer " + last.get(),
        () -> {
          last.set(post(refused));
          return last.get().statusCode() == 202;
        });
    Await.until(
        Duration.ofSeconds(60),
        () -> {
          try {
            return "all four deliveries done: " + statuses();
          } catch (Exception e) {
            return e.toString();
          }
        },
        () -> statuses().stream().filter(s -> s.endsWith("=done")).count() == BOUND + 1);
    assertThat(statuses()).hasSize(BOUND + 1).contains(refused.deliveryId() + "=done");
    Await.until(
        Duration.ofSeconds(30),
        "health shows an empty backlog",
        () -> {
          JsonObject h = inboxHealth();
          return h.getLong("pendingDeliveries") == 0
              && h.getValue("oldestPendingAgeSeconds") == null
              && h.getString("status").equals("ACCEPTING");
        });
  }
}
