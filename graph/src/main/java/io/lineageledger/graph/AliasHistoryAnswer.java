package io.lineageledger.graph;

import io.lineageledger.ledger.journal.SignedCheckpoint;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

/**
 * The alias history of a registered model as the log held it at {@code checkpoint}: every interval
 * during which an alias pointed at a version — an audit trail MLflow itself does not keep.
 */
public record AliasHistoryAnswer(SignedCheckpoint checkpoint, List<Interval> intervals) {

  /**
   * One assignment of an alias.
   *
   * @param alias the alias node
   * @param version the model-version node it pointed at
   * @param from when it started pointing there (the setting record's observedAt)
   * @param until when it stopped (moved or removed); empty while current
   * @param records the record that set it, and the one that ended it when there is one
   */
  public record Interval(
      String alias, String version, Instant from, Optional<Instant> until, List<Long> records) {}
}
