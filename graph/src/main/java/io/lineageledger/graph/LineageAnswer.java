package io.lineageledger.graph;

import io.lineageledger.ledger.journal.InclusionProof;
import io.lineageledger.ledger.journal.SignedCheckpoint;
import io.lineageledger.ledger.journal.StoredRecord;
import java.time.Instant;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * One page of a lineage answer, entirely from the records included in {@code checkpoint}: every
 * node and edge lists the records that evidence it, each cited record says what and where it is (in
 * full when asked for), and with proofs each record is in full with its inclusion proof to that
 * checkpoint, so the page verifies offline.
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

  /**
   * A record an answer cites: its id, its place in the log and what it is. The leaf hash binds its
   * content, so a record fetched later (by id) can be checked against the answer. In full ({@code
   * full}: its document, canonical and raw bytes) when the question asked for full records or for
   * proofs, and then with its inclusion proof to the answer's checkpoint when proofs were asked
   * for.
   */
  public record CitedRecord(
      long id,
      long leafIndex,
      String source,
      String kind,
      String sourceRef,
      Instant receivedAt,
      byte[] leafHash,
      Optional<StoredRecord> full,
      Optional<InclusionProof> proof) {
    public CitedRecord {
      Objects.requireNonNull(source, "source");
      Objects.requireNonNull(kind, "kind");
      Objects.requireNonNull(sourceRef, "sourceRef");
      Objects.requireNonNull(receivedAt, "receivedAt");
      Objects.requireNonNull(full, "full");
      Objects.requireNonNull(proof, "proof");
      if (leafHash == null || leafHash.length != 32) {
        throw new IllegalArgumentException("leaf hash of record " + id + " is not 32 bytes");
      }
      leafHash = leafHash.clone();
      if (full.isPresent() && full.get().id() != id) {
        throw new IllegalArgumentException(
            "record " + full.get().id() + " is cited as record " + id);
      }
      if (proof.isPresent() && (full.isEmpty() || proof.get().recordId() != id)) {
        throw new IllegalArgumentException(
            "a proof is carried only with its record in full (record " + id + ")");
      }
    }

    /** A sequenced record in full, with its proof when there is one. */
    public static CitedRecord of(StoredRecord r, Optional<InclusionProof> proof) {
      return new CitedRecord(
          r.id(),
          r.leafIndex()
              .orElseThrow(
                  () -> new IllegalArgumentException("record " + r.id() + " is not sequenced")),
          r.source(),
          r.kind(),
          r.sourceRef(),
          r.receivedAt(),
          r.leafHash(),
          Optional.of(r),
          proof);
    }

    @Override
    public byte[] leafHash() {
      return leafHash.clone();
    }
  }
}
