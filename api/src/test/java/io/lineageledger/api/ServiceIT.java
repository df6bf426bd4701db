package io.lineageledger.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.lineageledger.platform.Database;
import io.lineageledger.platform.testing.Await;
import io.vertx.core.json.JsonObject;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

class ServiceIT {
  static TestService service;

  @BeforeAll
  static void start() throws Exception {
    service = TestService.start(Map.of("LINEAGE_HTTP_BODY_LIMIT_BYTES", "4096"));
  }

  @AfterAll
  static void stop() throws Exception {
    service.close();
  }

  private static void assertProblem(HttpResponse<String> r, int status, String type) {
    assertThat(r.statusCode()).as(r.body()).isEqualTo(status);
    assertThat(r.headers().firstValue("Content-Type")).hasValue("application/problem+json");
    JsonObject p = new JsonObject(r.body());
    assertThat(p.getString("type")).isEqualTo(Problems.TYPE_PREFIX + type);
    assertThat(p.getInteger("status")).isEqualTo(status);
    assertThat(p.getString("title")).isNotBlank();
    assertThat(p.getString("detail")).isNotBlank();
  }

  @Test
  void health_databaseUp_answers200WithMigrationVersion() throws Exception {
    HttpResponse<String> r = service.get("/health", null);
    assertThat(r.statusCode()).isEqualTo(200);
    JsonObject body = new JsonObject(r.body());
    assertThat(body.getString("status")).isEqualTo("UP");
    JsonObject database = body.getJsonObject("checks").getJsonObject("database");
    assertThat(database.getString("status")).isEqualTo("UP");
    assertThat(database.getString("migrationVersion"))
        .isEqualTo(service.verticle.database().migrationVersion());
  }

  @Test
  void metrics_scraped_servesPrometheusText() throws Exception {
    service.get("/health", null);
    HttpResponse<String> r = service.get("/metrics", null);
    assertThat(r.statusCode()).isEqualTo(200);
    assertThat(r.headers().firstValue("Content-Type").orElse("")).startsWith("text/plain");
    assertThat(r.body()).contains("# TYPE").contains("vertx_http_server_requests_total");
  }

  @Test
  void openapi_served_isTheContractTheRouterUses() throws Exception {
    HttpResponse<String> r = service.get("/openapi.yaml", null);
    assertThat(r.statusCode()).isEqualTo(200);
    assertThat(r.body()).isEqualTo(ApiVerticle.openApiText()).contains("openapi: 3.1.0");
  }

  @Test
  void unknownRoute_answers404Problem() throws Exception {
    assertProblem(service.get("/no/such/thing", service.adminKey), 404, "not-found");
  }

  @Test
  void wrongMethod_answers405Problem() throws Exception {
    assertProblem(service.send("PUT", "/health", null, "{}"), 405, "method-not-allowed");
  }

  @Test
  void oversizedBody_answers413Problem() throws Exception {
    String big = "{\"name\":\"" + "x".repeat(5000) + "\",\"role\":\"auditor\"}";
    assertProblem(
        service.send("POST", "/api/v1/admin/keys", service.adminKey, big), 413, "body-too-large");
  }

  @Test
  void malformedJson_answers400WithParsePosition() throws Exception {
    HttpResponse<String> r =
        service.send(
            "POST",
            "/api/v1/admin/keys",
            service.adminKey,
            "{\n  \"name\": \"x\",\n  \"role\" \"admin\"}");
    assertProblem(r, 400, "malformed-json");
    JsonObject p = new JsonObject(r.body());
    assertThat(p.getInteger("line")).isEqualTo(3);
    assertThat(p.getInteger("column")).isEqualTo(10);
    assertThat(p.getString("detail")).contains("line 3, column 10");
  }

  @Test
  void contractViolation_answers400NamingTheField() throws Exception {
    HttpResponse<String> r =
        service.send(
            "POST",
            "/api/v1/admin/keys",
            service.adminKey,
            "{\"name\":\"ok\",\"role\":\"emperor\"}");
    assertProblem(r, 400, "invalid-request");
    HttpResponse<String> q = service.get("/api/v1/admin/access-log?limit=0", service.adminKey);
    assertProblem(q, 400, "invalid-request");
    assertThat(new JsonObject(q.body()).getString("detail")).contains("limit");
  }

  @Test
  void auth_matrix_noKeyBadKeyWrongRoleRightRoleRevoked() throws Exception {
    assertProblem(service.get("/api/v1/admin/keys", null), 401, "unauthenticated");
    assertProblem(
        service.get("/api/v1/admin/keys", "llk_" + "A".repeat(43)), 401, "unauthenticated");
    assertProblem(service.get("/api/v1/admin/keys", "not-even-a-key"), 401, "unauthenticated");

    HttpResponse<String> created =
        service.send(
            "POST",
            "/api/v1/admin/keys",
            service.adminKey,
            "{\"name\":\"alice\",\"role\":\"auditor\"}");
    assertThat(created.statusCode()).as(created.body()).isEqualTo(201);
    JsonObject alice = new JsonObject(created.body());
    String aliceKey = alice.getString("key");
    assertThat(aliceKey).startsWith("llk_").hasSize(4 + 43);

    assertProblem(service.get("/api/v1/admin/keys", aliceKey), 403, "forbidden");
    HttpResponse<String> whoami = service.get("/api/v1/whoami", aliceKey);
    assertThat(whoami.statusCode()).isEqualTo(200);
    assertThat(new JsonObject(whoami.body()).getString("role")).isEqualTo("auditor");
    // X-API-Key works as well as the bearer header.
    HttpResponse<String> viaHeader =
        service.send(
            HttpRequest.newBuilder(URI.create(service.base + "/api/v1/admin/access-log?limit=1"))
                .header("X-API-Key", aliceKey)
                .build());
    assertThat(viaHeader.statusCode()).isEqualTo(200);

    HttpResponse<String> list = service.get("/api/v1/admin/keys", service.adminKey);
    assertThat(list.statusCode()).isEqualTo(200);
    assertThat(list.body())
        .contains("alice")
        .doesNotContain(aliceKey)
        .doesNotContain(service.adminKey);

    HttpResponse<String> revoked =
        service.send(
            "DELETE", "/api/v1/admin/keys/" + alice.getString("id"), service.adminKey, null);
    assertThat(revoked.statusCode()).as(revoked.body()).isEqualTo(200);
    assertProblem(service.get("/api/v1/whoami", aliceKey), 401, "unauthenticated");
    assertProblem(
        service.send("DELETE", "/api/v1/admin/keys/alice", service.adminKey, null),
        404,
        "not-found");
  }

  @Test
  void createKey_duplicateActiveName_answers409() throws Exception {
    String body = "{\"name\":\"dup\",\"role\":\"regulator\"}";
    assertThat(service.send("POST", "/api/v1/admin/keys", service.adminKey, body).statusCode())
        .isEqualTo(201);
    assertProblem(
        service.send("POST", "/api/v1/admin/keys", service.adminKey, body), 409, "conflict");
  }

  @Test
  void accessLog_everyAuthenticatedRequest_recordedAndImmutable() throws Exception {
    String marker = "marker" + System.nanoTime();
    service.get("/api/v1/whoami?probe=" + marker, service.adminKey);
    service.get("/api/v1/admin/keys?probe=" + marker, "llk_unknown");

    try (Connection su = service.database.superuser();
        Statement s = su.createStatement()) {
      Await.until(
          Duration.ofSeconds(10),
          "two access-log rows carrying " + marker,
          () -> {
            try (ResultSet rs =
                s.executeQuery(
                    "SELECT count(*) FROM access_log WHERE params->'query'->>'probe' = '"
                        + marker
                        + "'")) {
              rs.next();
              return rs.getInt(1) == 2;
            }
          });
      try (ResultSet rs =
          s.executeQuery(
              "SELECT key_name, role, method, route, status FROM access_log"
                  + " WHERE params->'query'->>'probe' = '"
                  + marker
                  + "' ORDER BY id")) {
        rs.next();
        assertThat(rs.getString(1)).isEqualTo("admin");
        assertThat(rs.getString(2)).isEqualTo("admin");
        assertThat(rs.getString(3)).isEqualTo("GET");
        assertThat(rs.getString(4)).isEqualTo("/api/v1/whoami");
        assertThat(rs.getInt(5)).isEqualTo(200);
        rs.next();
        assertThat(rs.getString(1)).isNull();
        assertThat(rs.getInt(5)).isEqualTo(401);
      }
      assertThatThrownBy(() -> s.execute("UPDATE access_log SET status = 200"))
          .hasMessageContaining("append-only");
      assertThatThrownBy(() -> s.execute("DELETE FROM access_log"))
          .hasMessageContaining("append-only");
    }
    try (Connection app = service.verticle.database().dataSource().getConnection();
        Statement s = app.createStatement()) {
      assertThatThrownBy(() -> s.execute("UPDATE access_log SET status = 200"))
          .hasMessageContaining("permission denied");
      assertThatThrownBy(() -> s.execute("DELETE FROM access_log"))
          .hasMessageContaining("permission denied");
      try (ResultSet rs = s.executeQuery("SELECT current_user")) {
        rs.next();
        assertThat(rs.getString(1)).isEqualTo(Database.APP_ROLE);
      }
    }
  }

  @Test
  void secrets_neverInAnswersOrStdoutBeyondBootstrap() throws Exception {
    HttpResponse<String> list = service.get("/api/v1/admin/keys", service.adminKey);
    assertThat(list.body()).doesNotContain("llk_");
    // The bootstrap key is printed exactly once.
    String out = service.stdout.toString(java.nio.charset.StandardCharsets.UTF_8);
    assertThat(out.split(java.util.regex.Pattern.quote(service.adminKey), -1)).hasSize(2);
  }
}
