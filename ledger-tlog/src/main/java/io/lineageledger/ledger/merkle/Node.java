package io.lineageledger.ledger.merkle;

import java.util.Arrays;
import java.util.HexFormat;

/**
 * The hash of one perfect subtree of the log, as produced by {@link CompactRange#append} for the
 * storage layer to persist.
 *
 * <p>Promises: {@code hash} is exactly {@link Hashes#SIZE} bytes and cannot be changed through this
 * record; {@link #hash()} returns a copy.
 */
public record Node(NodeId id, byte[] hash) {
  public Node {
    if (id == null) {
      throw new IllegalArgumentException("node id is null");
    }
    Hashes.requireHash("hash of node " + id, hash);
    hash = hash.clone();
  }

  @Override
  public byte[] hash() {
    return hash.clone();
  }

  // Tile assembly copies every hash once into the tile buffer; a second defensive copy per node
  // would double the allocation of a 100k-leaf batch for nothing.
  byte[] hashView() {
    return hash;
  }

  @Override
  public boolean equals(Object other) {
    return other instanceof Node that && id.equals(that.id) && Arrays.equals(hash, that.hash);
  }

  @Override
  public int hashCode() {
    return 31 * id.hashCode() + Arrays.hashCode(hash);
  }

  @Override
  public String toString() {
    return id + "=" + HexFormat.of().formatHex(hash);
  }
}
