package io.lineageledger.api;

import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;
import java.time.Clock;
import java.time.Instant;
import java.util.Map;
import java.util.Set;

/**
 * Authenticates the API key of a request ({@code Authorization: Bearer <key>} or {@code X-API-Key})
 * and checks its role; answers 401 for a missing/unknown/revoked key and 403 for a key lacking the
 * role. Every request that reaches it is access-logged when its response ends, whatever the
 * outcome.
 */
final class Auth {
  static final String PRINCIPAL = "principal";

  private final Vertx vertx;
  private final ApiKeys keys;
  private final AccessLog accessLog;
  private final Clock clock;

  Auth(Vertx vertx, ApiKeys keys, AccessLog accessLog, Clock clock) {
    this.vertx = vertx;
    this.keys = keys;
    this.accessLog = accessLog;
    this.clock = clock;
  }

  io.vertx.core.Handler<RoutingContext> require(Endpoint endpoint) {
    Set<Role> roles = endpoint.roles();
    return rc -> {
      Instant started = clock.instant();
      long startNanos = System.nanoTime();
      rc.addEndHandler(ignored -> log(rc, endpoint.path(), started, startNanos));
      String presented = presentedKey(rc);
      if (presented == null) {
        rc.response().putHeader("WWW-Authenticate", "Bearer");
        rc.fail(
            new ApiProblem(
                401,
                "unauthenticated",
                "Unauthenticated",
                "an API key is required (Authorization: Bearer <key>)",
                Map.of(),
                null));
        return;
      }
      vertx
          .executeBlocking(() -> keys.authenticate(presented), false)
          .onSuccess(
              principal -> {
                if (principal.isEmpty()) {
                  rc.response().putHeader("WWW-Authenticate", "Bearer error=\"invalid_token\"");
                  rc.fail(
                      new ApiProblem(
                          401,
                          "unauthenticated",
                          "Unauthenticated",
                          "the API key is unknown or revoked",
                          Map.of(),
                          null));
                } else if (!roles.contains(principal.get().role())) {
                  rc.put(PRINCIPAL, principal.get());
                  rc.fail(
                      new ApiProblem(
                          403,
                          "forbidden",
                          "Forbidden",
                          "role '"
                              + principal.get().role().wire()
                              + "' may not use this route; allowed: "
                              + roles.stream().map(Role::wire).sorted().toList(),
                          Map.of(),
                          null));
                } else {
                  rc.put(PRINCIPAL, principal.get());
                  rc.next();
                }
              })
          .onFailure(rc::fail);
    };
  }

  /**
   * Access-logs a route that authenticates its caller otherwise (a signed webhook): registered
   * before that check, so refused requests are logged too.
   */
  io.vertx.core.Handler<RoutingContext> accessLogged(Endpoint endpoint) {
    return rc -> {
      Instant started = clock.instant();
      long startNanos = System.nanoTime();
      rc.addEndHandler(ignored -> log(rc, endpoint.path(), started, startNanos));
      rc.next();
    };
  }

  private static String presentedKey(RoutingContext rc) {
    String authz = rc.request().getHeader("Authorization");
    if (authz != null && authz.regionMatches(true, 0, "Bearer ", 0, 7)) {
      return authz.substring(7).trim();
    }
    return rc.request().getHeader("X-API-Key");
  }

  private void log(RoutingContext rc, String route, Instant started, long startNanos) {
    JsonObject params = new JsonObject();
    JsonObject path = new JsonObject();
    rc.pathParams().forEach(path::put);
    JsonObject query = new JsonObject();
    rc.queryParams().forEach(e -> query.put(e.getKey(), e.getValue()));
    params.put("path", path).put("query", query);
    accessLog.record(
        new AccessLog.Entry(
            started,
            rc.get(PRINCIPAL),
            rc.request().method().name(),
            route,
            rc.request().path(),
            params,
            rc.response().getStatusCode(),
            (System.nanoTime() - startNanos) / 1000,
            rc.request().remoteAddress() == null
                ? null
                : rc.request().remoteAddress().hostAddress()));
  }
}
