package io.lineageledger.ledger.note;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.InvalidKeyException;
import java.security.KeyFactory;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.SecureRandom;
import java.security.Signature;
import java.security.SignatureException;
import java.security.interfaces.EdECPrivateKey;
import java.security.spec.InvalidKeySpecException;
import java.security.spec.NamedParameterSpec;
import java.security.spec.X509EncodedKeySpec;
import java.util.Arrays;
import java.util.HexFormat;

/**
 * Ed25519 on the JDK's own provider, with keys in the raw RFC 8032 forms signed notes use: a
 * 32-byte private seed and a 32-byte public key.
 */
final class Ed25519 {

  /** The signed-note signature type byte for Ed25519. */
  static final byte ALGORITHM = 0x01;

  static final int KEY_SIZE = 32;
  static final int SIGNATURE_SIZE = 64;

  // RFC 8410 SubjectPublicKeyInfo for Ed25519: SEQUENCE { SEQUENCE { OID 1.3.101.112 },
  // BIT STRING of 33 bytes with 0 unused bits }, followed by the raw key. The encoding is fixed,
  // so the raw key is exactly what follows this prefix.
  private static final byte[] X509_PREFIX = HexFormat.of().parseHex("302a300506032b6570032100");

  private Ed25519() {}

  static KeyPair generate() {
    try {
      return KeyPairGenerator.getInstance("Ed25519").generateKeyPair();
    } catch (NoSuchAlgorithmException e) {
      throw missingEd25519(e);
    }
  }

  /**
   * The key pair for an RFC 8032 private seed.
   *
   * <p>The JDK has no public API that derives an Ed25519 public key from a private one, but its key
   * pair generator draws exactly the 32-byte seed from the SecureRandom it is given and derives the
   * public key from it. Replaying the seed through that generator therefore yields the pair; the
   * check that the resulting private key holds our seed turns any change in that behaviour into a
   * loud failure instead of a wrong key.
   */
  static KeyPair fromSeed(byte[] seed) {
    if (seed.length != KEY_SIZE) {
      throw new IllegalArgumentException(
          "Ed25519 seed is " + seed.length + " bytes; " + KEY_SIZE + " are required");
    }
    KeyPair pair;
    try {
      KeyPairGenerator generator = KeyPairGenerator.getInstance("Ed25519");
      generator.initialize(NamedParameterSpec.ED25519, new SeedReplay(seed));
      pair = generator.generateKeyPair();
    } catch (NoSuchAlgorithmException e) {
      throw missingEd25519(e);
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("JDK rejected the Ed25519 parameters", e);
    }
    byte[] derivedSeed = seed(pair.getPrivate());
    boolean same = MessageDigest.isEqual(derivedSeed, seed);
    Arrays.fill(derivedSeed, (byte) 0);
    if (!same) {
      throw new IllegalStateException(
          "JDK Ed25519 key pair generator did not use the supplied seed; cannot derive the public"
              + " key");
    }
    return pair;
  }

  /** The 32-byte seed of a JDK Ed25519 private key; the caller should wipe it after use. */
  static byte[] seed(PrivateKey key) {
    if (!(key instanceof EdECPrivateKey edKey)) {
      throw new IllegalArgumentException("not an EdDSA private key: " + key.getAlgorithm());
    }
    byte[] seed =
        edKey
            .getBytes()
            .orElseThrow(
                () -> new IllegalArgumentException("Ed25519 private key is not extractable"));
    if (seed.length != KEY_SIZE) {
      throw new IllegalArgumentException("private key is not an Ed25519 key");
    }
    return seed;
  }

  static byte[] rawPublicKey(PublicKey key) {
    byte[] encoded = key.getEncoded();
    if (encoded == null
        || encoded.length != X509_PREFIX.length + KEY_SIZE
        || !Arrays.equals(encoded, 0, X509_PREFIX.length, X509_PREFIX, 0, X509_PREFIX.length)) {
      throw new IllegalArgumentException("public key is not an X.509-encoded Ed25519 key");
    }
    return Arrays.copyOfRange(encoded, X509_PREFIX.length, encoded.length);
  }

  static PublicKey publicKey(byte[] raw) {
    if (raw.length != KEY_SIZE) {
      throw new IllegalArgumentException(
          "Ed25519 public key is " + raw.length + " bytes; " + KEY_SIZE + " are required");
    }
    byte[] encoded = Arrays.copyOf(X509_PREFIX, X509_PREFIX.length + KEY_SIZE);
    System.arraycopy(raw, 0, encoded, X509_PREFIX.length, KEY_SIZE);
    try {
      return KeyFactory.getInstance("Ed25519").generatePublic(new X509EncodedKeySpec(encoded));
    } catch (NoSuchAlgorithmException e) {
      throw missingEd25519(e);
    } catch (InvalidKeySpecException e) {
      throw new IllegalArgumentException("not a valid Ed25519 public key: " + e.getMessage(), e);
    }
  }

  static byte[] sign(PrivateKey key, byte[] message) {
    try {
      Signature signature = Signature.getInstance("Ed25519");
      signature.initSign(key);
      signature.update(message);
      return signature.sign();
    } catch (NoSuchAlgorithmException e) {
      throw missingEd25519(e);
    } catch (InvalidKeyException | SignatureException e) {
      throw new IllegalStateException("Ed25519 signing failed", e);
    }
  }

  /**
   * Whether {@code signature} is a valid signature of {@code message}; never throws for bad input.
   */
  static boolean verify(PublicKey key, byte[] message, byte[] signature) {
    if (signature.length != SIGNATURE_SIZE) {
      return false;
    }
    try {
      Signature verifier = Signature.getInstance("Ed25519");
      verifier.initVerify(key);
      verifier.update(message);
      return verifier.verify(signature);
    } catch (NoSuchAlgorithmException e) {
      throw missingEd25519(e);
    } catch (InvalidKeyException | SignatureException e) {
      // A public key that is not a curve point, or a malformed signature, verifies nothing.
      return false;
    }
  }

  /** The c2sp.org/signed-note key ID: SHA-256(name || 0x0A || 0x01 || public key)[:4]. */
  static int keyId(String keyName, byte[] rawPublicKey) {
    try {
      MessageDigest sha256 = MessageDigest.getInstance("SHA-256");
      sha256.update(keyName.getBytes(StandardCharsets.UTF_8));
      sha256.update((byte) '\n');
      sha256.update(ALGORITHM);
      sha256.update(rawPublicKey);
      byte[] digest = sha256.digest();
      return ((digest[0] & 0xff) << 24)
          | ((digest[1] & 0xff) << 16)
          | ((digest[2] & 0xff) << 8)
          | (digest[3] & 0xff);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("JDK has no SHA-256", e);
    }
  }

  private static IllegalStateException missingEd25519(NoSuchAlgorithmException e) {
    return new IllegalStateException("this JDK has no Ed25519 provider (Java 15+ required)", e);
  }

  /** A SecureRandom that hands out one fixed seed once, then refuses. */
  private static final class SeedReplay extends SecureRandom {
    private byte[] seed;

    SeedReplay(byte[] seed) {
      this.seed = seed.clone();
    }

    @Override
    public void nextBytes(byte[] bytes) {
      if (seed == null || bytes.length != seed.length) {
        throw new IllegalStateException(
            "Ed25519 key generation asked for randomness other than the one seed");
      }
      System.arraycopy(seed, 0, bytes, 0, seed.length);
      Arrays.fill(seed, (byte) 0);
      seed = null;
    }
  }
}
