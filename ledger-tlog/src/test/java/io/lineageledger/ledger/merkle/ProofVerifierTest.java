package io.lineageledger.ledger.merkle;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.lineageledger.ledger.merkle.ProofVerificationException.Check;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class ProofVerifierTest {
  private final ReferenceTree tree = new ReferenceTree(ReferenceVectorsTest.leafHashes(8));
  private final byte[] root8 = ReferenceVectorsTest.root(8);

  private List<byte[]> inclusion(long index, long size) {
    return ProofNodes.inclusion(index, size).build(tree);
  }

  @Test
  void verifyInclusion_proofTooLong_namesLengths() {
    List<byte[]> proof = new ArrayList<>(inclusion(3, 8));
    proof.add(root8);
    assertThatThrownBy(
            () -> ProofVerifier.verifyInclusion(3, 8, tree.leaves().get(3), proof, root8))
        .isInstanceOf(ProofVerificationException.class)
        .hasMessage("proof length 4 but expected 3 for index 3 in size 8")
        .extracting(e -> ((ProofVerificationException) e).check())
        .isEqualTo(Check.PROOF_LENGTH);
  }

  @Test
  void verifyInclusion_wrongRoot_namesBothRoots() {
    byte[] other = ReferenceVectorsTest.root(7);
    assertThatThrownBy(
            () -> ProofVerifier.verifyInclusion(3, 8, tree.leaves().get(3), inclusion(3, 8), other))
        .hasMessageStartingWith(
            "computed root 5dc9da79a70659a9ad559cb701ded9a2ab9d823aad2f4960cfe370eff4604328"
                + " does not match expected ddb89be4")
        .extracting(e -> ((ProofVerificationException) e).check())
        .isEqualTo(Check.ROOT_MISMATCH);
  }

  @Test
  void verifyInclusion_indexNotBelowSize_isOutOfRange() {
    assertThatThrownBy(() -> ProofVerifier.verifyInclusion(8, 8, root8, List.of(), root8))
        .hasMessage("index 8 outside [0, 8) for size 8")
        .extracting(e -> ((ProofVerificationException) e).check())
        .isEqualTo(Check.INDEX_OUT_OF_RANGE);
    assertThatThrownBy(() -> ProofVerifier.verifyInclusion(-1, 8, root8, List.of(), root8))
        .extracting(e -> ((ProofVerificationException) e).check())
        .isEqualTo(Check.INDEX_OUT_OF_RANGE);
    assertThatThrownBy(() -> ProofVerifier.verifyInclusion(0, 0, root8, List.of(), root8))
        .extracting(e -> ((ProofVerificationException) e).check())
        .isEqualTo(Check.INDEX_OUT_OF_RANGE);
  }

  @Test
  void verifyInclusion_shortProofElement_isHashLength() {
    List<byte[]> proof = new ArrayList<>(inclusion(3, 8));
    proof.set(1, new byte[31]);
    assertThatThrownBy(
            () -> ProofVerifier.verifyInclusion(3, 8, tree.leaves().get(3), proof, root8))
        .hasMessage("proof element 1 is 31 bytes; expected exactly 32 bytes")
        .extracting(e -> ((ProofVerificationException) e).check())
        .isEqualTo(Check.HASH_LENGTH);
    assertThatThrownBy(
            () -> ProofVerifier.verifyInclusion(3, 8, new byte[0], inclusion(3, 8), root8))
        .hasMessage("leaf hash is 0 bytes; expected exactly 32 bytes");
    assertThatThrownBy(
            () -> ProofVerifier.verifyInclusion(3, 8, tree.leaves().get(3), inclusion(3, 8), null))
        .hasMessage("root is null; expected exactly 32 bytes");
  }

  @Test
  void verifyInclusion_singleLeafTree_leafIsRoot() {
    byte[] leaf = tree.leaves().get(0);
    assertThatCode(() -> ProofVerifier.verifyInclusion(0, 1, leaf, List.of(), leaf))
        .doesNotThrowAnyException();
    assertThat(ProofVerifier.isValidInclusion(0, 1, leaf, List.of(), root8)).isFalse();
  }

  @Test
  void verifyInclusion_sizeWithSamePathShape_isBoundOnlyByTheRoot() {
    // RFC 9162 inclusion proofs commit to the tree size only through the shape of the path: leaf 0
    // walks the same three left-child steps in sizes 5 and 6, so the size-5 proof recomputes the
    // size-5 root under either size. The signed checkpoint is what binds a root to its size.
    ReferenceTree six = ReferenceTree.random(6, 1);
    List<byte[]> proof = ProofNodes.inclusion(0, 5).build(six);
    byte[] root5 = six.root(5);
    assertThat(ProofVerifier.isValidInclusion(0, 5, six.leaves().get(0), proof, root5)).isTrue();
    assertThat(ProofVerifier.isValidInclusion(0, 6, six.leaves().get(0), proof, root5)).isTrue();
    assertThat(ProofVerifier.isValidInclusion(0, 6, six.leaves().get(0), proof, six.root(6)))
        .isFalse();
  }

  @Test
  void verifyConsistency_shrinkingLog_isSizeOrder() {
    assertThatThrownBy(() -> ProofVerifier.verifyConsistency(8, 2, root8, root8, List.of()))
        .hasMessage("size2 2 is smaller than size1 8; a log cannot shrink")
        .extracting(e -> ((ProofVerificationException) e).check())
        .isEqualTo(Check.SIZE_ORDER);
  }

  @Test
  void verifyConsistency_emptyProofForGrowth_isProofLength() {
    assertThatThrownBy(
            () ->
                ProofVerifier.verifyConsistency(
                    6, 8, ReferenceVectorsTest.root(6), root8, List.of()))
        .hasMessage("proof length 0 but expected 3 from size 6 to size 8")
        .extracting(e -> ((ProofVerificationException) e).check())
        .isEqualTo(Check.PROOF_LENGTH);
  }

  @Test
  void verifyConsistency_wrongOldRoot_isFirstRootMismatch() {
    List<byte[]> proof = ProofNodes.consistency(6, 8).build(tree);
    assertThatThrownBy(
            () -> ProofVerifier.verifyConsistency(6, 8, ReferenceVectorsTest.root(5), root8, proof))
        .hasMessageStartingWith("computed root1 76e67dad")
        .hasMessageEndingWith("for size 6")
        .extracting(e -> ((ProofVerificationException) e).check())
        .isEqualTo(Check.FIRST_ROOT_MISMATCH);
  }

  @Test
  void verifyConsistency_wrongNewRoot_isRootMismatch() {
    List<byte[]> proof = ProofNodes.consistency(6, 8).build(tree);
    assertThatThrownBy(
            () ->
                ProofVerifier.verifyConsistency(
                    6, 8, ReferenceVectorsTest.root(6), ReferenceVectorsTest.root(7), proof))
        .hasMessageStartingWith("computed root2 5dc9da79")
        .extracting(e -> ((ProofVerificationException) e).check())
        .isEqualTo(Check.ROOT_MISMATCH);
  }

  @Test
  void verifyConsistency_equalSizes_needEqualRootsAndEmptyProof() {
    assertThatCode(() -> ProofVerifier.verifyConsistency(8, 8, root8, root8, List.of()))
        .doesNotThrowAnyException();
    assertThatThrownBy(
            () ->
                ProofVerifier.verifyConsistency(
                    8, 8, root8, ReferenceVectorsTest.root(7), List.of()))
        .extracting(e -> ((ProofVerificationException) e).check())
        .isEqualTo(Check.ROOT_MISMATCH);
    assertThatThrownBy(() -> ProofVerifier.verifyConsistency(8, 8, root8, root8, List.of(root8)))
        .hasMessage("proof length 1 but expected 0 from size 8 to size 8");
  }

  @Test
  void verifyConsistency_fromEmptyTree_needsEmptyRootAndEmptyProof() {
    byte[] empty = Hashes.emptyRoot();
    assertThatCode(() -> ProofVerifier.verifyConsistency(0, 8, empty, root8, List.of()))
        .doesNotThrowAnyException();
    assertThatThrownBy(() -> ProofVerifier.verifyConsistency(0, 8, root8, root8, List.of()))
        .extracting(e -> ((ProofVerificationException) e).check())
        .isEqualTo(Check.FIRST_ROOT_MISMATCH);
    assertThatThrownBy(() -> ProofVerifier.verifyConsistency(0, 8, empty, root8, List.of(root8)))
        .extracting(e -> ((ProofVerificationException) e).check())
        .isEqualTo(Check.PROOF_LENGTH);
  }

  @Test
  void verifyConsistency_negativeSize_isOutOfRange() {
    assertThatThrownBy(() -> ProofVerifier.verifyConsistency(-1, 8, root8, root8, List.of()))
        .extracting(e -> ((ProofVerificationException) e).check())
        .isEqualTo(Check.INDEX_OUT_OF_RANGE);
  }

  @Test
  void rootFromInclusion_largeIndexNearLongMax_doesNotOverflow() throws Exception {
    // Only the path shape matters here: a right-edge leaf of a huge tree has a short proof.
    long size = Long.MAX_VALUE;
    long index = size - 1;
    int length = ProofVerifier.inclusionLength(index, size);
    assertThat(length).isEqualTo(Long.bitCount(index));
    List<byte[]> proof = new ArrayList<>();
    for (int i = 0; i < length; i++) {
      proof.add(root8);
    }
    assertThat(ProofVerifier.rootFromInclusion(index, size, root8, proof)).hasSize(32);
  }
}
