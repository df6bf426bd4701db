package io.lineageledger.ledger.journal;

import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.lineageledger.ledger.merkle.Hashes;
import io.lineageledger.ledger.merkle.ProofVerificationException;
import io.lineageledger.ledger.merkle.ProofVerifier;
import java.util.ArrayList;
import java.util.List;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;

/**
 * For random trees up to a few thousand leaves: every inclusion and consistency proof verifies, and
 * flipping any one bit of the leaf, a proof hash, the root or the index fails it. A size is checked
 * together with its root (that pair is what a checkpoint signs): a proof for one size does not
 * verify against the log's genuine root at a size with one bit flipped.
 */
class ProofBuilderProperties {
  static List<byte[]> leaves(int n, long seed) {
    List<byte[]> out = new ArrayList<>(n);
    for (int i = 0; i < n; i++) {
      out.add(Hashes.leafHash(java.nio.ByteBuffer.allocate(16).putLong(seed).putLong(i).array()));
    }
    return out;
  }

  static byte[] flip(byte[] b, int bit) {
    byte[] c = b.clone();
    c[(bit / 8) % c.length] ^= (byte) (1 << (bit % 8));
    return c;
  }

  @Property(tries = 150)
  void inclusion_verifiesAndAnyBitFlipFails(
      @ForAll @IntRange(min = 1, max = 3000) int size,
      @ForAll @IntRange(min = 0, max = 2999) int indexSeed,
      @ForAll @IntRange(min = 0, max = 255) int bit,
      @ForAll long seed)
      throws Exception {
    List<byte[]> leaves = leaves(size, seed);
    MemoryTree tree = new MemoryTree(leaves);
    byte[] root = tree.root();
    int index = indexSeed % size;
    List<byte[]> proof = ProofBuilder.inclusion(tree, index);
    ProofVerifier.verifyInclusion(index, size, leaves.get(index), proof, root);

    assertThatThrownBy(
            () ->
                ProofVerifier.verifyInclusion(
                    index, size, flip(leaves.get(index), bit), proof, root))
        .isInstanceOf(ProofVerificationException.class);
    assertThatThrownBy(
            () ->
                ProofVerifier.verifyInclusion(
                    index, size, leaves.get(index), proof, flip(root, bit)))
        .isInstanceOf(ProofVerificationException.class);
    for (int i = 0; i < proof.size(); i++) {
      List<byte[]> bad = new ArrayList<>(proof);
      bad.set(i, flip(proof.get(i), bit));
      assertThatThrownBy(
              () -> ProofVerifier.verifyInclusion(index, size, leaves.get(index), bad, root))
          .isInstanceOf(ProofVerificationException.class);
    }
    if (size > 1) {
      int other = index ^ (1 << (bit % 12));
      if (other < size && other != index) {
        assertThatThrownBy(
                () -> ProofVerifier.verifyInclusion(other, size, leaves.get(index), proof, root))
            .isInstanceOf(ProofVerificationException.class);
      }
    }
    int flippedSize = size ^ (1 << (bit % 13));
    if (flippedSize > index) {
      byte[] rootThere =
          new MemoryTree(leaves(Math.max(size, flippedSize), seed).subList(0, flippedSize)).root();
      assertThatThrownBy(
              () ->
                  ProofVerifier.verifyInclusion(
                      index, flippedSize, leaves.get(index), proof, rootThere))
          .isInstanceOf(ProofVerificationException.class);
    }
  }

  @Property(tries = 150)
  void consistency_verifiesAndAnyBitFlipFails(
      @ForAll @IntRange(min = 1, max = 3000) int size2,
      @ForAll @IntRange(min = 1, max = 3000) int size1Seed,
      @ForAll @IntRange(min = 0, max = 255) int bit,
      @ForAll long seed)
      throws Exception {
    int size1 = 1 + (size1Seed - 1) % size2;
    List<byte[]> leaves = leaves(size2, seed);
    byte[] root1 = new MemoryTree(leaves.subList(0, size1)).root();
    MemoryTree tree = new MemoryTree(leaves);
    byte[] root2 = tree.root();
    List<byte[]> proof = ProofBuilder.consistency(tree, size1);
    assertThatCode(() -> ProofVerifier.verifyConsistency(size1, size2, root1, root2, proof))
        .doesNotThrowAnyException();

    assertThatThrownBy(
            () -> ProofVerifier.verifyConsistency(size1, size2, flip(root1, bit), root2, proof))
        .isInstanceOf(ProofVerificationException.class);
    assertThatThrownBy(
            () -> ProofVerifier.verifyConsistency(size1, size2, root1, flip(root2, bit), proof))
        .isInstanceOf(ProofVerificationException.class);
    for (int i = 0; i < proof.size(); i++) {
      List<byte[]> bad = new ArrayList<>(proof);
      bad.set(i, flip(proof.get(i), bit));
      assertThatThrownBy(() -> ProofVerifier.verifyConsistency(size1, size2, root1, root2, bad))
          .isInstanceOf(ProofVerificationException.class);
    }
    int flipped2 = size2 ^ (1 << (bit % 13));
    if (flipped2 > size1) {
      byte[] rootThere =
          new MemoryTree(leaves(Math.max(size2, flipped2), seed).subList(0, flipped2)).root();
      assertThatThrownBy(
              () -> ProofVerifier.verifyConsistency(size1, flipped2, root1, rootThere, proof))
          .isInstanceOf(ProofVerificationException.class);
    }
  }

  @Property(tries = 60)
  void tileIntegration_inRandomBatches_equalsTheDefinition(
      @ForAll @IntRange(min = 1, max = 5000) int size,
      @ForAll @IntRange(min = 1, max = 700) int batch,
      @ForAll long seed) {
    List<byte[]> leaves = leaves(size, seed);
    java.util.Map<Integer, byte[][]> edge = new java.util.HashMap<>();
    long n = 0;
    byte[] root = null;
    while (n < size) {
      List<byte[]> chunk = leaves.subList((int) n, (int) Math.min(size, n + batch));
      TileIntegration.Result r =
          TileIntegration.integrate(n, level -> edge.getOrDefault(level, new byte[0][]), chunk);
      for (Tile t : r.tiles()) {
        edge.put(t.level(), t.width() == Tile.WIDTH ? new byte[0][] : t.hashes());
      }
      n = r.size();
      root = r.root();
    }
    org.assertj.core.api.Assertions.assertThat(root).isEqualTo(new MemoryTree(leaves).root());
  }
}
