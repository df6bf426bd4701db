package io.lineageledger.ledger.merkle;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import org.junit.jupiter.api.Test;

class CompactRangeTest {
  @Test
  void nodeIds_sizeWithSeveralBits_areLargestFirst() {
    assertThat(CompactRange.nodeIds(13))
        .containsExactly(new NodeId(3, 0), new NodeId(2, 2), new NodeId(0, 12));
    assertThat(CompactRange.nodeIds(0)).isEmpty();
    assertThat(CompactRange.nodeIds(Long.MAX_VALUE)).hasSize(63);
  }

  @Test
  void of_wrongHashCount_namesExpectedCount() {
    assertThatThrownBy(() -> CompactRange.of(13, List.of(new byte[32])))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("compact range of size 13 needs exactly 3 hashes, one per set bit, but got 1");
    assertThatThrownBy(() -> CompactRange.of(-1, List.of()))
        .hasMessage("tree size -1 outside [0, 9223372036854775807]");
    assertThatThrownBy(() -> CompactRange.of(1, List.of(new byte[31])))
        .hasMessage("compact range hash 0 of size 1 is 31 bytes; expected exactly 32");
  }

  @Test
  void append_emptyBatch_keepsRangeAndReportsNothing() {
    ReferenceTree tree = ReferenceTree.random(5, 2);
    Integration grown = CompactRange.empty().append(tree.leaves());
    Integration none = grown.range().append(List.of());
    assertThat(none.nodes()).isEmpty();
    assertThat(none.newSize()).isEqualTo(5);
    assertThat(none.root()).isEqualTo(tree.root(5));
    assertThat(none.changedTiles()).isEmpty();
  }

  @Test
  void append_reportsEachLeafFollowedByTheAncestorsItCompleted() {
    ReferenceTree tree = ReferenceTree.random(4, 2);
    Integration grown = CompactRange.empty().append(tree.leaves());
    List<NodeId> order = new ArrayList<>();
    grown.nodes().forEach(node -> order.add(node.id()));
    assertThat(order)
        .containsExactly(
            new NodeId(0, 0),
            new NodeId(0, 1),
            new NodeId(1, 0),
            new NodeId(0, 2),
            new NodeId(0, 3),
            new NodeId(1, 1),
            new NodeId(2, 0));
  }

  @Test
  void append_callerMutatesLeafAfterwards_rangeUnaffected() {
    ReferenceTree tree = ReferenceTree.random(1, 2);
    byte[] leaf = tree.leaves().get(0).clone();
    Integration grown = CompactRange.empty().append(List.of(leaf));
    leaf[0] ^= 1;
    assertThat(grown.root()).isEqualTo(tree.root(1));
    assertThat(grown.nodes().get(0).hash()).isEqualTo(tree.root(1));
  }

  @Test
  void nodeId_outOfRange_isRejectedWithRange() {
    assertThatThrownBy(() -> new NodeId(63, 0))
        .hasMessage("level 63 outside [0, 62] for node index 0");
    assertThatThrownBy(() -> new NodeId(0, -1))
        .hasMessage("index -1 outside [0, 9223372036854775807) for level 0");
    assertThatThrownBy(() -> new NodeId(62, 1)).hasMessage("index 1 outside [0, 1) for level 62");
  }

  @Test
  void hashes_nodeHashOfShortInput_isRejected() {
    assertThatThrownBy(() -> Hashes.nodeHash(new byte[32], new byte[33]))
        .hasMessage("right is 33 bytes; expected exactly 32");
    assertThat(Hashes.emptyRoot())
        .isEqualTo(
            HexFormat.of()
                .parseHex("e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"));
  }
}
