package io.lineageledger.ledger.journal;

import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;

/**
 * RFC 9162 §2.1.3.1 inclusion paths and §2.1.4.1 consistency proofs, from any source of subtree
 * hashes (the tiles in production, a list of leaves in tests).
 */
final class ProofBuilder {
  private ProofBuilder() {}

  /** A tree of {@link #size()} leaves that can hash any range of them (RFC 9162 MTH). */
  interface Tree {
    long size();

    byte[] range(long from, long to) throws SQLException;
  }

  static List<byte[]> inclusion(Tree tree, long index) throws SQLException {
    if (index < 0 || index >= tree.size()) {
      throw new IllegalArgumentException(
          "leaf index "
              + index
              + " is not in a tree of size "
              + tree.size()
              + ": expected 0.."
              + (tree.size() - 1));
    }
    List<byte[]> path = new ArrayList<>();
    path(tree, index, 0, tree.size(), path);
    return path;
  }

  private static void path(Tree t, long m, long from, long to, List<byte[]> out)
      throws SQLException {
    long n = to - from;
    if (n == 1) {
      return;
    }
    long k = Long.highestOneBit(n - 1);
    if (m < k) {
      path(t, m, from, from + k, out);
      out.add(t.range(from + k, to));
    } else {
      path(t, m - k, from + k, to, out);
      out.add(t.range(from, from + k));
    }
  }

  static List<byte[]> consistency(Tree tree, long oldSize) throws SQLException {
    if (oldSize < 0 || oldSize > tree.size()) {
      throw new IllegalArgumentException(
          "size "
              + oldSize
              + " is not allowed for a consistency proof to size "
              + tree.size()
              + ": expected 0.."
              + tree.size());
    }
    List<byte[]> proof = new ArrayList<>();
    if (oldSize == 0 || oldSize == tree.size()) {
      return proof;
    }
    subproof(tree, oldSize, 0, tree.size(), true, proof);
    return proof;
  }

  private static void subproof(
      Tree t, long m, long from, long to, boolean complete, List<byte[]> out) throws SQLException {
    long n = to - from;
    if (m == n) {
      if (!complete) {
        out.add(t.range(from, to));
      }
      return;
    }
    long k = Long.highestOneBit(n - 1);
    if (m <= k) {
      subproof(t, m, from, from + k, complete, out);
      out.add(t.range(from + k, to));
    } else {
      subproof(t, m - k, from + k, to, false, out);
      out.add(t.range(from, from + k));
    }
  }
}
