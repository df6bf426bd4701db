package io.lineageledger.api;

import io.vertx.core.Vertx;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.util.concurrent.Callable;
import java.util.function.Consumer;
import javax.sql.DataSource;

/** Key administration and access-log reading: the same operations the {@code keys} CLI offers. */
final class AdminHandlers {
  private final Vertx vertx;
  private final ApiKeys keys;
  private final DataSource db;

  AdminHandlers(Vertx vertx, ApiKeys keys, DataSource db) {
    this.vertx = vertx;
    this.keys = keys;
    this.db = db;
  }

  void createKey(RoutingContext rc) {
    JsonObject body = JsonBodies.object(rc);
    Principal caller = rc.get(Auth.PRINCIPAL);
    Role role = Role.parse(body.getString("role"));
    String name = body.getString("name");
    blocking(
        rc,
        () -> keys.create(name, role, "key:" + caller.name()),
        created -> json(rc, 201, keyJson(created.info()).put("key", created.key().reveal())));
  }

  void listKeys(RoutingContext rc) {
    blocking(
        rc,
        keys::list,
        list -> {
          JsonArray arr = new JsonArray();
          list.forEach(k -> arr.add(keyJson(k)));
          json(rc, 200, new JsonObject().put("keys", arr));
        });
  }

  void revokeKey(RoutingContext rc) {
    String id = rc.pathParam("id");
    Principal caller = rc.get(Auth.PRINCIPAL);
    blocking(
        rc,
        () -> keys.revoke(id, "key:" + caller.name()),
        revoked -> {
          if (revoked.isEmpty()) {
            rc.fail(ApiProblem.notFound("no active key with id or name '" + id + "'"));
          } else {
            json(rc, 200, keyJson(revoked.get()));
          }
        });
  }

  void accessLog(RoutingContext rc) {
    int limit =
        Integer.parseInt(
            rc.queryParams().get("limit") == null ? "100" : rc.queryParams().get("limit"));
    String after = rc.queryParams().get("afterId");
    long afterId = after == null ? 0 : Long.parseLong(after);
    blocking(
        rc,
        () -> {
          try (Connection c = db.getConnection();
              PreparedStatement ps =
                  c.prepareStatement(
                      "SELECT id, at, key_id, key_name, role, method, route, path, params::text, status,"
                          + " duration_us FROM access_log WHERE id > ? ORDER BY id LIMIT ?")) {
            ps.setLong(1, afterId);
            ps.setInt(2, limit);
            JsonArray rows = new JsonArray();
            try (ResultSet rs = ps.executeQuery()) {
              while (rs.next()) {
                rows.add(
                    new JsonObject()
                        .put("id", rs.getLong(1))
                        .put("at", rs.getTimestamp(2).toInstant().toString())
                        .put("keyId", rs.getString(3))
                        .put("keyName", rs.getString(4))
                        .put("role", rs.getString(5))
                        .put("method", rs.getString(6))
                        .put("route", rs.getString(7))
                        .put("path", rs.getString(8))
                        .put("params", new JsonObject(rs.getString(9)))
                        .put("status", rs.getInt(10))
                        .put("durationMicros", rs.getLong(11)));
              }
            }
            return rows;
          }
        },
        rows -> {
          JsonObject out = new JsonObject().put("entries", rows);
          if (rows.size() == limit) {
            out.put("nextAfterId", rows.getJsonObject(rows.size() - 1).getLong("id"));
          }
          json(rc, 200, out);
        });
  }

  private static JsonObject keyJson(ApiKeys.KeyInfo k) {
    JsonObject o =
        new JsonObject()
            .put("id", k.id().toString())
            .put("name", k.name())
            .put("role", k.role().wire())
            .put("createdAt", k.createdAt().toString())
            .put("createdBy", k.createdBy());
    if (k.revokedAt() != null) {
      o.put("revokedAt", k.revokedAt().toString());
    }
    return o;
  }

  private <T> void blocking(RoutingContext rc, Callable<T> work, Consumer<T> then) {
    Problems.blocking(vertx, rc, work, then);
  }

  static void json(RoutingContext rc, int status, JsonObject body) {
    rc.response()
        .setStatusCode(status)
        .putHeader(HttpHeaders.CONTENT_TYPE, "application/json")
        .end(body.encode());
  }
}
