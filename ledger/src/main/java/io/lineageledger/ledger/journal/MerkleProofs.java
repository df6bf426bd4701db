package io.lineageledger.ledger.journal;

import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.List;

/**
 * RFC 9162 proof verification: §2.1.3.2 (inclusion) and §2.1.4.2 (consistency). JDK only, no I/O,
 * so the offline verifier and a chaincode can run exactly this code. Each failure says which check
 * failed.
 */
public final class MerkleProofs {
  private MerkleProofs() {}

  /** A proof did not verify; the message names the check. */
  public static final class ProofException extends Exception {
    private static final long serialVersionUID = 1L;

    ProofException(String message) {
      super(message);
    }
  }

  /** RFC 9162 leaf hash of {@code data}. */
  public static byte[] leafHash(byte[] data) {
    return TreeHashing.leaf(data);
  }

  /**
   * Verifies that {@code leafHash} is leaf {@code index} of the tree of {@code size} with {@code
   * root}.
   */
  public static void verifyInclusion(
      long index, long size, byte[] leafHash, List<byte[]> proof, byte[] root)
      throws ProofException {
    if (index < 0 || index >= size) {
      throw new ProofException("leaf index " + index + " is outside a tree of size " + size);
    }
    checkHashes(proof);
    long fn = index;
    long sn = size - 1;
    byte[] r = leafHash;
    for (byte[] p : proof) {
      if (sn == 0) {
        throw new ProofException(
            "inclusion proof has "
                + proof.size()
                + " hashes, more than a leaf at index "
                + index
                + " of size "
                + size
                + " needs");
      }
      if ((fn & 1) == 1 || fn == sn) {
        r = TreeHashing.node(p, r);
        while ((fn & 1) == 0 && fn != 0) {
          fn >>= 1;
          sn >>= 1;
        }
      } else {
        r = TreeHashing.node(r, p);
      }
      fn >>= 1;
      sn >>= 1;
    }
    if (sn != 0) {
      throw new ProofException(
          "inclusion proof has "
              + proof.size()
              + " hashes, fewer than a leaf at index "
              + index
              + " of size "
              + size
              + " needs");
    }
    if (!MessageDigest.isEqual(r, root)) {
      throw new ProofException(
          "inclusion proof leads to root "
              + hex(r)
              + ", not the expected "
              + hex(root)
              + " of size "
              + size);
    }
  }

  /**
   * Verifies that the tree of {@code size2} and {@code root2} extends the one of {@code size1} and
   * {@code root1}.
   */
  public static void verifyConsistency(
      long size1, long size2, byte[] root1, byte[] root2, List<byte[]> proof)
      throws ProofException {
    if (size1 < 0 || size2 < size1) {
      throw new ProofException("a tree of size " + size2 + " cannot extend one of size " + size1);
    }
    checkHashes(proof);
    if (size1 == size2) {
      if (!proof.isEmpty()) {
        throw new ProofException(
            "consistency proof between equal sizes must be empty, has " + proof.size() + " hashes");
      }
      if (!MessageDigest.isEqual(root1, root2)) {
        throw new ProofException(
            "two trees of size "
                + size1
                + " have different roots "
                + hex(root1)
                + " and "
                + hex(root2));
      }
      return;
    }
    if (size1 == 0) {
      if (!proof.isEmpty()) {
        throw new ProofException("consistency proof from the empty tree must be empty");
      }
      return;
    }
    if (proof.isEmpty()) {
      throw new ProofException(
          "consistency proof from size " + size1 + " to " + size2 + " is empty");
    }
    List<byte[]> path = proof;
    if (Long.bitCount(size1) == 1) {
      path = new java.util.ArrayList<>(proof.size() + 1);
      path.add(root1);
      path.addAll(proof);
    }
    long fn = size1 - 1;
    long sn = size2 - 1;
    while ((fn & 1) == 1) {
      fn >>= 1;
      sn >>= 1;
    }
    byte[] fr = path.get(0);
    byte[] sr = path.get(0);
    for (byte[] c : path.subList(1, path.size())) {
      if (sn == 0) {
        throw new ProofException(
            "consistency proof from " + size1 + " to " + size2 + " has too many hashes");
      }
      if ((fn & 1) == 1 || fn == sn) {
        fr = TreeHashing.node(c, fr);
        sr = TreeHashing.node(c, sr);
        while ((fn & 1) == 0 && fn != 0) {
          fn >>= 1;
          sn >>= 1;
        }
      } else {
        sr = TreeHashing.node(sr, c);
      }
      fn >>= 1;
      sn >>= 1;
    }
    if (sn != 0) {
      throw new ProofException(
          "consistency proof from " + size1 + " to " + size2 + " has too few hashes");
    }
    if (!MessageDigest.isEqual(fr, root1)) {
      throw new ProofException(
          "consistency proof rebuilds root "
              + hex(fr)
              + " for size "
              + size1
              + ", not the expected "
              + hex(root1));
    }
    if (!MessageDigest.isEqual(sr, root2)) {
      throw new ProofException(
          "consistency proof rebuilds root "
              + hex(sr)
              + " for size "
              + size2
              + ", not the expected "
              + hex(root2));
    }
  }

  private static void checkHashes(List<byte[]> proof) throws ProofException {
    for (int i = 0; i < proof.size(); i++) {
      if (proof.get(i) == null || proof.get(i).length != TreeHashing.HASH) {
        throw new ProofException("proof hash " + i + " is not 32 bytes");
      }
    }
  }

  static String hex(byte[] b) {
    return HexFormat.of().formatHex(b);
  }

  /** Lower-case hex, for messages. */
  public static String hexOf(byte[] b) {
    return hex(b);
  }
}
