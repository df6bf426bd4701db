package io.lineageledger.bpf;

import io.lineageledger.ledger.journal.AppendResult;
import io.lineageledger.ledger.journal.Journal;
import java.sql.SQLException;
import java.util.List;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Journals evidence windows: their records (see {@link EvidenceWindow#toRecords}) in one append,
 * idempotent per window and process.
 */
public final class EvidenceJournal {
  private static final Logger LOG = LoggerFactory.getLogger(EvidenceJournal.class);

  private final Journal journal;

  public EvidenceJournal(Journal journal) {
    this.journal = journal;
  }

  public List<AppendResult> append(EvidenceWindow w) throws SQLException {
    return journal.appendAll(w.toRecords());
  }

  /** A window sink for {@link RuntimeEvidence}: failures are logged with the window id. */
  public Consumer<EvidenceWindow> sink() {
    return w -> {
      try {
        append(w);
      } catch (SQLException | RuntimeException e) {
        LOG.error("runtime evidence: journaling window {} failed", w.id(), e);
      }
    };
  }
}
