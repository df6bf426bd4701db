package io.lineageledger.api;

import io.lineageledger.graph.AliasHistoryAnswer;
import io.lineageledger.graph.CrossCheckJson;
import io.lineageledger.graph.LineageAnswer;
import io.lineageledger.graph.LineageGraph;
import io.lineageledger.graph.LineageQuery;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Optional;

/** Lineage questions over the graph, answered from one signed checkpoint. */
final class GraphHandlers {
  private final Vertx vertx;
  private final LineageGraph graph;
  private final List<String> datasetPrefixes;

  GraphHandlers(Vertx vertx, LineageGraph graph, List<String> datasetPrefixes) {
    this.vertx = vertx;
    this.graph = graph;
    this.datasetPrefixes = datasetPrefixes;
  }

  /** {@code /api/v1/runs/{runId}/cross-check}: declared versus observed, journaled. */
  void crossCheck(RoutingContext rc) {
    String runId = rc.pathParam("runId");
    Optional<LineageQuery.AsOf> asOf =
        Optional.ofNullable(rc.queryParams().get("asOf")).map(LineageQuery.AsOf::parse);
    Problems.blocking(
        vertx,
        rc,
        () -> graph.crossCheck(runId, asOf, datasetPrefixes),
        a ->
            AdminHandlers.json(
                rc,
                200,
                new JsonObject()
                    .put("checkpoint", LogHandlers.checkpointJson(a.checkpoint()))
                    .put("runId", a.runId())
                    .put("captureComplete", a.captureComplete())
                    .put("declaredRecords", new JsonArray(a.declaredRecords()))
                    .put("observedRecords", new JsonArray(a.observedRecords()))
                    .put(
                        "findings", new JsonArray(CrossCheckJson.findings(a.findings()).toString()))
                    .put("journaledAs", a.journaledAs())));
  }

  /** {@code /api/v1/lineage?node=<subject>}: from any node by its id. */
  void nodeLineage(RoutingContext rc) {
    answer(rc, LineageQuery.Start.node(rc.queryParams().get("node")));
  }

  /** {@code /api/v1/model-versions/{name}/{version}/lineage}, over every MLflow source. */
  void modelVersionLineage(RoutingContext rc) {
    answer(
        rc,
        LineageQuery.Start.byKey(
            "model-versions", seg(rc.pathParam("name")) + "/" + seg(rc.pathParam("version"))));
  }

  /** {@code /api/v1/runs/{runId}/lineage}, over every MLflow source. */
  void runLineage(RoutingContext rc) {
    answer(rc, LineageQuery.Start.byKey("runs", seg(rc.pathParam("runId"))));
  }

  /** {@code /api/v1/datasets/{digest}/lineage}: every dataset with that content digest. */
  void datasetLineage(RoutingContext rc) {
    answer(rc, LineageQuery.Start.datasetDigest(rc.pathParam("digest")));
  }

  /**
   * {@code /api/v1/datasets/{digest}/impact}: everything downstream of the dataset(s) — runs, model
   * versions, aliases, serving endpoints — grouped by type (the question after a data-poisoning or
   * deletion request).
   */
  void datasetImpact(RoutingContext rc) {
    var p = rc.queryParams();
    LineageQuery q =
        new LineageQuery(
            LineageQuery.Start.datasetDigest(rc.pathParam("digest")),
            LineageQuery.Direction.DOWN,
            Integer.parseInt(Optional.ofNullable(p.get("depth")).orElse("10")),
            Optional.ofNullable(p.get("asOf")).map(LineageQuery.AsOf::parse),
            Boolean.parseBoolean(p.get("proofs")),
            Integer.parseInt(
                Optional.ofNullable(p.get("limit"))
                    .orElse(Integer.toString(LineageQuery.MAX_LIMIT))),
            Optional.ofNullable(p.get("cursor")));
    Problems.blocking(
        vertx,
        rc,
        () -> graph.lineage(q),
        a -> {
          JsonObject impact = new JsonObject();
          for (LineageAnswer.Node n : a.nodes()) {
            if (n.distance() > 0) {
              JsonArray ofType = impact.getJsonArray(n.type());
              if (ofType == null) {
                ofType = new JsonArray();
                impact.put(n.type(), ofType);
              }
              ofType.add(n.id());
            }
          }
          AdminHandlers.json(rc, 200, json(a).put("impact", impact));
        });
  }

  /** {@code /api/v1/models/{name}/aliases/history}: every alias interval of a model. */
  void aliasHistory(RoutingContext rc) {
    String model = seg(rc.pathParam("name"));
    Optional<LineageQuery.AsOf> asOf =
        Optional.ofNullable(rc.queryParams().get("asOf")).map(LineageQuery.AsOf::parse);
    Problems.blocking(
        vertx,
        rc,
        () -> graph.aliasHistory(model, asOf),
        h -> {
          JsonArray intervals = new JsonArray();
          for (AliasHistoryAnswer.Interval i : h.intervals()) {
            JsonObject o =
                new JsonObject()
                    .put("alias", i.alias())
                    .put("version", i.version())
                    .put("from", i.from().toString())
                    .put("records", new JsonArray(i.records()));
            i.until().ifPresent(u -> o.put("until", u.toString()));
            intervals.add(o);
          }
          AdminHandlers.json(
              rc,
              200,
              new JsonObject()
                  .put("checkpoint", LogHandlers.checkpointJson(h.checkpoint()))
                  .put("intervals", intervals));
        });
  }

  // Subjects percent-encode free-text segments (URLEncoder, with %20 for spaces).
  private static String seg(String s) {
    return URLEncoder.encode(s, StandardCharsets.UTF_8).replace("+", "%20");
  }

  private void answer(RoutingContext rc, LineageQuery.Start start) {
    var p = rc.queryParams();
    LineageQuery q =
        new LineageQuery(
            start,
            LineageQuery.Direction.parse(Optional.ofNullable(p.get("direction")).orElse("both")),
            Integer.parseInt(Optional.ofNullable(p.get("depth")).orElse("3")),
            Optional.ofNullable(p.get("asOf")).map(LineageQuery.AsOf::parse),
            Boolean.parseBoolean(p.get("proofs")),
            Integer.parseInt(
                Optional.ofNullable(p.get("limit"))
                    .orElse(Integer.toString(LineageQuery.DEFAULT_LIMIT))),
            Optional.ofNullable(p.get("cursor")));
    Problems.blocking(vertx, rc, () -> graph.lineage(q), a -> AdminHandlers.json(rc, 200, json(a)));
  }

  static JsonObject json(LineageAnswer a) {
    JsonArray nodes = new JsonArray();
    for (LineageAnswer.Node n : a.nodes()) {
      nodes.add(
          new JsonObject()
              .put("id", n.id())
              .put("type", n.type())
              .put("key", n.key())
              .put("distance", n.distance())
              .put("citations", n.citations())
              .put("records", new JsonArray(n.records())));
    }
    JsonArray edges = new JsonArray();
    for (LineageAnswer.Edge e : a.edges()) {
      edges.add(
          new JsonObject()
              .put("from", e.from())
              .put("rel", e.rel())
              .put("to", e.to())
              .put("citations", e.citations())
              .put("records", new JsonArray(e.records())));
    }
    JsonArray records = new JsonArray();
    for (LineageAnswer.CitedRecord c : a.records()) {
      JsonObject r = LogHandlers.recordJson(c.record());
      c.proof().ifPresent(proof -> r.put("proof", LogHandlers.proofJson(proof)));
      records.add(r);
    }
    JsonObject out =
        new JsonObject()
            .put("checkpoint", LogHandlers.checkpointJson(a.checkpoint()))
            .put("start", new JsonArray(a.start()))
            .put("totalNodes", a.totalNodes())
            .put("nodes", nodes)
            .put("edges", edges)
            .put("records", records);
    a.nextCursor().ifPresent(c -> out.put("nextCursor", c));
    return out;
  }
}
