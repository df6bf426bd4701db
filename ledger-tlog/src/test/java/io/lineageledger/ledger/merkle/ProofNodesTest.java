package io.lineageledger.ledger.merkle;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import org.junit.jupiter.api.Test;

class ProofNodesTest {
  private final ReferenceTree tree = ReferenceTree.random(7, 11);

  @Test
  void inclusion_leafLeftOfCutRightEdge_readsPerfectNodesForTheEphemeralSibling() {
    ProofNodes nodes = ProofNodes.inclusion(0, 7);

    // MTH(D[4:7]) is not stored; it is rebuilt from (0, 6) and (1, 2), lowest first.
    assertThat(nodes.ids())
        .containsExactly(new NodeId(0, 1), new NodeId(1, 1), new NodeId(0, 6), new NodeId(1, 2));
    assertThat(nodes.build(tree))
        .containsExactly(
            tree.node(new NodeId(0, 1)),
            tree.node(new NodeId(1, 1)),
            Hashes.nodeHash(tree.node(new NodeId(1, 2)), tree.node(new NodeId(0, 6))));
    assertThat(nodes.build(tree)).containsExactlyElementsOf(tree.path(0, 7));
  }

  @Test
  void inclusion_lastLeafOfOddTree_hasOnlyLeftSubtrees() {
    assertThat(ProofNodes.inclusion(6, 7).ids())
        .containsExactly(new NodeId(1, 2), new NodeId(2, 0));
    assertThat(ProofNodes.inclusion(0, 1).ids()).isEmpty();
  }

  @Test
  void consistency_oldSizeNotPowerOfTwo_startsWithItsRightmostSubtree() {
    ProofNodes nodes = ProofNodes.consistency(3, 7);

    assertThat(nodes.ids())
        .containsExactly(
            new NodeId(0, 2),
            new NodeId(0, 3),
            new NodeId(1, 0),
            new NodeId(0, 6),
            new NodeId(1, 2));
    assertThat(nodes.build(tree)).containsExactlyElementsOf(tree.proof(3, 7));
  }

  @Test
  void consistency_trivialSizes_needNoNodes() {
    assertThat(ProofNodes.consistency(0, 7).ids()).isEmpty();
    assertThat(ProofNodes.consistency(7, 7).ids()).isEmpty();
    assertThat(ProofNodes.consistency(4, 7).build(tree))
        .containsExactlyElementsOf(tree.proof(4, 7));
  }

  @Test
  void factories_invalidArguments_nameTheRange() {
    assertThatThrownBy(() -> ProofNodes.inclusion(7, 7))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("leaf index 7 outside [0, 7) for tree size 7");
    assertThatThrownBy(() -> ProofNodes.inclusion(-1, 7))
        .hasMessage("leaf index -1 outside [0, 7) for tree size 7");
    assertThatThrownBy(() -> ProofNodes.consistency(8, 7))
        .hasMessage("consistency needs 0 <= size1 <= size2, but size1 is 8 and size2 is 7");
  }

  @Test
  void assemble_wrongNumberOfHashes_isRejected() {
    ProofNodes nodes = ProofNodes.inclusion(0, 7);
    assertThatThrownBy(() -> nodes.assemble(List.of(new byte[32])))
        .hasMessage("got 1 hashes for 4 proof nodes [(0, 1), (1, 1), (0, 6), (1, 2)]");
    assertThatThrownBy(
            () -> nodes.assemble(List.of(new byte[32], new byte[32], new byte[32], new byte[3])))
        .hasMessage("hash of proof node (1, 2) is 3 bytes; expected exactly 32");
  }

  @Test
  void inclusion_hugeTree_staysWithinLongRangeAndAssemblesToRfcLength() {
    long size = Long.MAX_VALUE;
    HashReader anyHashes = ids -> ids.stream().map(id -> Hashes.leafHash(new byte[0])).toList();
    assertThat(ProofNodes.inclusion(size - 1, size).build(anyHashes))
        .hasSize(ProofVerifier.inclusionLength(size - 1, size));
    // In a tree of 2^63 - 1 leaves the top-level right sibling of leaf 0 is cut by the size; it is
    // read as 62 perfect subtrees and folded into one element, so the proof keeps the RFC length.
    ProofNodes first = ProofNodes.inclusion(0, size);
    assertThat(first.ids()).hasSizeGreaterThan(ProofVerifier.inclusionLength(0, size));
    assertThat(first.build(anyHashes)).hasSize(ProofVerifier.inclusionLength(0, size));
    assertThat(ProofNodes.consistency(size - 1, size).build(anyHashes))
        .hasSize(ProofVerifier.consistencyLength(size - 1, size));
  }
}
