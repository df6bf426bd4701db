package io.lineageledger.ledger.merkle;

import java.security.DigestException;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.List;

/**
 * RFC 9162 §2.1 Merkle Tree Hash with SHA-256.
 *
 * <p>Promises: {@link #leafHash} is SHA-256(0x00 ‖ data), {@link #nodeHash} is SHA-256(0x01 ‖ left
 * ‖ right), {@link #emptyRoot} is SHA-256(""), and {@link #root} is MTH over a list of leaf hashes.
 * Every method is thread-safe and returns a fresh 32-byte array the caller may keep.
 */
public final class Hashes {
  /** Length in bytes of every hash in the log. */
  public static final int SIZE = 32;

  private static final byte LEAF_PREFIX = 0x00;
  private static final byte NODE_PREFIX = 0x01;

  // MessageDigest.getInstance costs more than hashing a 65-byte node, and the sequencer hashes
  // about 100k leaves a second, so each thread keeps one digest and resets it by digesting.
  private static final ThreadLocal<MessageDigest> SHA256 = ThreadLocal.withInitial(Hashes::sha256);

  private static final byte[] EMPTY_ROOT = sha256().digest();

  private Hashes() {}

  /** SHA-256(0x00 ‖ data): the hash of one log entry. */
  public static byte[] leafHash(byte[] data) {
    MessageDigest digest = SHA256.get();
    digest.update(LEAF_PREFIX);
    return digest.digest(data);
  }

  /** SHA-256(0x01 ‖ left ‖ right): the hash of an interior node; both children are 32 bytes. */
  public static byte[] nodeHash(byte[] left, byte[] right) {
    requireHash("left", left);
    requireHash("right", right);
    MessageDigest digest = SHA256.get();
    digest.update(NODE_PREFIX);
    digest.update(left);
    return digest.digest(right);
  }

  /** SHA-256 of the empty string, the root of a tree with no entries. */
  public static byte[] emptyRoot() {
    return EMPTY_ROOT.clone();
  }

  /**
   * MTH(D[0:n]) for the given leaf hashes, splitting at the largest power of two smaller than n as
   * RFC 9162 §2.1.1 defines; the empty list yields {@link #emptyRoot}.
   */
  public static byte[] root(List<byte[]> leafHashes) {
    if (leafHashes.isEmpty()) {
      return emptyRoot();
    }
    for (int i = 0; i < leafHashes.size(); i++) {
      requireHash("leafHashes[" + i + "]", leafHashes.get(i));
    }
    byte[] root = subtreeRoot(leafHashes, 0, leafHashes.size());
    return root == leafHashes.get(0) ? root.clone() : root;
  }

  private static byte[] subtreeRoot(List<byte[]> leafHashes, int from, int count) {
    if (count == 1) {
      return leafHashes.get(from);
    }
    int split = Integer.highestOneBit(count - 1);
    return nodeHash(
        subtreeRoot(leafHashes, from, split), subtreeRoot(leafHashes, from + split, count - split));
  }

  /**
   * Writes SHA-256(0x01 ‖ a[aOff, aOff+32) ‖ b[bOff, bOff+32)) into {@code out[outOff, outOff+32)},
   * so tile arithmetic can fold hashes held in one flat tile buffer without copying them out.
   */
  static void nodeHashInto(byte[] a, int aOff, byte[] b, int bOff, byte[] out, int outOff) {
    MessageDigest digest = SHA256.get();
    digest.update(NODE_PREFIX);
    digest.update(a, aOff, SIZE);
    digest.update(b, bOff, SIZE);
    try {
      digest.digest(out, outOff, SIZE);
    } catch (DigestException e) {
      throw new IllegalStateException("SHA-256 refused a 32-byte output buffer", e);
    }
  }

  static void requireHash(String what, byte[] hash) {
    if (hash == null) {
      throw new IllegalArgumentException(what + " is null; expected a " + SIZE + "-byte hash");
    }
    if (hash.length != SIZE) {
      throw new IllegalArgumentException(
          what + " is " + hash.length + " bytes; expected exactly " + SIZE);
    }
  }

  private static MessageDigest sha256() {
    try {
      return MessageDigest.getInstance("SHA-256");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("every Java platform must provide SHA-256", e);
    }
  }
}
