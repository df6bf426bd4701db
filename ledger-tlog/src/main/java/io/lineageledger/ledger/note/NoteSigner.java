package io.lineageledger.ledger.note;

import java.nio.charset.StandardCharsets;
import java.security.KeyPair;
import java.security.PrivateKey;
import java.util.Arrays;
import java.util.Objects;

/**
 * Signs notes (c2sp.org/signed-note) with one Ed25519 private key under one key name, producing
 * output byte-identical to golang.org/x/mod/sumdb/note: Ed25519 is deterministic, so the same key
 * and text always give the same signed note.
 *
 * <p>This object holds a private key. Its {@link #toString()} shows only the public key name and
 * ID, and equality is identity, so logging or comparing a signer leaks nothing. The only way to get
 * the key out is {@link #encodeSignerKey()}, for writing it to protected storage. Instances are
 * immutable and thread-safe.
 */
public final class NoteSigner {

  private static final String SIGNER_KEY_FORMAT =
      "expected PRIVATE+KEY+<name>+<8 hex digit key ID>+<base64 key>";

  private final String keyName;
  private final PrivateKey privateKey;
  private final NoteVerifier verifier;

  private NoteSigner(String keyName, KeyPair pair) {
    this.keyName = keyName;
    this.privateKey = pair.getPrivate();
    this.verifier = new NoteVerifier(keyName, Ed25519.rawPublicKey(pair.getPublic()));
  }

  /**
   * A signer with a fresh key from the JDK's default SecureRandom.
   *
   * @throws IllegalArgumentException if {@code keyName} is empty or holds a space or '+'
   */
  public static NoteSigner generate(String keyName) {
    Objects.requireNonNull(keyName, "keyName");
    NoteSyntax.checkKeyName(keyName);
    return new NoteSigner(keyName, Ed25519.generate());
  }

  /**
   * Restores a signer from a signer key string {@code PRIVATE+KEY+<name>+<hex key ID>+<base64(0x01
   * || 32-byte seed)>}, as written by {@link #encodeSignerKey()} or by
   * golang.org/x/mod/sumdb/note.GenerateKey. The key ID must match the public key derived from the
   * seed.
   *
   * @throws IllegalArgumentException saying which part is wrong; the message never repeats the key
   */
  public static NoteSigner fromSignerKey(String signerKey) {
    Objects.requireNonNull(signerKey, "signerKey");
    String[] parts = signerKey.split("\\+", 5);
    if (parts.length != 5 || !parts[0].equals("PRIVATE") || !parts[1].equals("KEY")) {
      throw badKey(SIGNER_KEY_FORMAT);
    }
    String nameProblem = NoteSyntax.keyNameProblem(parts[2]);
    if (nameProblem != null) {
      throw badKey("key name is invalid (non-empty, no spaces, no '+' allowed)");
    }
    Integer keyId = NoteSyntax.parseKeyId(parts[3]);
    if (keyId == null) {
      throw badKey("key ID is not 8 hex digits");
    }
    byte[] key = NoteSyntax.decodeBase64(parts[4]);
    if (key == null || key.length == 0) {
      throw badKey("key is not canonical standard base64");
    }
    try {
      if (key[0] != Ed25519.ALGORITHM) {
        throw badKey(
            String.format("signature type 0x%02x is not supported; only Ed25519 (0x01)", key[0]));
      }
      if (key.length != 1 + Ed25519.KEY_SIZE) {
        throw badKey(
            "Ed25519 seed is " + (key.length - 1) + " bytes; " + Ed25519.KEY_SIZE + " required");
      }
      byte[] seed = Arrays.copyOfRange(key, 1, key.length);
      NoteSigner signer;
      try {
        signer = new NoteSigner(parts[2], Ed25519.fromSeed(seed));
      } finally {
        Arrays.fill(seed, (byte) 0);
      }
      if (signer.verifier.keyId() != keyId) {
        throw badKey("key ID does not match the key");
      }
      return signer;
    } finally {
      Arrays.fill(key, (byte) 0);
    }
  }

  /**
   * The signer key string for this key, in the golang.org/x/mod/sumdb/note format. It is the
   * private key: store it only where secrets belong (e.g. a file readable by its owner alone).
   */
  public String encodeSignerKey() {
    byte[] seed = Ed25519.seed(privateKey);
    byte[] key = new byte[1 + seed.length];
    try {
      key[0] = Ed25519.ALGORITHM;
      System.arraycopy(seed, 0, key, 1, seed.length);
      return "PRIVATE+KEY+"
          + keyName
          + "+"
          + NoteSyntax.formatKeyId(verifier.keyId())
          + "+"
          + NoteSyntax.encodeBase64(key);
    } finally {
      Arrays.fill(seed, (byte) 0);
      Arrays.fill(key, (byte) 0);
    }
  }

  public String keyName() {
    return keyName;
  }

  /** The public verifier key string that checks this signer's notes. */
  public String vkey() {
    return verifier.vkey();
  }

  /** A verifier for this signer's public key. */
  public NoteVerifier verifier() {
    return verifier;
  }

  /**
   * Signs a note text and returns the signed note: the text, a blank line and one signature line.
   *
   * @param text non-empty, ending in a newline, without control characters other than newline
   * @throws IllegalArgumentException if the text cannot be a note text
   */
  public String sign(String text) {
    Objects.requireNonNull(text, "text");
    if (!text.endsWith("\n")) {
      throw new IllegalArgumentException("note text must end with a newline");
    }
    String forbidden = NoteSyntax.forbiddenCharacter(text);
    if (forbidden != null) {
      throw new IllegalArgumentException(
          "note text holds a " + forbidden + "; only newline is allowed below U+0020");
    }
    byte[] signature = Ed25519.sign(privateKey, text.getBytes(StandardCharsets.UTF_8));
    return text + "\n" + SignedNote.signatureLine(keyName, verifier.keyId(), signature);
  }

  /** Signs a checkpoint's {@link Checkpoint#body() body}. */
  public String sign(Checkpoint checkpoint) {
    return sign(checkpoint.body());
  }

  private static IllegalArgumentException badKey(String problem) {
    return new IllegalArgumentException("malformed signer key: " + problem);
  }

  @Override
  public String toString() {
    return "NoteSigner[" + keyName + "+" + NoteSyntax.formatKeyId(verifier.keyId()) + "]";
  }
}
