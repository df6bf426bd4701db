package io.lineageledger.anchor;

import io.lineageledger.ledger.journal.SignedCheckpoint;
import io.lineageledger.ledger.journal.TransparencyLog;
import io.lineageledger.ledger.note.NoteVerifier;
import java.security.MessageDigest;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Optional;
import javax.sql.DataSource;

/**
 * Checks the anchors against the journal: every anchored root must be the journal's signed root of
 * that size and must still be what the ledger holds; for the embedded anchor, its blocks and state
 * must be intact ({@link EmbeddedChainVerifier}).
 */
public final class AnchorAudit {
  private final DataSource db;
  private final AnchorStore store;
  private final Anchor anchor;
  private final NoteVerifier serviceKey;

  public AnchorAudit(DataSource db, AnchorStore store, Anchor anchor, NoteVerifier serviceKey) {
    this.db = db;
    this.store = store;
    this.anchor = anchor;
    this.serviceKey = serviceKey;
  }

  /** How many anchors were checked, and what was wrong. */
  public record Report(int anchors, List<AnchorFinding> findings) {}

  public Report audit(TransparencyLog log) throws SQLException, AnchorException {
    List<AnchorFinding> findings = new ArrayList<>();
    if (anchor instanceof EmbeddedAnchor) {
      findings.addAll(EmbeddedChainVerifier.verify(db, serviceKey));
    }
    List<AnchorReceipt> anchors = store.all(anchor.backend(), log.origin());
    for (AnchorReceipt a : anchors) {
      Optional<SignedCheckpoint> cp = log.checkpoint(a.treeSize());
      if (cp.isEmpty() || !MessageDigest.isEqual(cp.get().root(), a.root())) {
        findings.add(
            AnchorFinding.checkpoint(
                "anchor-root",
                a.treeSize(),
                "anchored root "
                    + b64(a.root())
                    + " of size "
                    + a.treeSize()
                    + (cp.isEmpty()
                        ? " has no signed checkpoint in the journal"
                        : " differs from the journal's signed root " + b64(cp.get().root()))));
      }
      Optional<AnchorReceipt> onLedger = anchor.read(log.origin(), a.treeSize());
      if (onLedger.isEmpty()) {
        findings.add(
            AnchorFinding.checkpoint(
                "anchor-missing",
                a.treeSize(),
                "the " + anchor.backend() + " ledger holds no anchor of size " + a.treeSize()));
      } else if (!MessageDigest.isEqual(onLedger.get().root(), a.root())
          || !onLedger.get().txId().equals(a.txId())) {
        findings.add(
            AnchorFinding.checkpoint(
                "anchor-root",
                a.treeSize(),
                "the ledger holds "
                    + onLedger.get()
                    + " for size "
                    + a.treeSize()
                    + " but the service recorded "
                    + a));
      }
    }
    return new Report(anchors.size(), findings);
  }

  private static String b64(byte[] b) {
    return Base64.getEncoder().encodeToString(b);
  }
}
