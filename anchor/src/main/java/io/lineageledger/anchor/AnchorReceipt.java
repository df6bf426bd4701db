package io.lineageledger.anchor;

import java.time.Instant;
import java.util.Base64;
import java.util.Objects;
import java.util.OptionalLong;

/**
 * A checkpoint as anchored: which backend, which transaction, in which block.
 *
 * @param blockNumber the block holding the transaction, an <em>unsigned</em> 64-bit number (read it
 *     with {@link Long#toUnsignedString(long)}); empty when the anchor was found on the chain
 *     without this service having seen its commit
 * @param validationCode the ledger's validation code of the transaction ({@code VALID})
 * @param anchoredAt the transaction's timestamp, as the contract recorded it
 */
public record AnchorReceipt(
    String backend,
    String origin,
    long treeSize,
    byte[] root,
    String txId,
    OptionalLong blockNumber,
    String validationCode,
    Instant anchoredAt) {
  public AnchorReceipt {
    Objects.requireNonNull(backend, "backend");
    Objects.requireNonNull(origin, "origin");
    Objects.requireNonNull(txId, "txId");
    Objects.requireNonNull(blockNumber, "blockNumber");
    Objects.requireNonNull(validationCode, "validationCode");
    Objects.requireNonNull(anchoredAt, "anchoredAt");
    if (treeSize < 0) {
      throw new IllegalArgumentException("tree size " + treeSize + " is negative");
    }
    if (root == null || root.length != 32) {
      throw new IllegalArgumentException("root must be 32 bytes");
    }
    root = root.clone();
  }

  @Override
  public byte[] root() {
    return root.clone();
  }

  /** The block number as an unsigned decimal, or empty. */
  public String blockNumberText() {
    return blockNumber.isPresent() ? Long.toUnsignedString(blockNumber.getAsLong()) : "";
  }

  @Override
  public String toString() {
    return backend
        + " anchor of "
        + origin
        + "@"
        + treeSize
        + " ("
        + Base64.getEncoder().encodeToString(root)
        + ") tx "
        + txId
        + (blockNumber.isPresent() ? " block " + blockNumberText() : "");
  }
}
