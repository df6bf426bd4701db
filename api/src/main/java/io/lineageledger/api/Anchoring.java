package io.lineageledger.api;

import io.lineageledger.anchor.Anchor;
import io.lineageledger.anchor.AnchorAudit;
import io.lineageledger.anchor.AnchorFinding;
import io.lineageledger.anchor.AnchorReceipt;
import io.lineageledger.anchor.AnchorStore;
import io.lineageledger.anchor.Anchorer;
import io.lineageledger.anchor.EmbeddedAnchor;
import io.lineageledger.anchor.FabricAnchor;
import io.lineageledger.graph.AnchoredCheckpoints;
import io.lineageledger.ledger.journal.TransparencyLog;
import io.lineageledger.ledger.note.NoteSigner;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import java.sql.SQLException;
import java.time.Clock;
import java.util.Optional;
import java.util.OptionalLong;
import javax.sql.DataSource;

/**
 * The service's anchoring: runs the {@link Anchorer} on a timer (one step at a time, off the event
 * loop), answers which anchor covers a proof, audits anchors for {@code /api/v1/verify}, and
 * reports lag and the last error for {@code /health}. With {@code anchor.backend=off} it does
 * nothing and says so.
 */
final class Anchoring implements AutoCloseable {
  static final String EMBEDDED_NOTE =
      "embedded anchor: tamper-evident (hash-linked blocks signed by this service's key, re-checked"
          + " by /api/v1/verify) but NOT independent: whoever controls this service's database and"
          + " signing key could rebuild it. Configure anchor.backend=fabric for an independent"
          + " anchor.";
  static final String FABRIC_NOTE =
      "anchored on Hyperledger Fabric: the channel's peers hold the anchor and its contract refused"
          + " any checkpoint that does not extend the previously anchored one";

  private final Vertx vertx;
  private final TransparencyLog log;
  private final Anchorer anchorer;
  private final AnchorStore store;
  private final AnchorAudit audit;
  private final long timerId;
  private Future<Void> running = Future.succeededFuture();

  private Anchoring(
      Vertx vertx,
      TransparencyLog log,
      Anchorer anchorer,
      AnchorStore store,
      AnchorAudit audit,
      long checkMillis) {
    this.vertx = vertx;
    this.log = log;
    this.anchorer = anchorer;
    this.store = store;
    this.audit = audit;
    this.timerId = anchorer == null ? -1 : vertx.setPeriodic(checkMillis, id -> stepIfIdle());
  }

  static Anchoring start(
      Vertx vertx,
      Settings.AnchorSettings settings,
      DataSource db,
      TransparencyLog log,
      NoteSigner serviceKey,
      Clock clock) {
    if (settings.backend().equals("off")) {
      return new Anchoring(vertx, log, null, null, null, 0);
    }
    Anchor anchor =
        settings.fabric().isPresent()
            ? FabricAnchor.connect(settings.fabric().get(), clock)
            : new EmbeddedAnchor(db, serviceKey, clock);
    AnchorStore store = new AnchorStore(db, clock);
    Anchorer anchorer =
        new Anchorer(log, anchor, store, clock, settings.interval(), settings.everyEntries());
    return new Anchoring(
        vertx,
        log,
        anchorer,
        store,
        new AnchorAudit(db, store, anchor, serviceKey.verifier()),
        settings.checkInterval().toMillis());
  }

  private void stepIfIdle() {
    if (running.isComplete()) {
      running = vertx.executeBlocking(() -> anchorer.step(), false).mapEmpty();
    }
  }

  /**
   * Which checkpoints are anchored, for answers with proofs (empty when anchoring is off: those
   * answers then end at the checkpoint asked about and say that nothing anchors it).
   */
  Optional<AnchoredCheckpoints> anchoredCheckpoints() {
    if (anchorer == null) {
      return Optional.empty();
    }
    return Optional.of(
        new AnchoredCheckpoints() {
          @Override
          public OptionalLong newestAtOrBelow(long size) throws SQLException {
            return size(store.largestAtOrBelow(backend(), log.origin(), size));
          }

          @Override
          public OptionalLong newest() throws SQLException {
            return size(store.latest(backend(), log.origin()));
          }

          @Override
          public String backend() {
            return anchorer.anchor().backend();
          }

          private OptionalLong size(Optional<AnchorReceipt> r) {
            return r.isPresent() ? OptionalLong.of(r.get().treeSize()) : OptionalLong.empty();
          }
        });
  }

  /**
   * The anchor of exactly the checkpoint of {@code size} leaves, as the {@code anchor} member of
   * answers with proofs (which come from anchored checkpoints), with the anchored root.
   */
  JsonObject anchorOf(long size) throws SQLException {
    JsonObject o = covering(size);
    if (o.getBoolean("anchored") && o.getLong("treeSize") != size) {
      // Only a larger checkpoint is anchored: this one is not, whatever covers it later.
      return new JsonObject()
          .put("backend", o.getString("backend"))
          .put("independent", o.getBoolean("independent"))
          .put("anchored", false)
          .put(
              "note",
              "the checkpoint of size "
                  + size
                  + " is not itself anchored (the next anchored one has size "
                  + o.getLong("treeSize")
                  + ")");
    }
    return o;
  }

  /** The anchor covering a tree of {@code size} leaves, as the {@code anchor} member of answers. */
  JsonObject covering(long size) throws SQLException {
    if (anchorer == null) {
      return new JsonObject()
          .put("backend", "off")
          .put("anchored", false)
          .put(
              "note",
              "anchoring is off (anchor.backend=off): nothing outside this service"
                  + " vouches for this checkpoint");
    }
    Anchor anchor = anchorer.anchor();
    Optional<AnchorReceipt> a = store.smallestCovering(anchor.backend(), log.origin(), size);
    JsonObject o =
        new JsonObject()
            .put("backend", anchor.backend())
            .put("independent", anchor.independent())
            .put("anchored", a.isPresent());
    a.ifPresent(
        r -> {
          o.put("treeSize", r.treeSize())
              .put("root", java.util.Base64.getEncoder().encodeToString(r.root()))
              .put("txId", r.txId())
              .put("validationCode", r.validationCode())
              .put("anchoredAt", r.anchoredAt().toString());
          // Unsigned 64-bit: a decimal string, as JSON numbers lose precision past 2^53.
          if (r.blockNumber().isPresent()) {
            o.put("blockNumber", r.blockNumberText());
          }
        });
    String note = anchor.independent() ? FABRIC_NOTE : EMBEDDED_NOTE;
    if (a.isEmpty()) {
      note = "no anchored checkpoint covers this yet; " + note;
    }
    return o.put("note", note);
  }

  /** Audit for /api/v1/verify; empty when anchoring is off. */
  Optional<AnchorAudit.Report> audit() throws Exception {
    return audit == null ? Optional.empty() : Optional.of(audit.audit(log));
  }

  static JsonObject findingJson(AnchorFinding f) {
    JsonObject o =
        new JsonObject().put("type", "mismatch").put("kind", f.kind()).put("detail", f.detail());
    f.treeSize().ifPresent(s -> o.put("treeSize", s));
    f.blockNumber().ifPresent(b -> o.put("anchorBlock", b));
    return o;
  }

  JsonObject health() {
    if (anchorer == null) {
      return new JsonObject().put("status", "OFF").put("backend", "off");
    }
    Anchorer.Status s = anchorer.status();
    JsonObject o =
        new JsonObject()
            .put("status", s.lastError().isPresent() ? "LAGGING" : "UP")
            .put("backend", s.backend())
            .put("independent", s.independent())
            .put("treeSize", s.treeSize())
            .put("lagEntries", s.lagEntries())
            .put("lagSeconds", s.lagSeconds());
    s.lastAnchor()
        .ifPresent(
            a -> {
              o.put("anchoredSize", a.treeSize())
                  .put("anchoredAt", a.anchoredAt().toString())
                  .put("txId", a.txId());
              if (a.blockNumber().isPresent()) {
                o.put("blockNumber", a.blockNumberText());
              }
            });
    s.lastError().ifPresent(e -> o.put("lastError", e));
    s.lastErrorAt().ifPresent(t -> o.put("lastErrorAt", t.toString()));
    if (!s.independent()) {
      o.put("note", EMBEDDED_NOTE);
    }
    return o;
  }

  /** Lets a running step finish. */
  Future<Void> drain() {
    return running;
  }

  @Override
  public void close() {
    if (timerId >= 0) {
      vertx.cancelTimer(timerId);
    }
    if (anchorer != null) {
      anchorer.anchor().close();
    }
  }
}
