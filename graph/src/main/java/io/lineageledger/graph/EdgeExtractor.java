package io.lineageledger.graph;

import com.fasterxml.jackson.databind.JsonNode;
import io.lineageledger.ledger.journal.StoredRecord;

/**
 * Reads the graph elements one journal record evidences. Must be a pure function of the record, so
 * that rebuilding the graph from the journal gives the graph maintained incrementally.
 */
@FunctionalInterface
public interface EdgeExtractor {
  /**
   * @param record the sequenced record
   * @param document its canonical document, parsed
   */
  GraphElements extract(StoredRecord record, JsonNode document);

  /** This extractor, then {@code next}, their elements joined. */
  default EdgeExtractor andThen(EdgeExtractor next) {
    return (r, d) -> extract(r, d).plus(next.extract(r, d));
  }
}
