package io.lineageledger.ledger.merkle;

import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.List;

/**
 * Verifies RFC 9162 inclusion (§2.1.3.2) and consistency (§2.1.4.2) proofs.
 *
 * <p>Uses nothing but the JDK so the offline verifier and the Fabric chaincode can embed it.
 * Promises: a proof is accepted only if every element is 32 bytes, its length is exactly what the
 * index and sizes require, and the recomputed root(s) equal the supplied ones; otherwise a {@link
 * ProofVerificationException} names the failed {@link ProofVerificationException.Check} and the
 * values involved. Inputs are never modified.
 */
public final class ProofVerifier {
  private static final HexFormat HEX = HexFormat.of();

  private ProofVerifier() {}

  /**
   * Checks that {@code leafHash} is the leaf at {@code index} of the tree of {@code size} leaves
   * whose root is {@code root}.
   */
  public static void verifyInclusion(
      long index, long size, byte[] leafHash, List<byte[]> proof, byte[] root)
      throws ProofVerificationException {
    requireHash("root", root);
    byte[] computed = rootFromInclusion(index, size, leafHash, proof);
    if (!MessageDigest.isEqual(computed, root)) {
      throw new ProofVerificationException(
          ProofVerificationException.Check.ROOT_MISMATCH,
          "computed root "
              + HEX.formatHex(computed)
              + " does not match expected "
              + HEX.formatHex(root)
              + " for index "
              + index
              + " in size "
              + size);
    }
  }

  /** {@link #verifyInclusion} as a predicate, for callers that only need a yes or no. */
  public static boolean isValidInclusion(
      long index, long size, byte[] leafHash, List<byte[]> proof, byte[] root) {
    try {
      verifyInclusion(index, size, leafHash, proof, root);
      return true;
    } catch (ProofVerificationException e) {
      return false;
    }
  }

  /**
   * The root of the tree of {@code size} leaves implied by the inclusion proof, following RFC 9162
   * §2.1.3.2 steps 1-4; the caller compares it with a trusted root.
   */
  public static byte[] rootFromInclusion(long index, long size, byte[] leafHash, List<byte[]> proof)
      throws ProofVerificationException {
    if (index < 0 || size <= 0 || index >= size) {
      throw new ProofVerificationException(
          ProofVerificationException.Check.INDEX_OUT_OF_RANGE,
          "index " + index + " outside [0, " + size + ") for size " + size);
    }
    requireHash("leaf hash", leafHash);
    requireProofHashes(proof);
    int expected = inclusionLength(index, size);
    if (proof.size() != expected) {
      throw new ProofVerificationException(
          ProofVerificationException.Check.PROOF_LENGTH,
          "proof length "
              + proof.size()
              + " but expected "
              + expected
              + " for index "
              + index
              + " in size "
              + size);
    }
    long fn = index;
    long sn = size - 1;
    byte[] r = leafHash;
    for (byte[] p : proof) {
      // The length check above guarantees sn > 0 here (RFC step 4a cannot fire).
      if ((fn & 1) == 1 || fn == sn) {
        r = Hashes.nodeHash(p, r);
        // On the right edge a node may have no right sibling for several levels; skip them.
        while ((fn & 1) == 0 && fn != 0) {
          fn >>>= 1;
          sn >>>= 1;
        }
      } else {
        r = Hashes.nodeHash(r, p);
      }
      fn >>>= 1;
      sn >>>= 1;
    }
    requirePathConsumed(sn, "index " + index + " in size " + size);
    return r == leafHash ? leafHash.clone() : r;
  }

  /**
   * Checks that the tree of {@code size2} leaves with root {@code root2} extends the tree of {@code
   * size1} leaves with root {@code root1}. Equal sizes need equal roots and an empty proof; size1 =
   * 0 needs {@code root1} to be the empty-tree hash and an empty proof.
   */
  public static void verifyConsistency(
      long size1, long size2, byte[] root1, byte[] root2, List<byte[]> proof)
      throws ProofVerificationException {
    if (size1 < 0 || size2 < 0) {
      throw new ProofVerificationException(
          ProofVerificationException.Check.INDEX_OUT_OF_RANGE,
          "tree sizes must be non-negative, got size1 " + size1 + " and size2 " + size2);
    }
    if (size2 < size1) {
      throw new ProofVerificationException(
          ProofVerificationException.Check.SIZE_ORDER,
          "size2 " + size2 + " is smaller than size1 " + size1 + "; a log cannot shrink");
    }
    requireHash("root1", root1);
    requireHash("root2", root2);
    requireProofHashes(proof);
    int expected = consistencyLength(size1, size2);
    if (proof.size() != expected) {
      throw new ProofVerificationException(
          ProofVerificationException.Check.PROOF_LENGTH,
          "proof length "
              + proof.size()
              + " but expected "
              + expected
              + " from size "
              + size1
              + " to size "
              + size2);
    }
    if (size1 == 0) {
      // Every tree extends the empty one, but only if root1 really is the empty tree's root.
      requireRootMatch(
          ProofVerificationException.Check.FIRST_ROOT_MISMATCH,
          "empty-tree root",
          Hashes.emptyRoot(),
          root1,
          size1);
      return;
    }
    if (size1 == size2) {
      requireRootMatch(
          ProofVerificationException.Check.ROOT_MISMATCH, "root1", root1, root2, size2);
      return;
    }
    // RFC 9162 §2.1.4.2 steps 2-7.
    boolean powerOfTwo = (size1 & (size1 - 1)) == 0;
    int start = powerOfTwo ? 0 : 1;
    byte[] seed = powerOfTwo ? root1 : proof.get(0);
    long fn = size1 - 1;
    long sn = size2 - 1;
    while ((fn & 1) == 1) {
      fn >>>= 1;
      sn >>>= 1;
    }
    byte[] fr = seed;
    byte[] sr = seed;
    for (int i = start; i < proof.size(); i++) {
      byte[] c = proof.get(i);
      if (sn == 0) {
        // Unreachable after the length check; kept because the RFC makes it a failure condition.
        throw new ProofVerificationException(
            ProofVerificationException.Check.PROOF_LENGTH,
            "proof element " + i + " is beyond the path from size " + size1 + " to " + size2);
      }
      if ((fn & 1) == 1 || fn == sn) {
        fr = Hashes.nodeHash(c, fr);
        sr = Hashes.nodeHash(c, sr);
        while ((fn & 1) == 0 && fn != 0) {
          fn >>>= 1;
          sn >>>= 1;
        }
      } else {
        sr = Hashes.nodeHash(sr, c);
      }
      fn >>>= 1;
      sn >>>= 1;
    }
    requirePathConsumed(sn, "size " + size1 + " to size " + size2);
    requireRootMatch(
        ProofVerificationException.Check.FIRST_ROOT_MISMATCH, "computed root1", fr, root1, size1);
    requireRootMatch(
        ProofVerificationException.Check.ROOT_MISMATCH, "computed root2", sr, root2, size2);
  }

  /** {@link #verifyConsistency} as a predicate, for callers that only need a yes or no. */
  public static boolean isValidConsistency(
      long size1, long size2, byte[] root1, byte[] root2, List<byte[]> proof) {
    try {
      verifyConsistency(size1, size2, root1, root2, proof);
      return true;
    } catch (ProofVerificationException e) {
      return false;
    }
  }

  /**
   * Length of the inclusion proof for {@code index} in {@code size}: one sibling per level below
   * the point where the paths to {@code index} and {@code size - 1} meet, plus one left subtree per
   * set bit of what remains of the index above it.
   */
  static int inclusionLength(long index, long size) {
    int inner = 64 - Long.numberOfLeadingZeros(index ^ (size - 1));
    return inner + Long.bitCount(index >>> inner);
  }

  /** Length of the consistency proof from {@code size1} to {@code size2}. */
  static int consistencyLength(long size1, long size2) {
    if (size1 == 0 || size1 == size2) {
      return 0;
    }
    int shift = Long.numberOfTrailingZeros(size1);
    int seed = size1 == 1L << shift ? 0 : 1;
    return seed + inclusionLength(size1 - 1, size2) - shift;
  }

  private static void requireRootMatch(
      ProofVerificationException.Check check,
      String what,
      byte[] computed,
      byte[] expected,
      long size)
      throws ProofVerificationException {
    if (!MessageDigest.isEqual(computed, expected)) {
      throw new ProofVerificationException(
          check,
          what
              + " "
              + HEX.formatHex(computed)
              + " does not match expected "
              + HEX.formatHex(expected)
              + " for size "
              + size);
    }
  }

  // RFC 9162 accepts a proof only if it reaches the root exactly (sn == 0); the length check makes
  // this hold already, so a failure here means the length formula and the walk disagree.
  private static void requirePathConsumed(long sn, String context)
      throws ProofVerificationException {
    if (sn != 0) {
      throw new ProofVerificationException(
          ProofVerificationException.Check.PROOF_LENGTH,
          "proof ends below the root (sn " + sn + ") for " + context);
    }
  }

  private static void requireProofHashes(List<byte[]> proof) throws ProofVerificationException {
    if (proof == null) {
      throw new ProofVerificationException(
          ProofVerificationException.Check.PROOF_LENGTH, "proof is null");
    }
    for (int i = 0; i < proof.size(); i++) {
      requireHash("proof element " + i, proof.get(i));
    }
  }

  private static void requireHash(String what, byte[] hash) throws ProofVerificationException {
    if (hash == null || hash.length != Hashes.SIZE) {
      throw new ProofVerificationException(
          ProofVerificationException.Check.HASH_LENGTH,
          what
              + " is "
              + (hash == null ? "null" : hash.length + " bytes")
              + "; expected exactly "
              + Hashes.SIZE
              + " bytes");
    }
  }
}
