package io.lineageledger.ledger.merkle;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;

/**
 * The right edge of a log of a given size: the roots of the perfect subtrees that together cover
 * leaves {@code [0, size)}, one per set bit of {@code size}, largest (leftmost) first.
 *
 * <p>This is all the state the sequencer needs to integrate a batch: {@link #append} costs {@code
 * O(batch + log size)} hashes and reports every perfect-subtree hash the batch completed, so the
 * storage layer can write tiles without rereading the tree.
 *
 * <p>Promises: immutable; {@code hashes().size() == Long.bitCount(size())}; every hash is {@link
 * Hashes#SIZE} bytes; {@link #nodeIds(long)} names exactly the nodes whose hashes {@link #of}
 * expects, in the same order.
 */
public final class CompactRange {
  private static final CompactRange EMPTY = new CompactRange(0, new byte[0][]);

  private final long size;
  private final byte[][] hashes;

  private CompactRange(long size, byte[][] hashes) {
    this.size = size;
    this.hashes = hashes;
  }

  /** The compact range of the empty log. */
  public static CompactRange empty() {
    return EMPTY;
  }

  /**
   * Rebuilds the compact range of a log of {@code size} leaves from the hashes of the nodes {@link
   * #nodeIds(long)} names, in that order.
   */
  public static CompactRange of(long size, List<byte[]> hashes) {
    requireSize(size);
    int expected = Long.bitCount(size);
    if (hashes.size() != expected) {
      throw new IllegalArgumentException(
          "compact range of size "
              + size
              + " needs exactly "
              + expected
              + " hashes, one per set bit, but got "
              + hashes.size());
    }
    byte[][] copy = new byte[expected][];
    for (int i = 0; i < expected; i++) {
      Hashes.requireHash("compact range hash " + i + " of size " + size, hashes.get(i));
      copy[i] = hashes.get(i).clone();
    }
    return new CompactRange(size, copy);
  }

  /**
   * The perfect subtrees covering {@code [0, size)}, largest first: the nodes the storage layer
   * reads to resume integration at {@code size}.
   */
  public static List<NodeId> nodeIds(long size) {
    requireSize(size);
    List<NodeId> ids = new ArrayList<>(Long.bitCount(size));
    long begin = 0;
    for (int level = NodeId.MAX_LEVEL; level >= 0; level--) {
      if ((size & (1L << level)) != 0) {
        ids.add(new NodeId(level, begin >>> level));
        begin += 1L << level;
      }
    }
    return ids;
  }

  /** Number of leaves covered. */
  public long size() {
    return size;
  }

  /** Copies of the subtree hashes, in the order of {@link #nodeIds(long)}. */
  public List<byte[]> hashes() {
    List<byte[]> out = new ArrayList<>(hashes.length);
    for (byte[] hash : hashes) {
      out.add(hash.clone());
    }
    return out;
  }

  /** The RFC 9162 root of the log of {@link #size()} leaves. */
  public byte[] root() {
    if (hashes.length == 0) {
      return Hashes.emptyRoot();
    }
    // The right edge nests rightwards: MTH = H(c0, H(c1, ... H(c_{k-2}, c_{k-1}))).
    byte[] root = hashes[hashes.length - 1];
    for (int i = hashes.length - 2; i >= 0; i--) {
      root = Hashes.nodeHash(hashes[i], root);
    }
    return root == hashes[hashes.length - 1] ? root.clone() : root;
  }

  /**
   * Appends leaf hashes at indices {@code size(), size()+1, ...} and returns the grown range along
   * with every perfect-subtree hash the batch completed (the leaves themselves included), each leaf
   * followed by the ancestors it completed.
   */
  public Integration append(List<byte[]> leafHashes) {
    int batch = leafHashes.size();
    if (batch > Long.MAX_VALUE - size) {
      throw new IllegalArgumentException(
          "appending " + batch + " leaves to size " + size + " overflows a 64-bit tree size");
    }
    // The stack holds the right edge; a leaf at index i merges with one stack entry for each
    // trailing one bit of i, which bounds the work by batch + log(size) hashes in total.
    byte[][] stack = Arrays.copyOf(hashes, Long.SIZE);
    int depth = hashes.length;
    List<Node> completed = new ArrayList<>(2 * batch + 1);
    long index = size;
    for (int i = 0; i < batch; i++, index++) {
      byte[] hash = leafHashes.get(i);
      Hashes.requireHash("leafHashes[" + i + "]", hash);
      completed.add(new Node(new NodeId(0, index), hash));
      int level = 0;
      for (long carry = index; (carry & 1) == 1; carry >>>= 1) {
        hash = Hashes.nodeHash(stack[--depth], hash);
        level++;
        completed.add(new Node(new NodeId(level, index >>> level), hash));
      }
      stack[depth++] = hash;
    }
    byte[][] edge = new byte[depth][];
    for (int i = 0; i < depth; i++) {
      // Leaf hashes came from the caller, so copy them before keeping them.
      edge[i] = stack[i].clone();
    }
    CompactRange grown = new CompactRange(index, edge);
    return new Integration(size, grown, Collections.unmodifiableList(completed));
  }

  private static void requireSize(long size) {
    if (size < 0) {
      throw new IllegalArgumentException(
          "tree size " + size + " outside [0, " + Long.MAX_VALUE + "]");
    }
  }

  @Override
  public String toString() {
    return "CompactRange[size=" + size + ", hashes=" + hashes.length + "]";
  }
}
