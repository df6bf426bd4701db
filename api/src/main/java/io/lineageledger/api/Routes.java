package io.lineageledger.api;

import io.vertx.core.Handler;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Route;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.BodyHandler;
import io.vertx.ext.web.openapi.router.RequestExtractor;
import io.vertx.micrometer.PrometheusScrapingHandler;
import io.vertx.openapi.contract.OpenAPIContract;
import io.vertx.openapi.validation.RequestValidator;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;

/**
 * The route table: every endpoint the service answers, in one list, each with its roles and its
 * contract operation. Every request passes, in order: body limit → API-key auth and role check (and
 * access logging), or for signed webhooks access logging and the signature check → JSON
 * well-formedness → OpenAPI validation (not for signed webhooks) → the handler. Failures of any
 * step become problem documents in {@link Problems}.
 */
final class Routes {
  private static final Set<Role> ANY_ROLE = EnumSet.allOf(Role.class);
  private static final Set<Role> ADMIN = EnumSet.of(Role.ADMIN);
  private static final Set<Role> AUDIT = EnumSet.of(Role.ADMIN, Role.AUDITOR);
  private static final Set<Role> PUBLIC = EnumSet.noneOf(Role.class);

  private Routes() {}

  /** Handlers the table refers to. */
  record Handlers(
      Health health,
      AdminHandlers admin,
      LogHandlers log,
      GraphHandlers graph,
      Buffer openApiYaml,
      boolean publicTiles,
      MlflowHandlers mlflow) {}

  private static final Set<Role> INGEST = EnumSet.of(Role.INGEST, Role.ADMIN);
  private static final Set<Role> READERS = EnumSet.of(Role.AUDITOR, Role.REGULATOR, Role.ADMIN);
  private static final String TILE_REGEX = "/log/tile/.+";

  static List<Endpoint> table(Handlers h) {
    return List.of(
        new Endpoint(HttpMethod.GET, "/health", "getHealth", PUBLIC, false, h.health()::handle),
        new Endpoint(
            HttpMethod.GET,
            "/metrics",
            "getMetrics",
            PUBLIC,
            false,
            PrometheusScrapingHandler.create()),
        new Endpoint(
            HttpMethod.GET, "/openapi.yaml", "getOpenApi", PUBLIC, false, openApi(h.openApiYaml())),
        new Endpoint(HttpMethod.GET, "/api/v1/whoami", "whoami", ANY_ROLE, false, Routes::whoami),
        new Endpoint(
            HttpMethod.GET, "/api/v1/admin/keys", "listKeys", ADMIN, false, h.admin()::listKeys),
        new Endpoint(
            HttpMethod.POST, "/api/v1/admin/keys", "createKey", ADMIN, true, h.admin()::createKey),
        new Endpoint(
            HttpMethod.DELETE,
            "/api/v1/admin/keys/{id}",
            "revokeKey",
            ADMIN,
            false,
            h.admin()::revokeKey),
        new Endpoint(
            HttpMethod.GET,
            "/api/v1/admin/access-log",
            "listAccessLog",
            AUDIT,
            false,
            h.admin()::accessLog),
        new Endpoint(
            HttpMethod.POST,
            "/api/v1/records",
            "appendRecord",
            INGEST,
            true,
            h.log()::appendRecord),
        new Endpoint(
            HttpMethod.GET,
            "/api/v1/records/{id}",
            "getRecord",
            READERS,
            false,
            h.log()::getRecord),
        new Endpoint(
            HttpMethod.GET,
            "/api/v1/records/{id}/proof",
            "getInclusionProof",
            READERS,
            false,
            h.log()::getProof),
        new Endpoint(
            HttpMethod.GET,
            "/api/v1/lineage",
            "getLineage",
            READERS,
            false,
            h.graph()::nodeLineage),
        new Endpoint(
            HttpMethod.GET,
            "/api/v1/model-versions/{name}/{version}/lineage",
            "getModelVersionLineage",
            READERS,
            false,
            h.graph()::modelVersionLineage),
        new Endpoint(
            HttpMethod.GET,
            "/api/v1/runs/{runId}/lineage",
            "getRunLineage",
            READERS,
            false,
            h.graph()::runLineage),
        new Endpoint(
            HttpMethod.GET,
            "/api/v1/runs/{runId}/cross-check",
            "getRunCrossCheck",
            READERS,
            false,
            h.graph()::crossCheck),
        new Endpoint(
            HttpMethod.GET,
            "/api/v1/model-versions/{name}/{version}/cross-check",
            "getModelVersionCrossCheck",
            READERS,
            false,
            h.graph()::modelVersionCrossCheck),
        new Endpoint(
            HttpMethod.GET,
            "/api/v1/datasets/{digest}/lineage",
            "getDatasetLineage",
            READERS,
            false,
            h.graph()::datasetLineage),
        new Endpoint(
            HttpMethod.GET,
            "/api/v1/datasets/{digest}/impact",
            "getDatasetImpact",
            READERS,
            false,
            h.graph()::datasetImpact),
        new Endpoint(
            HttpMethod.GET,
            "/api/v1/models/{name}/aliases/history",
            "getAliasHistory",
            READERS,
            false,
            h.graph()::aliasHistory),
        new Endpoint(
            HttpMethod.GET,
            "/api/v1/checkpoints/latest",
            "getLatestCheckpoint",
            READERS,
            false,
            h.log()::latestCheckpoint),
        new Endpoint(
            HttpMethod.GET,
            "/api/v1/checkpoints/{size}",
            "getCheckpoint",
            READERS,
            false,
            h.log()::checkpointAt),
        new Endpoint(
            HttpMethod.GET,
            "/api/v1/proofs/consistency",
            "getConsistencyProof",
            READERS,
            false,
            h.log()::consistency),
        new Endpoint(
            HttpMethod.GET, "/api/v1/verify", "verifyJournal", AUDIT, false, h.log()::verify),
        new Endpoint(
            HttpMethod.GET,
            "/log/checkpoint",
            "getLogCheckpoint",
            h.publicTiles() ? PUBLIC : READERS,
            false,
            h.log()::logCheckpoint),
        new Endpoint(
            HttpMethod.GET,
            "/log/tile/{tilePath}",
            "getLogTile",
            h.publicTiles() ? PUBLIC : READERS,
            false,
            h.log()::tile,
            TILE_REGEX),
        Endpoint.signed(
            HttpMethod.POST,
            "/api/v1/ingest/mlflow/{source}/webhook",
            "receiveMlflowWebhook",
            h.mlflow()::verify,
            h.mlflow()::accept),
        new Endpoint(
            HttpMethod.GET,
            "/api/v1/admin/mlflow/deliveries",
            "listMlflowDeliveries",
            AUDIT,
            false,
            h.mlflow()::stuck));
  }

  static Router router(
      Vertx vertx, OpenAPIContract contract, List<Endpoint> table, Auth auth, long bodyLimit) {
    Router router = Router.router(vertx);
    RequestValidator validator = RequestValidator.create(vertx, contract);
    RequestExtractor extractor = RequestExtractor.withBodyHandler();
    router.route().handler(Routes::securityHeaders);
    router.route().handler(BodyHandler.create(false).setBodyLimit(bodyLimit));
    for (Endpoint e : table) {
      Route route =
          e.regex() != null
              ? router.routeWithRegex(e.method(), e.regex())
              : router.route(e.method(), e.vertxPath());
      switch (e.guard()) {
        case API_KEY -> route.handler(auth.require(e));
        case SIGNATURE -> route.handler(auth.accessLogged(e)).handler(e.signatureCheck());
        case PUBLIC -> {}
      }
      if (e.jsonBody()) {
        route.handler(JsonBodies::requireWellFormed);
      }
      // Signed webhooks skip contract validation: they are authenticated over their exact bytes,
      // their body is checked when processed, and vertx-openapi's validator (a schema validator
      // built per parameter per request, run through the worker pool) capped the webhook path at
      // a few hundred deliveries/s.
      if (e.regex() == null && e.guard() != Endpoint.Guard.SIGNATURE) {
        route.handler(validation(contract, validator, extractor, e.operationId()));
      }
      route.handler(e.handler());
    }
    router.route().failureHandler(Problems::handle);
    router.errorHandler(404, Problems::handle);
    router.errorHandler(405, Problems::handle);
    return router;
  }

  private static Handler<RoutingContext> validation(
      OpenAPIContract contract,
      RequestValidator validator,
      RequestExtractor extractor,
      String operationId) {
    var operation = contract.operation(operationId);
    if (operation == null) {
      throw new IllegalStateException(
          "route table names operation '" + operationId + "' which openapi.yaml lacks");
    }
    return rc ->
        extractor
            .extractValidatableRequest(rc, operation)
            .compose(req -> validator.validate(req, operationId))
            .onSuccess(validated -> rc.next())
            .onFailure(rc::fail);
  }

  private static void securityHeaders(RoutingContext rc) {
    rc.response()
        .putHeader("X-Content-Type-Options", "nosniff")
        .putHeader("Cache-Control", "no-store");
    rc.next();
  }

  private static Handler<RoutingContext> openApi(Buffer yaml) {
    return rc ->
        rc.response().putHeader(HttpHeaders.CONTENT_TYPE, "text/plain; charset=utf-8").end(yaml);
  }

  private static void whoami(RoutingContext rc) {
    Principal p = rc.get(Auth.PRINCIPAL);
    AdminHandlers.json(
        rc,
        200,
        new JsonObject()
            .put("keyId", p.keyId().toString())
            .put("name", p.name())
            .put("role", p.role().wire()));
  }
}
