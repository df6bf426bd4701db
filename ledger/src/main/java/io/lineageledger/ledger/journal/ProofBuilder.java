package io.lineageledger.ledger.journal;

import io.lineageledger.ledger.merkle.NodeId;
import io.lineageledger.ledger.merkle.ProofNodes;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;

/**
 * RFC 9162 inclusion and consistency proofs of a stored tree: {@link ProofNodes} says which
 * perfect-subtree hashes a proof needs, {@link TreeReader} reads them from the tiles.
 */
final class ProofBuilder {
  private ProofBuilder() {}

  static List<byte[]> inclusion(TreeReader tree, long index) throws SQLException {
    if (index < 0 || index >= tree.size()) {
      throw new IllegalArgumentException(
          "leaf index "
              + index
              + " is not in a tree of size "
              + tree.size()
              + ": expected 0.."
              + (tree.size() - 1));
    }
    ProofNodes nodes = ProofNodes.inclusion(index, tree.size());
    return nodes.assemble(read(tree, nodes.ids()));
  }

  static List<byte[]> consistency(TreeReader tree, long oldSize) throws SQLException {
    if (oldSize < 0 || oldSize > tree.size()) {
      throw new IllegalArgumentException(
          "size "
              + oldSize
              + " is not allowed for a consistency proof to size "
              + tree.size()
              + ": expected 0.."
              + tree.size());
    }
    ProofNodes nodes = ProofNodes.consistency(oldSize, tree.size());
    return nodes.assemble(read(tree, nodes.ids()));
  }

  private static List<byte[]> read(TreeReader tree, List<NodeId> ids) throws SQLException {
    List<byte[]> hashes = new ArrayList<>(ids.size());
    for (NodeId id : ids) {
      hashes.add(tree.node(id.level(), id.index()));
    }
    return hashes;
  }
}
