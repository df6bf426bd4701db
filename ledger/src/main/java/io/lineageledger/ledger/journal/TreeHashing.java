package io.lineageledger.ledger.journal;

import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;

/** RFC 6962 / RFC 9162 §2.1 hashing: leaf = H(0x00‖data), node = H(0x01‖left‖right). */
final class TreeHashing {
  static final int HASH = 32;
  private static final ThreadLocal<MessageDigest> SHA256 =
      ThreadLocal.withInitial(
          () -> {
            try {
              return MessageDigest.getInstance("SHA-256");
            } catch (NoSuchAlgorithmException e) {
              throw new IllegalStateException("SHA-256 is required of every JVM", e);
            }
          });

  private TreeHashing() {}

  static byte[] leaf(byte[] data) {
    MessageDigest d = SHA256.get();
    d.update((byte) 0);
    return d.digest(data);
  }

  static byte[] node(byte[] left, byte[] right) {
    MessageDigest d = SHA256.get();
    d.update((byte) 1);
    d.update(left);
    return d.digest(right);
  }

  static byte[] empty() {
    return SHA256.get().digest(new byte[0]);
  }

  /** Root of a perfect subtree whose 2^k bottom hashes are {@code hashes[from, from + 2^k)}. */
  static byte[] perfectRoot(byte[][] hashes, int from, int count) {
    if (count == 1) {
      return hashes[from];
    }
    byte[][] level = new byte[count / 2][];
    for (int i = 0; i < level.length; i++) {
      level[i] = node(hashes[from + 2 * i], hashes[from + 2 * i + 1]);
    }
    return perfectRoot(level, 0, level.length);
  }
}
