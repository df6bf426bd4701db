package io.lineageledger.api;

import io.vertx.core.Handler;
import io.vertx.core.http.HttpMethod;
import io.vertx.ext.web.RoutingContext;
import java.util.Objects;
import java.util.Set;

/**
 * One row of the route table.
 *
 * @param method HTTP method
 * @param path path as written in openapi.yaml ({@code /api/v1/keys/{id}})
 * @param operationId the contract operation validating the request; null for routes outside the
 *     contract's validation (infrastructure endpoints)
 * @param roles roles admitted; empty = public (no key, not access-logged)
 * @param jsonBody whether the request carries a JSON body to check before validation
 * @param handler the business handler, reached only after auth and validation
 * @param regex when non-null, the route matches this regex instead of {@code path}, and the handler
 *     parses the path itself (C2SP tile paths span a variable number of segments, which OpenAPI
 *     cannot express); such routes skip contract validation
 * @param signatureCheck when non-null, the route is authenticated by this handler (a webhook's
 *     signature over its raw body) instead of an API key; {@code roles} is then empty
 */
record Endpoint(
    HttpMethod method,
    String path,
    String operationId,
    Set<Role> roles,
    boolean jsonBody,
    Handler<RoutingContext> handler,
    String regex,
    Handler<RoutingContext> signatureCheck) {

  /** How a route's caller is authenticated. */
  enum Guard {
    PUBLIC,
    API_KEY,
    SIGNATURE
  }

  Endpoint(
      HttpMethod method,
      String path,
      String operationId,
      Set<Role> roles,
      boolean jsonBody,
      Handler<RoutingContext> handler,
      String regex) {
    this(method, path, operationId, roles, jsonBody, handler, regex, null);
  }

  /** A route authenticated by a signature over its body rather than by an API key. */
  static Endpoint signed(
      HttpMethod method,
      String path,
      String operationId,
      Handler<RoutingContext> signatureCheck,
      Handler<RoutingContext> handler) {
    return new Endpoint(method, path, operationId, Set.of(), true, handler, null, signatureCheck);
  }

  Endpoint(
      HttpMethod method,
      String path,
      String operationId,
      Set<Role> roles,
      boolean jsonBody,
      Handler<RoutingContext> handler) {
    this(method, path, operationId, roles, jsonBody, handler, null);
  }

  Endpoint {
    Objects.requireNonNull(method, "method");
    Objects.requireNonNull(path, "path");
    Objects.requireNonNull(roles, "roles");
    Objects.requireNonNull(handler, "handler");
    if (!path.startsWith("/")) {
      throw new IllegalArgumentException("path '" + path + "' must start with /");
    }
    if (signatureCheck != null && !roles.isEmpty()) {
      throw new IllegalArgumentException(
          "route " + path + " is signature-authenticated and cannot also admit API-key roles");
    }
  }

  Guard guard() {
    if (signatureCheck != null) {
      return Guard.SIGNATURE;
    }
    return roles.isEmpty() ? Guard.PUBLIC : Guard.API_KEY;
  }

  boolean isPublic() {
    return guard() == Guard.PUBLIC;
  }

  /** {@code /a/{id}} → {@code /a/:id}, Vert.x's path-parameter syntax. */
  String vertxPath() {
    return path.replaceAll("\\{([A-Za-z0-9_]+)}", ":$1");
  }
}
