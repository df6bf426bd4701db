package io.lineageledger.ledger.merkle;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;

/**
 * Proofs built through {@link ProofNodes} and a {@link HashReader} equal RFC 9162 PATH and PROOF,
 * verify, and stop verifying under any single corruption. Indices and sizes are sampled per try
 * (from a jqwik-chosen seed, so failures replay) to keep the run short.
 */
class ProofProperties {
  private static final int SAMPLES = 6;

  @Property(tries = 150)
  void inclusion_builtFromStore_equalsRfcPathAndVerifies(
      @ForAll @IntRange(min = 1, max = 3000) int size, @ForAll long seed) throws Exception {
    ReferenceTree tree = ReferenceTree.random(size, seed);
    byte[] root = tree.root(size);
    for (int index : sampleIndices(size, new Random(seed))) {
      List<byte[]> proof = ProofNodes.inclusion(index, size).build(tree);
      assertThat(proof).as("index %d", index).containsExactlyElementsOf(tree.path(index, size));
      ProofVerifier.verifyInclusion(index, size, tree.leaves().get(index), proof, root);
    }
  }

  @Property(tries = 100)
  void inclusion_builtFromTiles_verifies(
      @ForAll @IntRange(min = 1, max = 3000) int size, @ForAll long seed) throws Exception {
    ReferenceTree tree = ReferenceTree.random(size, seed);
    Map<TileId, byte[]> tiles = tree.tiles(size);
    HashReader overTiles =
        ids -> {
          List<TileId> needed = Tiles.tilesFor(ids, size);
          assertThat(tiles.keySet()).containsAll(needed);
          return Tiles.nodeHashes(ids, size, tiles);
        };
    for (int index : sampleIndices(size, new Random(seed))) {
      List<byte[]> proof = ProofNodes.inclusion(index, size).build(overTiles);
      ProofVerifier.verifyInclusion(index, size, tree.leaves().get(index), proof, tree.root(size));
    }
  }

  @Property(tries = 150)
  void inclusion_anySingleBitFlip_fails(
      @ForAll @IntRange(min = 1, max = 3000) int size, @ForAll long seed) {
    ReferenceTree tree = ReferenceTree.random(size, seed);
    Random random = new Random(seed);
    int index = random.nextInt(size);
    List<byte[]> proof = ProofNodes.inclusion(index, size).build(tree);
    byte[] leaf = tree.leaves().get(index);
    byte[] root = tree.root(size);
    for (int target = -1; target <= proof.size(); target++) {
      Mutations.Flip flip =
          Mutations.atBit(target, random.nextInt(Hashes.SIZE * 8), leaf, proof, root);
      assertThat(
              ProofVerifier.isValidInclusion(
                  index, size, flip.first(), flip.proof(), flip.second()))
          .as("index %d size %d, %s", index, size, flip)
          .isFalse();
    }
  }

  @Property(tries = 150)
  void inclusion_otherIndexOrSize_failsUnlessPathShapeIsIdentical(
      @ForAll @IntRange(min = 1, max = 3000) int size, @ForAll long seed) {
    ReferenceTree tree = ReferenceTree.random(size, seed);
    Random random = new Random(seed);
    int index = random.nextInt(size);
    List<byte[]> proof = ProofNodes.inclusion(index, size).build(tree);
    byte[] leaf = tree.leaves().get(index);
    byte[] root = tree.root(size);
    for (int other : sampleIndices(size, random)) {
      if (other != index) {
        assertThat(ProofVerifier.isValidInclusion(other, size, leaf, proof, root))
            .as("proof for index %d checked as index %d in size %d", index, other, size)
            .isFalse();
      }
    }
    // The proof commits to the size only through the path shape; a size with another shape must
    // fail, one with the same shape recomputes the same root by construction.
    for (long other : new long[] {size - 1L, size + 1L, size * 2L, size / 2L, size + 7L}) {
      if (other > index && other != size) {
        boolean sameShape = inclusionShape(index, other).equals(inclusionShape(index, size));
        assertThat(ProofVerifier.isValidInclusion(index, other, leaf, proof, root))
            .as("proof for index %d in size %d checked as size %d", index, size, other)
            .isEqualTo(sameShape);
      }
    }
  }

  @Property(tries = 150)
  void consistency_builtFromStore_equalsRfcProofAndVerifies(
      @ForAll @IntRange(min = 1, max = 3000) int size2, @ForAll long seed) throws Exception {
    ReferenceTree tree = ReferenceTree.random(size2, seed);
    byte[] root2 = tree.root(size2);
    for (int size1 : sampleSizes(size2, new Random(seed))) {
      List<byte[]> proof = ProofNodes.consistency(size1, size2).build(tree);
      assertThat(proof).as("from %d", size1).containsExactlyElementsOf(tree.proof(size1, size2));
      ProofVerifier.verifyConsistency(size1, size2, tree.root(size1), root2, proof);
    }
  }

  @Property(tries = 150)
  void consistency_anySingleBitFlip_fails(
      @ForAll @IntRange(min = 2, max = 3000) int size2, @ForAll long seed) {
    ReferenceTree tree = ReferenceTree.random(size2, seed);
    Random random = new Random(seed);
    int size1 = 1 + random.nextInt(size2 - 1);
    List<byte[]> proof = ProofNodes.consistency(size1, size2).build(tree);
    byte[] root1 = tree.root(size1);
    byte[] root2 = tree.root(size2);
    for (int target = -1; target <= proof.size(); target++) {
      Mutations.Flip flip =
          Mutations.atBit(target, random.nextInt(Hashes.SIZE * 8), root1, proof, root2);
      assertThat(
              ProofVerifier.isValidConsistency(
                  size1, size2, flip.first(), flip.second(), flip.proof()))
          .as("%d to %d, %s", size1, size2, flip)
          .isFalse();
    }
  }

  @Property(tries = 150)
  void consistency_otherSizes_failUnlessPathShapeIsIdentical(
      @ForAll @IntRange(min = 2, max = 3000) int size2, @ForAll long seed) {
    ReferenceTree tree = ReferenceTree.random(size2, seed);
    Random random = new Random(seed);
    int size1 = 1 + random.nextInt(size2 - 1);
    List<byte[]> proof = ProofNodes.consistency(size1, size2).build(tree);
    byte[] root1 = tree.root(size1);
    byte[] root2 = tree.root(size2);
    String shape = consistencyShape(size1, size2);
    for (long other : new long[] {size1 - 1L, size1 + 1L, size1 ^ 2L, size1 * 2L}) {
      if (other > 0 && other < size2 && other != size1) {
        assertThat(ProofVerifier.isValidConsistency(other, size2, root1, root2, proof))
            .as("%d to %d checked from %d", size1, size2, other)
            .isEqualTo(consistencyShape(other, size2).equals(shape));
      }
    }
    for (long other : new long[] {size2 - 1L, size2 + 1L, size2 * 2L}) {
      if (other > size1 && other != size2) {
        assertThat(ProofVerifier.isValidConsistency(size1, other, root1, root2, proof))
            .as("%d to %d checked to %d", size1, size2, other)
            .isEqualTo(consistencyShape(size1, other).equals(shape));
      }
    }
    assertThat(ProofVerifier.isValidConsistency(size1, size2, root2, root1, proof))
        .as("swapped roots")
        .isFalse();
  }

  /** 0, the last index, and a few random indices of a tree of {@code size}. */
  private static Set<Integer> sampleIndices(int size, Random random) {
    Set<Integer> out = new LinkedHashSet<>(List.of(0, size - 1));
    for (int i = 0; i < SAMPLES; i++) {
      out.add(random.nextInt(size));
    }
    return out;
  }

  /** Old sizes to prove from: the trivial ones, the neighbours of size2, and random ones. */
  private static Set<Integer> sampleSizes(int size2, Random random) {
    Set<Integer> out = new LinkedHashSet<>(List.of(0, 1, size2, size2 - 1));
    out.add(Integer.highestOneBit(size2));
    for (int i = 0; i < SAMPLES; i++) {
      out.add(1 + random.nextInt(size2));
    }
    return out;
  }

  /**
   * Which side each proof element is hashed on when walking from {@code index} to the root of a
   * tree of {@code size}: 'L' when the element is the left operand, 'R' when it is the right.
   */
  private static String inclusionShape(long index, long size) {
    StringBuilder shape = new StringBuilder();
    for (int level = 0, count = 0; count < ProofVerifier.inclusionLength(index, size); level++) {
      long node = index >>> level;
      long last = (size - 1) >>> level;
      if (node == last && (node & 1) == 0) {
        continue; // No right sibling at this level on the right edge: the path skips it.
      }
      shape.append((node & 1) == 1 ? 'L' : 'R');
      count++;
    }
    return shape.toString();
  }

  /**
   * How each consistency proof element is used: whether the old root is the seed, then per element
   * 'B' (hashed into both roots from the left) or 'S' (hashed into the new root from the right).
   */
  private static String consistencyShape(long size1, long size2) {
    int shift = Long.numberOfTrailingZeros(size1);
    String seed = size1 == 1L << shift ? "root1:" : "proof0:";
    String path = inclusionShape((size1 - 1) >>> shift, ((size2 - 1) >>> shift) + 1);
    return seed + path.replace('L', 'B').replace('R', 'S');
  }
}
