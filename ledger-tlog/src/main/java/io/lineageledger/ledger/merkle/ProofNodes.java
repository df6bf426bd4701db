package io.lineageledger.ledger.merkle;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/**
 * Which stored nodes an RFC 9162 inclusion or consistency proof is made of, and how to turn their
 * hashes into the proof.
 *
 * <p>In a tree that is not perfect, one proof element may be the root of a non-perfect subtree at
 * the right edge (an "ephemeral" node that is never stored). {@link #ids()} then lists the perfect
 * subtrees covering it instead, and {@link #assemble} folds them back into the single element, so
 * the storage layer only ever reads stored nodes and can read them all in one batch.
 *
 * <p>Promises: immutable; {@link #ids()} contains no duplicates; {@code assemble(hashes of ids())}
 * is exactly the proof RFC 9162 §2.1.3.1 (PATH) or §2.1.4.1 (PROOF) defines.
 */
public final class ProofNodes {
  private static final ProofNodes NONE = new ProofNodes(List.of(), 0, 0);

  private final List<NodeId> ids;
  // ids[ephemeralBegin, ephemeralEnd) cover one ephemeral proof element, lowest level first.
  private final int ephemeralBegin;
  private final int ephemeralEnd;

  private ProofNodes(List<NodeId> ids, int ephemeralBegin, int ephemeralEnd) {
    this.ids = ids;
    this.ephemeralBegin = ephemeralBegin;
    this.ephemeralEnd = ephemeralEnd;
  }

  /** The nodes behind the inclusion proof of leaf {@code index} in a tree of {@code size}. */
  public static ProofNodes inclusion(long index, long size) {
    if (size <= 0 || index < 0 || index >= size) {
      throw new IllegalArgumentException(
          "leaf index " + index + " outside [0, " + size + ") for tree size " + size);
    }
    return path(0, index, size, false);
  }

  /**
   * The nodes behind the consistency proof from tree size {@code size1} to {@code size2}. The proof
   * is empty when {@code size1} is 0 or equals {@code size2}.
   */
  public static ProofNodes consistency(long size1, long size2) {
    if (size1 < 0 || size2 < size1) {
      throw new IllegalArgumentException(
          "consistency needs 0 <= size1 <= size2, but size1 is "
              + size1
              + " and size2 is "
              + size2);
    }
    if (size1 == 0 || size1 == size2) {
      return NONE;
    }
    // The proof starts from the largest perfect subtree ending at size1; when size1 is itself a
    // power of two that subtree is the old root, which the verifier already has.
    int level = Long.numberOfTrailingZeros(size1);
    long index = (size1 - 1) >>> level;
    boolean keepSeed = size1 != 1L << level;
    return path(level, index, size2, keepSeed);
  }

  /**
   * The audit path of node (level, index) in a tree of {@code size}: siblings up to where the path
   * forks from the right edge, then the (possibly ephemeral) right neighbour, then the perfect
   * subtrees to the left, each group ordered from the bottom up as RFC 9162 consumes them.
   */
  private static ProofNodes path(int level, long index, long size, boolean keepSeed) {
    // Below the fork the path only meets perfect siblings; at the fork, the right sibling is cut
    // by the tree size and must be rebuilt from the perfect subtrees covering [end, size).
    int inner = 63 - Long.numberOfLeadingZeros(index ^ (size >>> level));
    NodeId node = new NodeId(level, index);
    NodeId fork = new NodeId(level + inner, index >>> inner);
    List<NodeId> ids = new ArrayList<>();
    if (keepSeed) {
      ids.add(node);
    }
    for (; node.level() < fork.level(); node = node.parent()) {
      ids.add(node.sibling());
    }
    int begin = ids.size();
    addCoveringLowestFirst(ids, fork.end(), size);
    int end = ids.size();
    addCoveringLowestFirst(ids, 0, fork.begin());
    return new ProofNodes(Collections.unmodifiableList(ids), begin, end);
  }

  /**
   * Adds the perfect subtrees that cover [from, to), smallest (rightmost) first; {@code from} is a
   * multiple of a power of two larger than {@code to - from}, so greedy decomposition by the bits
   * of the length is exact.
   */
  private static void addCoveringLowestFirst(List<NodeId> ids, long from, long to) {
    long length = to - from;
    int start = ids.size();
    long begin = from;
    for (int level = NodeId.MAX_LEVEL; level >= 0; level--) {
      if ((length & (1L << level)) != 0) {
        ids.add(new NodeId(level, begin >>> level));
        begin += 1L << level;
      }
    }
    Collections.reverse(ids.subList(start, ids.size()));
  }

  /** The stored nodes to read, in the order {@link #assemble} expects their hashes. */
  public List<NodeId> ids() {
    return ids;
  }

  /**
   * Turns the hashes of {@link #ids()} (same order) into the proof, hashing the nodes that stand
   * for the ephemeral element together. The input list is not modified.
   */
  public List<byte[]> assemble(List<byte[]> hashes) {
    if (hashes.size() != ids.size()) {
      throw new IllegalArgumentException(
          "got " + hashes.size() + " hashes for " + ids.size() + " proof nodes " + ids);
    }
    for (int i = 0; i < hashes.size(); i++) {
      Hashes.requireHash("hash of proof node " + ids.get(i), hashes.get(i));
    }
    List<byte[]> proof = new ArrayList<>(ids.size());
    for (int i = 0; i < ephemeralBegin; i++) {
      proof.add(hashes.get(i).clone());
    }
    if (ephemeralBegin < ephemeralEnd) {
      byte[] ephemeral = hashes.get(ephemeralBegin).clone();
      for (int i = ephemeralBegin + 1; i < ephemeralEnd; i++) {
        ephemeral = Hashes.nodeHash(hashes.get(i), ephemeral);
      }
      proof.add(ephemeral);
    }
    for (int i = ephemeralEnd; i < hashes.size(); i++) {
      proof.add(hashes.get(i).clone());
    }
    return proof;
  }

  /** Reads {@link #ids()} through {@code reader} in one call and assembles the proof. */
  public List<byte[]> build(HashReader reader) {
    List<byte[]> hashes = reader.readHashes(ids);
    if (hashes == null) {
      throw new IllegalStateException("hash reader returned null for " + ids);
    }
    return assemble(hashes);
  }

  @Override
  public String toString() {
    return "ProofNodes" + ids + " ephemeral=[" + ephemeralBegin + ", " + ephemeralEnd + ")";
  }
}
