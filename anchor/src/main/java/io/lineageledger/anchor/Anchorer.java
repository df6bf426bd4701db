package io.lineageledger.anchor;

import io.lineageledger.chaincode.AnchorError;
import io.lineageledger.ledger.journal.SignedCheckpoint;
import io.lineageledger.ledger.journal.TransparencyLog;
import io.lineageledger.ledger.journal.TreeHead;
import java.security.MessageDigest;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.List;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Anchors the log's newest signed checkpoint when {@code interval} has passed since the last anchor
 * or {@code everyEntries} entries have been added since, whichever comes first. The journal never
 * waits for it: while the ledger is unreachable, checkpoints accumulate, and the first step after
 * recovery anchors only the newest one with one consistency proof from the last anchored checkpoint
 * (no backlog of one transaction per checkpoint).
 *
 * <p>After anchoring it reads the anchor back from the ledger and compares it with the local
 * checkpoint. On start, and whenever the contract refuses a checkpoint as smaller or inconsistent,
 * it reconciles its own record with the ledger's newest anchor (which must match the local
 * checkpoint of that size). Call {@link #step()} from one thread at a time.
 */
public final class Anchorer {
  private static final Logger log = LoggerFactory.getLogger(Anchorer.class);

  /** What the anchorer last saw, for {@code /health}. */
  public record Status(
      String backend,
      boolean independent,
      Optional<AnchorReceipt> lastAnchor,
      long treeSize,
      long lagEntries,
      long lagSeconds,
      Optional<String> lastError,
      Optional<Instant> lastErrorAt) {}

  private final TransparencyLog transparencyLog;
  private final Anchor anchor;
  private final AnchorStore store;
  private final Clock clock;
  private final Duration interval;
  private final long everyEntries;

  private boolean registered;
  private boolean reconcile = true;
  private volatile Status status;
  private Instant pendingSince;
  private String lastError;
  private Instant lastErrorAt;

  public Anchorer(
      TransparencyLog transparencyLog,
      Anchor anchor,
      AnchorStore store,
      Clock clock,
      Duration interval,
      long everyEntries) {
    if (interval.isNegative() || everyEntries < 1) {
      throw new IllegalArgumentException(
          "anchor interval must be >= 0 and everyEntries >= 1, got "
              + interval
              + " and "
              + everyEntries);
    }
    this.transparencyLog = transparencyLog;
    this.anchor = anchor;
    this.store = store;
    this.clock = clock;
    this.interval = interval;
    this.everyEntries = everyEntries;
    this.status =
        new Status(
            anchor.backend(),
            anchor.independent(),
            Optional.empty(),
            0,
            0,
            0,
            Optional.empty(),
            Optional.empty());
  }

  public Anchor anchor() {
    return anchor;
  }

  public Status status() {
    return status;
  }

  /**
   * Anchors if due. Failures are remembered for {@link #status()} and returned as empty; the next
   * step tries again.
   */
  public Optional<AnchorReceipt> step() {
    Optional<AnchorReceipt> done = Optional.empty();
    try {
      done = anchorIfDue();
      lastError = null;
      lastErrorAt = null;
    } catch (AnchorException e) {
      if (e.kind() == AnchorException.Kind.REFUSED
          && (e.error().orElse(null) == AnchorError.SMALLER_THAN_ANCHORED
              || e.error().orElse(null) == AnchorError.INCONSISTENT)) {
        reconcile = true;
      }
      // An unreachable ledger is expected operation (the journal goes on): no stack trace.
      fail(
          e.kind() + ": " + e.getMessage(),
          e.kind() == AnchorException.Kind.UNAVAILABLE ? null : e);
    } catch (Exception e) {
      fail(e.toString(), e);
    }
    refreshStatus();
    return done;
  }

  private void fail(String message, Exception e) {
    if (!message.equals(lastError)) {
      if (e == null) {
        log.warn("anchoring on {} failed: {}", anchor.backend(), message);
      } else {
        log.warn("anchoring on {} failed: {}", anchor.backend(), message, e);
      }
    }
    lastError = message;
    lastErrorAt = clock.instant();
  }

  private Optional<AnchorReceipt> anchorIfDue() throws Exception {
    String origin = transparencyLog.origin();
    if (!registered) {
      try {
        anchor.register(origin, transparencyLog.verifierKey());
      } catch (AnchorException e) {
        // On Fabric an admin may have registered the log already; anchoring says if not.
        if (e.error().orElse(null) != AnchorError.NOT_ADMIN) {
          throw e;
        }
      }
      registered = true;
    }
    if (reconcile) {
      reconcileWithLedger(origin);
      reconcile = false;
    }
    Optional<SignedCheckpoint> cp = transparencyLog.latestCheckpoint();
    if (cp.isEmpty()) {
      return Optional.empty();
    }
    Optional<AnchorReceipt> last = store.latest(anchor.backend(), origin);
    long anchoredSize = last.map(AnchorReceipt::treeSize).orElse(-1L);
    if (cp.get().size() <= anchoredSize) {
      return Optional.empty();
    }
    boolean due =
        last.isEmpty()
            || cp.get().size() - anchoredSize >= everyEntries
            || !clock.instant().isBefore(last.get().anchoredAt().plus(interval));
    if (!due) {
      return Optional.empty();
    }
    List<byte[]> proof =
        last.isEmpty()
            ? List.of()
            : transparencyLog.consistencyProof(anchoredSize, cp.get().size());
    AnchorReceipt receipt = anchor.anchor(cp.get().note(), proof);
    requireSameRoot(receipt, cp.get(), "the ledger's answer");
    store.record(receipt);
    Optional<AnchorReceipt> readBack = anchor.read(origin, cp.get().size());
    if (readBack.isEmpty()) {
      throw new AnchorException(
          AnchorException.Kind.FAILED,
          "anchored " + receipt + " but the ledger does not return it on getAnchor",
          null);
    }
    requireSameRoot(readBack.get(), cp.get(), "getAnchor");
    return Optional.of(receipt);
  }

  private void reconcileWithLedger(String origin) throws Exception {
    Optional<AnchorReceipt> onLedger = anchor.latest(origin);
    if (onLedger.isEmpty()) {
      return;
    }
    Optional<AnchorReceipt> mine = store.latest(anchor.backend(), origin);
    if (mine.isPresent() && mine.get().treeSize() >= onLedger.get().treeSize()) {
      return;
    }
    Optional<SignedCheckpoint> local = transparencyLog.checkpoint(onLedger.get().treeSize());
    if (local.isEmpty()) {
      throw new AnchorException(
          AnchorException.Kind.FAILED,
          "the ledger's newest anchor "
              + onLedger.get()
              + " is of a size this log never signed; is another log using origin "
              + origin
              + "?",
          null);
    }
    requireSameRoot(onLedger.get(), local.get(), "the ledger's newest anchor");
    store.record(onLedger.get());
  }

  private static void requireSameRoot(AnchorReceipt r, SignedCheckpoint cp, String what)
      throws AnchorException {
    if (r.treeSize() != cp.size() || !MessageDigest.isEqual(r.root(), cp.root())) {
      throw new AnchorException(
          AnchorException.Kind.FAILED,
          what
              + " holds "
              + r
              + " but the local checkpoint of size "
              + cp.size()
              + " has root "
              + Base64.getEncoder().encodeToString(cp.root()),
          null);
    }
  }

  private void refreshStatus() {
    try {
      Optional<AnchorReceipt> last = store.latest(anchor.backend(), transparencyLog.origin());
      long size = transparencyLog.latestHead().map(TreeHead::size).orElse(0L);
      long anchored = last.map(AnchorReceipt::treeSize).orElse(0L);
      long lag = Math.max(0, size - anchored);
      Instant now = clock.instant();
      if (lag == 0) {
        pendingSince = null;
      } else if (pendingSince == null) {
        pendingSince = last.map(AnchorReceipt::anchoredAt).orElse(now);
      }
      long lagSeconds =
          pendingSince == null ? 0 : Math.max(0, Duration.between(pendingSince, now).toSeconds());
      status =
          new Status(
              anchor.backend(),
              anchor.independent(),
              last,
              size,
              lag,
              lagSeconds,
              Optional.ofNullable(lastError),
              Optional.ofNullable(lastErrorAt));
    } catch (Exception e) {
      status =
          new Status(
              anchor.backend(),
              anchor.independent(),
              status.lastAnchor(),
              status.treeSize(),
              status.lagEntries(),
              status.lagSeconds(),
              Optional.of("reading anchor status: " + e),
              Optional.of(clock.instant()));
    }
  }
}
