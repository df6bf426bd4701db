package io.lineageledger.ledger.merkle;

import java.util.List;

/**
 * A source of stored perfect-subtree hashes, implemented by the storage layer (for example over
 * tiles with {@link Tiles#nodeHashes}) so proof building can fetch all nodes in one batch.
 *
 * <p>Implementations promise to return one 32-byte hash per requested id, in request order, or to
 * throw an unchecked exception describing why they cannot.
 */
@FunctionalInterface
public interface HashReader {
  /** The hashes of {@code ids}, in the same order. */
  List<byte[]> readHashes(List<NodeId> ids);
}
