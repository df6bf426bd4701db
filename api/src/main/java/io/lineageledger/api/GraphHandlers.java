package io.lineageledger.api;

import io.lineageledger.graph.AliasHistoryAnswer;
import io.lineageledger.graph.CrossCheckJson;
import io.lineageledger.graph.LineageAnswer;
import io.lineageledger.graph.LineageGraph;
import io.lineageledger.graph.LineageQuery;
import io.lineageledger.graph.ModelCrossCheckAnswer;
import io.lineageledger.ledger.journal.SignedCheckpoint;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Set;
import java.util.TreeSet;

/**
 * Lineage questions over the graph, answered from one signed checkpoint. With {@code proofs=true}
 * that checkpoint is the newest anchored one at or below the one asked about, every cited record
 * carries its inclusion proof to it, and the answer names the anchor ({@code anchor}) and says
 * which checkpoint was asked about ({@code answeredFrom}): the whole answer verifies offline with
 * {@code lineage verify ANSWER.json --key VKEY}.
 */
final class GraphHandlers {
  static final String ANCHORED_WHY =
      "proofs=true answers come from the newest anchored checkpoint at or below the one asked"
          + " about, so every proof ends at a root the anchor vouches for; records appended since"
          + " are not in this answer";
  static final String UNANCHORED_WHY =
      "anchoring is off (anchor.backend=off): this answer comes from the checkpoint asked about"
          + " and nothing outside this service vouches for it";

  private final Vertx vertx;
  private final LineageGraph graph;
  private final Anchoring anchoring;
  private final List<String> datasetPrefixes;
  private final List<Integer> servingPorts;

  GraphHandlers(
      Vertx vertx,
      LineageGraph graph,
      Anchoring anchoring,
      List<String> datasetPrefixes,
      List<Integer> servingPorts) {
    this.vertx = vertx;
    this.graph = graph;
    this.anchoring = anchoring;
    this.datasetPrefixes = datasetPrefixes;
    this.servingPorts = servingPorts;
  }

  private static Optional<LineageQuery.AsOf> asOf(RoutingContext rc) {
    return Optional.ofNullable(rc.queryParams().get("asOf")).map(LineageQuery.AsOf::parse);
  }

  private static boolean proofs(RoutingContext rc) {
    return Boolean.parseBoolean(rc.queryParams().get("proofs"));
  }

  /**
   * {@code include=records}: every cited record in full (document, canonical and raw bytes) even
   * without proofs. Otherwise a lineage answer says what each record is (id, leaf index and hash,
   * source, kind, reference, arrival) and {@code /api/v1/records/{id}} has its bytes; proofs=true
   * answers are always in full, since verifying needs the bytes.
   */
  static boolean fullRecords(RoutingContext rc) {
    String include = rc.queryParams().get("include");
    if (include == null || include.isEmpty()) {
      return false;
    }
    for (String part : include.split(",", -1)) {
      if (!part.equals("records")) {
        throw new IllegalArgumentException(
            "include '" + include + "' is not allowed: expected records");
      }
    }
    return true;
  }

  /** {@code /api/v1/runs/{runId}/cross-check}: declared versus observed, journaled. */
  void crossCheck(RoutingContext rc) {
    String runId = rc.pathParam("runId");
    Optional<LineageQuery.AsOf> asOf = asOf(rc);
    boolean proofs = proofs(rc);
    Problems.blocking(
        vertx,
        rc,
        () -> {
          var a = graph.crossCheck(runId, asOf, datasetPrefixes, proofs);
          JsonObject out =
              new JsonObject()
                  .put("checkpoint", LogHandlers.checkpointJson(a.checkpoint()))
                  .put("runId", a.runId())
                  .put("captureComplete", a.captureComplete())
                  .put("declaredRecords", new JsonArray(a.declaredRecords()))
                  .put("observedRecords", new JsonArray(a.observedRecords()))
                  .put("findings", new JsonArray(CrossCheckJson.findings(a.findings()).toString()))
                  .put("journaledAs", a.journaledAs());
          if (proofs) {
            out.put("records", records(a.records()));
            provenance(out, a.checkpoint(), a.requestedSize());
          }
          return out;
        },
        out -> AdminHandlers.json(rc, 200, out));
  }

  /**
   * {@code /api/v1/model-versions/{name}/{version}/cross-check}: what actually served the version
   * (its artifacts' digests against files serving processes loaded, and their flows), journaled.
   */
  void modelVersionCrossCheck(RoutingContext rc) {
    String key = versionKey(rc);
    Optional<LineageQuery.AsOf> asOf = asOf(rc);
    boolean proofs = proofs(rc);
    Problems.blocking(
        vertx,
        rc,
        () -> {
          ModelCrossCheckAnswer a = graph.modelVersionCrossCheck(key, asOf, servingPorts, proofs);
          JsonObject out =
              new JsonObject().put("checkpoint", LogHandlers.checkpointJson(a.checkpoint()));
          out.mergeIn(modelCrossCheckJson(a));
          if (proofs) {
            out.put("records", records(a.records()));
            provenance(out, a.checkpoint(), a.requestedSize());
          }
          return out;
        },
        out -> AdminHandlers.json(rc, 200, out));
  }

  static JsonObject modelCrossCheckJson(ModelCrossCheckAnswer a) {
    JsonObject o =
        new JsonObject()
            .put("modelVersion", a.version())
            .put("modelVersionNodes", new JsonArray(a.versionNodes()));
    a.runId().ifPresent(id -> o.put("runId", id));
    return o.put("captureComplete", a.captureComplete())
        .put(
            "artifactLocations",
            new JsonArray(CrossCheckJson.locations(a.artifactLocations()).toString()))
        .put("declaredRecords", new JsonArray(a.declaredRecords()))
        .put("observedRecords", new JsonArray(a.observedRecords()))
        .put("findings", new JsonArray(CrossCheckJson.modelFindings(a.findings()).toString()))
        .put("journaledAs", a.journaledAs());
  }

  private static String versionKey(RoutingContext rc) {
    return seg(rc.pathParam("name")) + "/" + seg(rc.pathParam("version"));
  }

  /** What an auditor needs to check where a proofs=true answer comes from. */
  private void provenance(JsonObject out, SignedCheckpoint cp, long requestedSize)
      throws java.sql.SQLException {
    JsonObject anchor = anchoring.anchorOf(cp.size());
    out.put(
        "answeredFrom",
        new JsonObject()
            .put("treeSize", cp.size())
            .put("requestedTreeSize", requestedSize)
            .put("why", anchor.getBoolean("anchored") ? ANCHORED_WHY : UNANCHORED_WHY));
    out.put("anchor", anchor);
  }

  private static JsonArray records(List<LineageAnswer.CitedRecord> cited) {
    JsonArray records = new JsonArray();
    for (LineageAnswer.CitedRecord c : cited) {
      JsonObject r;
      if (c.full().isPresent()) {
        r = LogHandlers.recordJson(c.full().get());
      } else {
        // The fields of a record in full, less its document and bytes.
        r =
            new JsonObject()
                .put("id", c.id())
                .put("source", c.source())
                .put("kind", c.kind())
                .put("sourceRef", c.sourceRef())
                .put("receivedAt", c.receivedAt().toString())
                .put("leafHash", Base64.getEncoder().encodeToString(c.leafHash()))
                .put("leafIndex", c.leafIndex());
      }
      c.proof().ifPresent(proof -> r.put("proof", LogHandlers.proofJson(proof)));
      records.add(r);
    }
    return records;
  }

  /** {@code /api/v1/lineage?node=<subject>}: from any node by its id. */
  void nodeLineage(RoutingContext rc) {
    answer(rc, LineageQuery.Start.node(rc.queryParams().get("node")));
  }

  /**
   * {@code /api/v1/model-versions/{name}/{version}/lineage}, over every MLflow source; the first
   * page also carries the version's cross-check ({@code crossCheck}) as of the same checkpoint, its
   * records cited like the graph's.
   */
  void modelVersionLineage(RoutingContext rc) {
    String key = versionKey(rc);
    answer(rc, LineageQuery.Start.byKey("model-versions", key), Optional.of(key));
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
            fullRecords(rc),
            Integer.parseInt(
                Optional.ofNullable(p.get("limit"))
                    .orElse(Integer.toString(LineageQuery.MAX_LIMIT))),
            Optional.ofNullable(p.get("cursor")));
    Problems.blocking(
        vertx,
        rc,
        () -> {
          LineageAnswer a = graph.lineage(q);
          JsonObject out = json(a);
          if (q.proofs()) {
            provenance(out, a.checkpoint(), a.requestedSize());
          }
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
          return out.put("impact", impact);
        },
        out -> AdminHandlers.json(rc, 200, out));
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
    answer(rc, start, Optional.empty());
  }

  private void answer(RoutingContext rc, LineageQuery.Start start, Optional<String> version) {
    var p = rc.queryParams();
    LineageQuery q =
        new LineageQuery(
            start,
            LineageQuery.Direction.parse(Optional.ofNullable(p.get("direction")).orElse("both")),
            Integer.parseInt(Optional.ofNullable(p.get("depth")).orElse("3")),
            Optional.ofNullable(p.get("asOf")).map(LineageQuery.AsOf::parse),
            Boolean.parseBoolean(p.get("proofs")),
            fullRecords(rc),
            Integer.parseInt(
                Optional.ofNullable(p.get("limit"))
                    .orElse(Integer.toString(LineageQuery.DEFAULT_LIMIT))),
            Optional.ofNullable(p.get("cursor")));
    Problems.blocking(
        vertx,
        rc,
        () -> {
          LineageAnswer a = graph.lineage(q);
          JsonObject out = json(a);
          if (version.isPresent() && q.cursor().isEmpty()) {
            // The same checkpoint as the page, so both cite records of one tree.
            ModelCrossCheckAnswer x =
                graph.modelVersionCrossCheck(
                    version.get(),
                    Optional.of(
                        new LineageQuery.AsOf(
                            OptionalLong.of(a.checkpoint().size()), Optional.empty())),
                    servingPorts,
                    false);
            out.put("crossCheck", modelCrossCheckJson(x));
            if (q.proofs()) {
              Set<Long> have = new HashSet<>();
              a.records().forEach(c -> have.add(c.id()));
              Set<Long> more = new TreeSet<>(x.declaredRecords());
              more.addAll(x.observedRecords());
              x.findings().forEach(f -> more.addAll(f.records()));
              x.artifactLocations().forEach(l -> more.addAll(l.records()));
              more.removeAll(have);
              JsonArray recs = out.getJsonArray("records");
              records(graph.citedRecords(more, a.checkpoint(), true)).forEach(recs::add);
            }
          }
          if (q.proofs()) {
            provenance(out, a.checkpoint(), a.requestedSize());
          }
          return out;
        },
        out -> AdminHandlers.json(rc, 200, out));
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
    JsonArray records = records(a.records());
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
