package io.lineageledger.graph;

import io.lineageledger.ledger.journal.InclusionProof;
import io.lineageledger.ledger.journal.SignedCheckpoint;
import io.lineageledger.ledger.journal.StoredRecord;
import java.util.List;
import java.util.Optional;

/**
 * One page of a lineage answer, entirely from the records included in {@code checkpoint}: every
 * node and edge lists the records that evidence it, and with proofs each record carries its
 * inclusion proof to that checkpoint, so the page verifies offline.
 *
 * @param checkpoint the signed checkpoint the answer is from
 * @param start the node ids the traversal started from
 * @param totalNodes nodes reached in all pages
 * @param nodes this page's nodes, nearest first
 * @param edges edges traversed that touch this page's nodes
 * @param records the records cited by this page
 * @param nextCursor where the next page starts, if any
 * @param requestedSize size of the checkpoint the question was about: equal to {@code
 *     checkpoint}'s, except with proofs and anchoring on, where the answer comes from the newest
 *     anchored checkpoint at or below it
 */
public record LineageAnswer(
    SignedCheckpoint checkpoint,
    List<String> start,
    long totalNodes,
    List<Node> nodes,
    List<Edge> edges,
    List<CitedRecord> records,
    Optional<String> nextCursor,
    long requestedSize) {

  /**
   * @param distance hops from the start
   * @param citations how many records evidence the node; {@code records} lists the first ones
   */
  public record Node(
      String id, String type, String key, int distance, long citations, List<Long> records) {}

  /** An edge and the records that state it ({@code citations} in all, the first ones listed). */
  public record Edge(String from, String rel, String to, long citations, List<Long> records) {}

  /** A cited record and, when asked for, its inclusion proof to the answer's checkpoint. */
  public record CitedRecord(StoredRecord record, Optional<InclusionProof> proof) {}
}
