package io.lineageledger.anchor;

import java.util.List;
import java.util.Optional;

/**
 * A ledger that anchors checkpoints through {@code AnchorContract}: Hyperledger Fabric ({@link
 * FabricAnchor}) or the embedded anchor ({@link EmbeddedAnchor}). Anchoring a checkpoint that is
 * already anchored returns its existing receipt and writes nothing.
 */
public interface Anchor extends AutoCloseable {
  /** {@code fabric} or {@code embedded}. */
  String backend();

  /**
   * Whether the anchor is held by parties other than this service. The embedded anchor is not: it
   * is tamper-evident (hash-linked, signed blocks) but whoever controls the service's database and
   * key could rebuild it.
   */
  boolean independent();

  /** Registers the log's verifier key with the contract; a no-op when it already is. */
  void register(String origin, String vkey) throws AnchorException;

  /**
   * Anchors a signed checkpoint.
   *
   * @param consistencyProof RFC 9162 proof from the newest anchored checkpoint of the origin
   */
  AnchorReceipt anchor(String checkpointNote, List<byte[]> consistencyProof) throws AnchorException;

  /** The anchor of {@code origin} at {@code treeSize} as the ledger holds it, if any. */
  Optional<AnchorReceipt> read(String origin, long treeSize) throws AnchorException;

  /** The newest anchor of {@code origin} as the ledger holds it, if any. */
  Optional<AnchorReceipt> latest(String origin) throws AnchorException;

  @Override
  void close();
}
