package io.lineageledger.api;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.lineageledger.ledger.journal.AppendResult;
import io.lineageledger.ledger.journal.InclusionProof;
import io.lineageledger.ledger.journal.Record;
import io.lineageledger.ledger.journal.SignedCheckpoint;
import io.lineageledger.ledger.journal.StoredRecord;
import io.lineageledger.ledger.journal.TransparencyLog;
import io.lineageledger.ledger.journal.Verifier;
import io.vertx.core.Context;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;
import java.io.IOException;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.concurrent.Callable;
import java.util.function.Consumer;

/** Journal routes: records, proofs, checkpoints, verification, and the C2SP tiles under /log/. */
final class LogHandlers {
  private static final ObjectMapper MAPPER = new ObjectMapper();
  private static final Base64.Encoder B64 = Base64.getEncoder();

  private final Vertx vertx;
  private final TransparencyLog log;
  private final Anchoring anchoring;

  LogHandlers(Vertx vertx, TransparencyLog log) {
    this(vertx, log, null);
  }

  /** With {@code anchoring}, proof answers name their anchor and verify audits the anchors. */
  LogHandlers(Vertx vertx, TransparencyLog log, Anchoring anchoring) {
    this.vertx = vertx;
    this.log = log;
    this.anchoring = anchoring;
  }

  void appendRecord(RoutingContext rc) {
    Record record;
    try {
      JsonNode body = MAPPER.readTree(rc.body().buffer().getBytes());
      List<String> subjects = new ArrayList<>();
      body.path("subjects").forEach(n -> subjects.add(n.asText()));
      record =
          Record.of(
              body.path("source").asText(),
              body.path("kind").asText(),
              body.path("sourceRef").asText(),
              Instant.parse(body.path("observedAt").asText()),
              subjects,
              body.get("payload"));
    } catch (IOException | DateTimeParseException | IllegalArgumentException e) {
      rc.fail(ApiProblem.badRequest("invalid-record", e.getMessage()));
      return;
    }
    blocking(
        rc,
        () -> log.journal().appendAll(List.of(record)).get(0),
        r -> {
          JsonObject out =
              new JsonObject().put("id", r.id()).put("status", r.status().name().toLowerCase());
          r.leafIndex().ifPresent(i -> out.put("leafIndex", i));
          if (r.status() == AppendResult.Status.CONFLICT) {
            rc.fail(
                new ApiProblem(
                    409,
                    "record-conflict",
                    "Conflicting record",
                    "record "
                        + record.source()
                        + "/"
                        + record.sourceRef()
                        + " is already journaled as record "
                        + r.id()
                        + " with different content; this attempt was refused and journaled as record "
                        + r.conflictRecordId().getAsLong(),
                    Map.of(
                        "existingRecordId",
                        r.id(),
                        "conflictRecordId",
                        r.conflictRecordId().getAsLong()),
                    null));
            return;
          }
          AdminHandlers.json(rc, r.status() == AppendResult.Status.CREATED ? 201 : 200, out);
        });
  }

  void getRecord(RoutingContext rc) {
    long id = Long.parseLong(rc.pathParam("id"));
    blocking(
        rc,
        () -> log.journal().record(id),
        found -> {
          if (found.isEmpty()) {
            rc.fail(ApiProblem.notFound("no record " + id));
            return;
          }
          AdminHandlers.json(rc, 200, recordJson(found.get()));
        });
  }

  static JsonObject recordJson(StoredRecord r) {
    JsonObject o =
        new JsonObject()
            .put("id", r.id())
            .put("source", r.source())
            .put("kind", r.kind())
            .put("sourceRef", r.sourceRef())
            .put("receivedAt", r.receivedAt().toString())
            .put("record", new JsonObject(Buffer.buffer(r.canonical())))
            .put("canonical", B64.encodeToString(r.canonical()))
            .put("leafHash", B64.encodeToString(r.leafHash()));
    r.leafIndex().ifPresent(i -> o.put("leafIndex", i));
    if (r.raw() != null) {
      o.put("raw", B64.encodeToString(r.raw()));
    }
    return o;
  }

  void getProof(RoutingContext rc) {
    long id = Long.parseLong(rc.pathParam("id"));
    String ts = rc.queryParams().get("treeSize");
    OptionalLong treeSize = ts == null ? OptionalLong.empty() : OptionalLong.of(Long.parseLong(ts));
    blocking(
        rc,
        () -> {
          InclusionProof p = log.inclusionProof(id, treeSize);
          JsonObject out = proofJson(p);
          if (anchoring != null) {
            // The smallest anchored checkpoint that contains the record's leaf.
            out.put("anchor", anchoring.covering(p.leafIndex() + 1));
          }
          return out;
        },
        out -> AdminHandlers.json(rc, 200, out));
  }

  static JsonObject proofJson(InclusionProof p) {
    return new JsonObject()
        .put("recordId", p.recordId())
        .put("leafIndex", p.leafIndex())
        .put("treeSize", p.checkpoint().size())
        .put("leafHash", B64.encodeToString(p.leafHash()))
        .put("hashes", hashes(p.hashes()))
        .put("checkpoint", checkpointJson(p.checkpoint()));
  }

  private static JsonArray hashes(List<byte[]> hs) {
    JsonArray a = new JsonArray();
    hs.forEach(h -> a.add(B64.encodeToString(h)));
    return a;
  }

  static JsonObject checkpointJson(SignedCheckpoint c) {
    return new JsonObject()
        .put("size", c.size())
        .put("root", B64.encodeToString(c.root()))
        .put("signedAt", c.signedAt().toString())
        .put("note", c.note());
  }

  void latestCheckpoint(RoutingContext rc) {
    blocking(
        rc,
        log::latestCheckpoint,
        cp -> answerCheckpoint(rc, cp, "no checkpoint has been signed yet"));
  }

  void checkpointAt(RoutingContext rc) {
    long size = Long.parseLong(rc.pathParam("size"));
    blocking(
        rc,
        () -> log.checkpoint(size),
        cp -> answerCheckpoint(rc, cp, "no signed checkpoint of size " + size));
  }

  private void answerCheckpoint(RoutingContext rc, Optional<SignedCheckpoint> cp, String missing) {
    if (cp.isEmpty()) {
      rc.fail(ApiProblem.notFound(missing));
      return;
    }
    AdminHandlers.json(
        rc,
        200,
        checkpointJson(cp.get()).put("origin", log.origin()).put("verifierKey", log.verifierKey()));
  }

  void consistency(RoutingContext rc) {
    long from = Long.parseLong(rc.queryParams().get("from"));
    long to = Long.parseLong(rc.queryParams().get("to"));
    blocking(
        rc,
        () -> {
          JsonObject out =
              new JsonObject()
                  .put("from", from)
                  .put("to", to)
                  .put("hashes", hashes(log.consistencyProof(from, to)));
          if (anchoring != null) {
            out.put("anchor", anchoring.covering(to));
          }
          return out;
        },
        out -> AdminHandlers.json(rc, 200, out));
  }

  /** Streams NDJSON: progress lines, one line per mismatch, and a final summary. */
  void verify(RoutingContext rc) {
    HttpServerResponse resp = rc.response();
    resp.setChunked(true)
        .putHeader(HttpHeaders.CONTENT_TYPE, "application/x-ndjson")
        .setStatusCode(200);
    Context ctx = vertx.getOrCreateContext();
    Consumer<JsonObject> emit =
        line ->
            ctx.runOnContext(
                v -> {
                  if (!resp.ended()) {
                    resp.write(line.encode() + "\n");
                  }
                });
    int[] anchorFindings = {0, 0};
    vertx
        .executeBlocking(
            () -> {
              Verifier.Report report =
                  log.verify(
                      new Verifier.Listener() {
                        @Override
                        public void progress(long checked, long total) {
                          emit.accept(
                              new JsonObject()
                                  .put("type", "progress")
                                  .put("checked", checked)
                                  .put("total", total));
                        }

                        @Override
                        public void mismatch(Verifier.Mismatch m) {
                          emit.accept(mismatchJson(m));
                        }
                      });
              if (anchoring != null) {
                var audit = anchoring.audit();
                if (audit.isPresent()) {
                  audit.get().findings().forEach(f -> emit.accept(Anchoring.findingJson(f)));
                  anchorFindings[0] = audit.get().anchors();
                  anchorFindings[1] = audit.get().findings().size();
                }
              }
              return report;
            },
            false)
        .onComplete(
            ar ->
                ctx.runOnContext(
                    v -> {
                      JsonObject summary = new JsonObject().put("type", "summary");
                      if (ar.failed()) {
                        summary
                            .put("ok", false)
                            .put(
                                "error",
                                "verification could not complete: " + ar.cause().getMessage());
                      } else {
                        Verifier.Report r = ar.result();
                        summary
                            .put("ok", r.ok() && anchorFindings[1] == 0)
                            .put("leaves", r.leaves())
                            .put("treeSize", r.treeSize())
                            .put("checkpoints", r.checkpoints())
                            .put("mismatches", r.mismatches().size() + anchorFindings[1])
                            .put("anchors", anchorFindings[0]);
                        r.firstBadIndex().ifPresent(i -> summary.put("firstBadIndex", i));
                      }
                      resp.end(summary.encode() + "\n");
                    }));
  }

  private static JsonObject mismatchJson(Verifier.Mismatch m) {
    JsonObject o =
        new JsonObject().put("type", "mismatch").put("kind", m.kind()).put("detail", m.detail());
    m.recordId().ifPresent(i -> o.put("recordId", i));
    m.leafIndex().ifPresent(i -> o.put("leafIndex", i));
    return o;
  }

  void logCheckpoint(RoutingContext rc) {
    blocking(
        rc,
        log::latestCheckpoint,
        cp -> {
          if (cp.isEmpty()) {
            rc.fail(ApiProblem.notFound("no checkpoint has been signed yet"));
            return;
          }
          rc.response()
              .putHeader(HttpHeaders.CONTENT_TYPE, "text/plain; charset=utf-8")
              .end(cp.get().note());
        });
  }

  /**
   * {@code /log/tile/<L>/<N>[.p/<W>]} and {@code /log/tile/entries/<N>[.p/<W>]}, strictly parsed.
   */
  void tile(RoutingContext rc) {
    Optional<TilePath> parsed = TilePath.parse(rc.request().path().substring("/log/".length()));
    if (parsed.isEmpty()) {
      rc.fail(
          ApiProblem.notFound(
              "no tile at " + rc.request().path() + " (paths follow c2sp.org/tlog-tiles)"));
      return;
    }
    TilePath t = parsed.get();
    Callable<Optional<byte[]>> read =
        t.entries()
            ? () -> log.entryBundle(t.index(), t.width())
            : () -> log.tile(t.level(), t.index(), t.width());
    blocking(
        rc,
        read,
        bytes -> {
          if (bytes.isEmpty()) {
            rc.fail(ApiProblem.notFound("tile " + t.path() + " does not exist (yet)"));
            return;
          }
          rc.response()
              .putHeader(HttpHeaders.CONTENT_TYPE, "application/octet-stream")
              // Full tiles never change; partial ones are replaced by wider ones.
              .putHeader(
                  "Cache-Control",
                  t.width() == 256 ? "public, max-age=31536000, immutable" : "no-store")
              .end(Buffer.buffer(bytes.get()));
        });
  }

  private <T> void blocking(RoutingContext rc, Callable<T> work, Consumer<T> then) {
    Problems.blocking(vertx, rc, work, then);
  }
}
