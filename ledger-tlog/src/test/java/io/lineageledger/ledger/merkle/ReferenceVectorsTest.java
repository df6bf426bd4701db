package io.lineageledger.ledger.merkle;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;

import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The eight-leaf reference tree shared by Certificate Transparency implementations. Leaves, roots
 * and node hashes are from transparency-dev/merkle testonly/constants.go (identical to
 * google/certificate-transparency cpp/merkletree/merkle_tree_test.cc); the inclusion and
 * consistency proofs are from transparency-dev/merkle proof/verify_test.go, whose leaf numbers are
 * 1-based and are converted to 0-based indices here.
 */
class ReferenceVectorsTest {
  private static final HexFormat HEX = HexFormat.of();

  private static final String[] INPUTS = {
    "",
    "00",
    "10",
    "2021",
    "3031",
    "40414243",
    "5051525354555657",
    "606162636465666768696a6b6c6d6e6f",
  };

  /** Roots for sizes 0..8. */
  private static final String[] ROOTS = {
    "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855",
    "6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d",
    "fac54203e7cc696cf0dfcb42c92a1d9dbaf70ad9e621f4bd8d98662f00e3c125",
    "aeb6bcfe274b70a14fb067a5e5578264db0fa9b51af5e0ba159158f329e06e77",
    "d37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7",
    "4e3bbb1f7b478dcfe71fb631631519a3bca12c9aefca1612bfce4c13a86264d4",
    "76e67dadbcdf1e10e1b74ddc608abd2f98dfb16fbce75277b5232a127f2087ef",
    "ddb89be403809e325750d3d263cd78929c2942b7942a34b77e122c9594a74c8c",
    "5dc9da79a70659a9ad559cb701ded9a2ab9d823aad2f4960cfe370eff4604328",
  };

  /** Node hashes of the full tree by level, then index. */
  private static final String[][] NODES = {
    {
      "6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d",
      "96a296d224f285c67bee93c30f8a309157f0daa35dc5b87e410b78630a09cfc7",
      "0298d122906dcfc10892cb53a73992fc5b9f493ea4c9badb27b791b4127a7fe7",
      "07506a85fd9dd2f120eb694f86011e5bb4662e5c415a62917033d4a9624487e7",
      "bc1a0643b12e4d2d7c77918f44e0f4f79a838b6cf9ec5b5c283e1f4d88599e6b",
      "4271a26be0d8a84f0bd54c8c302e7cb3a3b5d1fa6780a40bcce2873477dab658",
      "b08693ec2e721597130641e8211e7eedccb4c26413963eee6c1e2ed16ffb1a5f",
      "46f6ffadd3d06a09ff3c5860d2755c8b9819db7df44251788c7d8e3180de8eb1",
    },
    {
      "fac54203e7cc696cf0dfcb42c92a1d9dbaf70ad9e621f4bd8d98662f00e3c125",
      "5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e",
      "0ebc5d3437fbe2db158b9f126a1d118e308181031d0a949f8dededebc558ef6a",
      "ca854ea128ed050b41b35ffc1b87b8eb2bde461e9e3b5596ece6b9d5975a0ae0",
    },
    {
      "d37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7",
      "6b47aaf29ee3c2af9af889bc1fb9254dabd31177f16232dd6aab035ca39bf6e4",
    },
    {
      "5dc9da79a70659a9ad559cb701ded9a2ab9d823aad2f4960cfe370eff4604328",
    },
  };

  private record InclusionVector(long index, long size, String... proof) {}

  private record ConsistencyVector(long size1, long size2, String... proof) {}

  private static final List<InclusionVector> INCLUSION =
      List.of(
          new InclusionVector(0, 1),
          new InclusionVector(
              0,
              8,
              "96a296d224f285c67bee93c30f8a309157f0daa35dc5b87e410b78630a09cfc7",
              "5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e",
              "6b47aaf29ee3c2af9af889bc1fb9254dabd31177f16232dd6aab035ca39bf6e4"),
          new InclusionVector(
              5,
              8,
              "bc1a0643b12e4d2d7c77918f44e0f4f79a838b6cf9ec5b5c283e1f4d88599e6b",
              "ca854ea128ed050b41b35ffc1b87b8eb2bde461e9e3b5596ece6b9d5975a0ae0",
              "d37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7"),
          new InclusionVector(
              2, 3, "fac54203e7cc696cf0dfcb42c92a1d9dbaf70ad9e621f4bd8d98662f00e3c125"),
          new InclusionVector(
              1,
              5,
              "6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d",
              "5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e",
              "bc1a0643b12e4d2d7c77918f44e0f4f79a838b6cf9ec5b5c283e1f4d88599e6b"));

  private static final List<ConsistencyVector> CONSISTENCY =
      List.of(
          new ConsistencyVector(1, 1),
          new ConsistencyVector(
              1,
              8,
              "96a296d224f285c67bee93c30f8a309157f0daa35dc5b87e410b78630a09cfc7",
              "5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e",
              "6b47aaf29ee3c2af9af889bc1fb9254dabd31177f16232dd6aab035ca39bf6e4"),
          new ConsistencyVector(
              6,
              8,
              "0ebc5d3437fbe2db158b9f126a1d118e308181031d0a949f8dededebc558ef6a",
              "ca854ea128ed050b41b35ffc1b87b8eb2bde461e9e3b5596ece6b9d5975a0ae0",
              "d37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7"),
          new ConsistencyVector(
              2,
              5,
              "5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e",
              "bc1a0643b12e4d2d7c77918f44e0f4f79a838b6cf9ec5b5c283e1f4d88599e6b"),
          new ConsistencyVector(
              6,
              7,
              "0ebc5d3437fbe2db158b9f126a1d118e308181031d0a949f8dededebc558ef6a",
              "b08693ec2e721597130641e8211e7eedccb4c26413963eee6c1e2ed16ffb1a5f",
              "d37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7"));

  static List<byte[]> leafHashes(int count) {
    List<byte[]> out = new ArrayList<>();
    for (int i = 0; i < count; i++) {
      out.add(Hashes.leafHash(HEX.parseHex(INPUTS[i])));
    }
    return out;
  }

  static byte[] root(int size) {
    return HEX.parseHex(ROOTS[size]);
  }

  private static List<String> hex(List<byte[]> hashes) {
    return hashes.stream().map(HEX::formatHex).toList();
  }

  @Test
  void leafAndNodeHashes_referenceTree_matchPublishedNodes() {
    ReferenceTree tree = new ReferenceTree(leafHashes(8));
    for (int level = 0; level < NODES.length; level++) {
      for (int index = 0; index < NODES[level].length; index++) {
        assertThat(HEX.formatHex(tree.node(new NodeId(level, index))))
            .as("node (%d, %d)", level, index)
            .isEqualTo(NODES[level][index]);
      }
    }
  }

  @Test
  void root_sizes0to8_matchPublishedRoots() {
    for (int size = 0; size <= 8; size++) {
      assertThat(HEX.formatHex(Hashes.root(leafHashes(size))))
          .as("size %d", size)
          .isEqualTo(ROOTS[size]);
    }
  }

  @Test
  void compactRange_appendOneAtATime_matchesPublishedRoots() {
    CompactRange range = CompactRange.empty();
    assertThat(HEX.formatHex(range.root())).isEqualTo(ROOTS[0]);
    List<byte[]> leaves = leafHashes(8);
    for (int size = 1; size <= 8; size++) {
      range = range.append(leaves.subList(size - 1, size)).range();
      assertThat(HEX.formatHex(range.root())).as("size %d", size).isEqualTo(ROOTS[size]);
    }
  }

  @Test
  void compactRange_publishedRightEdges_rebuildPublishedRoots() {
    // transparency-dev/merkle CompactTrees(): the right edge for each size, as node coordinates.
    long[][][] edges = {
      {},
      {{0, 0}},
      {{1, 0}},
      {{1, 0}, {0, 2}},
      {{2, 0}},
      {{2, 0}, {0, 4}},
      {{2, 0}, {1, 2}},
      {{2, 0}, {1, 2}, {0, 6}},
      {{3, 0}},
    };
    for (int size = 0; size <= 8; size++) {
      List<NodeId> ids = new ArrayList<>();
      List<byte[]> hashes = new ArrayList<>();
      for (long[] node : edges[size]) {
        ids.add(new NodeId((int) node[0], node[1]));
        hashes.add(HEX.parseHex(NODES[(int) node[0]][(int) node[1]]));
      }
      assertThat(CompactRange.nodeIds(size)).as("size %d", size).isEqualTo(ids);
      assertThat(HEX.formatHex(CompactRange.of(size, hashes).root())).isEqualTo(ROOTS[size]);
    }
  }

  @Test
  void inclusionProofs_builtFromStoredNodes_matchPublishedProofsAndVerify() {
    ReferenceTree tree = new ReferenceTree(leafHashes(8));
    for (InclusionVector v : INCLUSION) {
      List<byte[]> built = ProofNodes.inclusion(v.index(), v.size()).build(tree);
      assertThat(hex(built)).as("index %d size %d", v.index(), v.size()).containsExactly(v.proof());
      byte[] leaf = leafHashes(8).get((int) v.index());
      assertThatCode(
              () ->
                  ProofVerifier.verifyInclusion(
                      v.index(), v.size(), leaf, built, root((int) v.size())))
          .doesNotThrowAnyException();
    }
  }

  @Test
  void consistencyProofs_builtFromStoredNodes_matchPublishedProofsAndVerify() {
    ReferenceTree tree = new ReferenceTree(leafHashes(8));
    for (ConsistencyVector v : CONSISTENCY) {
      List<byte[]> built = ProofNodes.consistency(v.size1(), v.size2()).build(tree);
      assertThat(hex(built)).as("%d to %d", v.size1(), v.size2()).containsExactly(v.proof());
      assertThatCode(
              () ->
                  ProofVerifier.verifyConsistency(
                      v.size1(), v.size2(), root((int) v.size1()), root((int) v.size2()), built))
          .doesNotThrowAnyException();
    }
  }

  @Test
  void verify_everySingleBitFlipOfPublishedProofs_fails() {
    List<byte[]> leaves = leafHashes(8);
    for (InclusionVector v : INCLUSION) {
      List<byte[]> proof = v.proof().length == 0 ? List.of() : Mutations.parse(v.proof());
      byte[] leaf = leaves.get((int) v.index());
      byte[] root = root((int) v.size());
      for (Mutations.Flip flip : Mutations.everyBit(leaf, proof, root)) {
        assertThat(
                ProofVerifier.isValidInclusion(
                    v.index(), v.size(), flip.first(), flip.proof(), flip.second()))
            .as("index %d size %d with %s", v.index(), v.size(), flip)
            .isFalse();
      }
    }
    for (ConsistencyVector v : CONSISTENCY) {
      List<byte[]> proof = v.proof().length == 0 ? List.of() : Mutations.parse(v.proof());
      byte[] root1 = root((int) v.size1());
      byte[] root2 = root((int) v.size2());
      for (Mutations.Flip flip : Mutations.everyBit(root1, proof, root2)) {
        assertThat(
                ProofVerifier.isValidConsistency(
                    v.size1(), v.size2(), flip.first(), flip.second(), flip.proof()))
            .as("%d to %d with %s", v.size1(), v.size2(), flip)
            .isFalse();
      }
    }
  }
}
