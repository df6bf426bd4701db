package io.lineageledger.ledger.note;

import io.lineageledger.ledger.note.NoteVerificationException.Reason;
import java.nio.charset.StandardCharsets;
import java.security.PublicKey;
import java.util.Arrays;
import java.util.Objects;

/**
 * Verifies c2sp.org/signed-note notes against one trusted Ed25519 key, given as a verifier key
 * string {@code <name>+<hex key ID>+<base64(0x01 || public key)>} (the golang.org/x/mod/sumdb/note
 * "vkey" form).
 *
 * <p>A note is accepted only if it is well formed and every signature line carrying this key's name
 * and ID verifies, and there is at least one. Signatures by other keys are ignored, as the spec
 * requires, but must still be well formed. Instances are immutable and thread-safe.
 */
public final class NoteVerifier {

  private final String keyName;
  private final int keyId;
  private final byte[] rawPublicKey;
  private final PublicKey publicKey;

  NoteVerifier(String keyName, byte[] rawPublicKey) {
    this.keyName = NoteSyntax.checkKeyName(keyName);
    this.rawPublicKey = rawPublicKey.clone();
    this.publicKey = Ed25519.publicKey(this.rawPublicKey);
    this.keyId = Ed25519.keyId(keyName, this.rawPublicKey);
  }

  /**
   * Parses a verifier key string, checking that its key ID matches its name and key.
   *
   * @throws IllegalArgumentException saying which part of the string is wrong
   */
  public static NoteVerifier fromVerifierKey(String vkey) {
    Objects.requireNonNull(vkey, "vkey");
    String[] parts = vkey.split("\\+", 3);
    if (parts.length != 3) {
      throw badKey(vkey, "expected <name>+<8 hex digit key ID>+<base64 key>");
    }
    String nameProblem = NoteSyntax.keyNameProblem(parts[0]);
    if (nameProblem != null) {
      throw badKey(vkey, nameProblem);
    }
    Integer keyId = NoteSyntax.parseKeyId(parts[1]);
    if (keyId == null) {
      throw badKey(vkey, "key ID '" + parts[1] + "' is not 8 hex digits");
    }
    byte[] key = NoteSyntax.decodeBase64(parts[2]);
    if (key == null || key.length == 0) {
      throw badKey(vkey, "key is not canonical standard base64");
    }
    if (key[0] != Ed25519.ALGORITHM) {
      throw badKey(
          vkey,
          String.format("signature type 0x%02x is not supported; only Ed25519 (0x01)", key[0]));
    }
    if (key.length != 1 + Ed25519.KEY_SIZE) {
      throw badKey(
          vkey,
          "Ed25519 public key is "
              + (key.length - 1)
              + " bytes; "
              + Ed25519.KEY_SIZE
              + " required");
    }
    byte[] raw = new byte[Ed25519.KEY_SIZE];
    System.arraycopy(key, 1, raw, 0, raw.length);
    NoteVerifier verifier;
    try {
      verifier = new NoteVerifier(parts[0], raw);
    } catch (IllegalArgumentException e) {
      throw badKey(vkey, e.getMessage());
    }
    if (verifier.keyId != keyId) {
      throw badKey(
          vkey,
          "key ID "
              + parts[1]
              + " does not match the name and key, which give "
              + NoteSyntax.formatKeyId(verifier.keyId));
    }
    return verifier;
  }

  public String keyName() {
    return keyName;
  }

  int keyId() {
    return keyId;
  }

  /** The verifier key string, with the key ID in lowercase hex. */
  public String vkey() {
    byte[] key = new byte[1 + rawPublicKey.length];
    key[0] = Ed25519.ALGORITHM;
    System.arraycopy(rawPublicKey, 0, key, 1, rawPublicKey.length);
    return keyName + "+" + NoteSyntax.formatKeyId(keyId) + "+" + NoteSyntax.encodeBase64(key);
  }

  /**
   * Verifies a signed note and returns its text (ending in a newline, without the blank line and
   * signatures).
   *
   * @throws NoteVerificationException with reason MALFORMED_NOTE, NO_SIGNATURE_FOR_KEY or
   *     BAD_SIGNATURE
   */
  public String verify(String signedNote) throws NoteVerificationException {
    Objects.requireNonNull(signedNote, "signedNote");
    SignedNote note = SignedNote.parse(signedNote);
    byte[] message = note.text().getBytes(StandardCharsets.UTF_8);
    boolean found = false;
    for (SignedNote.Line line : note.signatures()) {
      if (line.keyId() != keyId || !line.keyName().equals(keyName)) {
        continue;
      }
      found = true;
      if (!Ed25519.verify(publicKey, message, line.signature())) {
        throw new NoteVerificationException(
            Reason.BAD_SIGNATURE,
            "bad signature for key " + keyLabel() + " on signature line " + line.number());
      }
    }
    if (!found) {
      throw new NoteVerificationException(
          Reason.NO_SIGNATURE_FOR_KEY, "no signature for key " + keyLabel());
    }
    return note.text();
  }

  /**
   * Verifies a signed checkpoint and parses its text.
   *
   * @throws NoteVerificationException with reason MALFORMED_NOTE, NO_SIGNATURE_FOR_KEY,
   *     BAD_SIGNATURE or, if the verified text is not a checkpoint, MALFORMED_CHECKPOINT
   */
  public Checkpoint verifyCheckpoint(String signedNote) throws NoteVerificationException {
    String text = verify(signedNote);
    try {
      return Checkpoint.parse(text);
    } catch (IllegalArgumentException e) {
      throw new NoteVerificationException(Reason.MALFORMED_CHECKPOINT, e.getMessage(), e);
    }
  }

  private String keyLabel() {
    return keyName + "+" + NoteSyntax.formatKeyId(keyId);
  }

  private static IllegalArgumentException badKey(String vkey, String problem) {
    return new IllegalArgumentException("malformed verifier key '" + vkey + "': " + problem);
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof NoteVerifier other
        && keyName.equals(other.keyName)
        && Arrays.equals(rawPublicKey, other.rawPublicKey);
  }

  @Override
  public int hashCode() {
    return keyName.hashCode() * 31 + Arrays.hashCode(rawPublicKey);
  }

  @Override
  public String toString() {
    return "NoteVerifier[" + vkey() + "]";
  }
}
