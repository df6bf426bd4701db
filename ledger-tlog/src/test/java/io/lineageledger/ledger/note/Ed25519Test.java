package io.lineageledger.ledger.note;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.security.KeyPair;
import java.security.interfaces.EdECPublicKey;
import java.security.spec.EdECPoint;
import java.util.Base64;
import java.util.HexFormat;
import org.junit.jupiter.api.RepeatedTest;
import org.junit.jupiter.api.Test;

class Ed25519Test {

  private static final HexFormat HEX = HexFormat.of();

  // RFC 8032 section 7.1, TEST 1 (empty message).
  private static final String RFC8032_SECRET =
      "9d61b19deffd5a60ba844af492ec2cc44449c5697b326919703bac031cae7f60";
  private static final String RFC8032_PUBLIC =
      "d75a980182b10ab7d54bfed3c964073a0ee172f3daa62325af021a68f707511a";
  private static final String RFC8032_SIGNATURE =
      "e5564300c360ac729086e2cc806e828a84877f1eb8e5d974d873e065224901555fb8821590a33bacc61e39701cf9b46bd25bf5f0595bbe24655141438e7a100b";

  @Test
  void fromSeed_rfc8032Test1_derivesPublishedKeyAndSignature() {
    KeyPair pair = Ed25519.fromSeed(HEX.parseHex(RFC8032_SECRET));

    assertThat(HEX.formatHex(Ed25519.rawPublicKey(pair.getPublic()))).isEqualTo(RFC8032_PUBLIC);
    assertThat(HEX.formatHex(Ed25519.seed(pair.getPrivate()))).isEqualTo(RFC8032_SECRET);
    byte[] signature = Ed25519.sign(pair.getPrivate(), new byte[0]);
    assertThat(HEX.formatHex(signature)).isEqualTo(RFC8032_SIGNATURE);
    assertThat(Ed25519.verify(pair.getPublic(), new byte[0], signature)).isTrue();
  }

  @Test
  void publicKey_rfc8032Test1_verifiesPublishedSignature() {
    assertThat(
            Ed25519.verify(
                Ed25519.publicKey(HEX.parseHex(RFC8032_PUBLIC)),
                new byte[0],
                HEX.parseHex(RFC8032_SIGNATURE)))
        .isTrue();
  }

  // The raw key is RFC 8032's encoding: y little-endian, with x's parity in the top bit. Checking
  // it against the JDK's own EdECPoint view shows the X.509 prefix stripping yields exactly that.
  @RepeatedTest(20)
  void rawPublicKey_generatedKey_matchesEdEcPointEncoding() {
    KeyPair pair = Ed25519.generate();
    byte[] raw = Ed25519.rawPublicKey(pair.getPublic());

    EdECPoint point = ((EdECPublicKey) pair.getPublic()).getPoint();
    byte[] bigEndian = new byte[raw.length];
    for (int i = 0; i < raw.length; i++) {
      bigEndian[i] = raw[raw.length - 1 - i];
    }
    boolean xOdd = (bigEndian[0] & 0x80) != 0;
    bigEndian[0] &= 0x7f;
    assertThat(new BigInteger(1, bigEndian)).isEqualTo(point.getY());
    assertThat(xOdd).isEqualTo(point.isXOdd());
    assertThat(Ed25519.rawPublicKey(Ed25519.publicKey(raw))).isEqualTo(raw);
  }

  @Test
  void fromSeed_generatedKey_roundTripsSeedAndPublicKey() {
    KeyPair generated = Ed25519.generate();
    byte[] seed = Ed25519.seed(generated.getPrivate());

    KeyPair restored = Ed25519.fromSeed(seed);

    assertThat(Ed25519.rawPublicKey(restored.getPublic()))
        .isEqualTo(Ed25519.rawPublicKey(generated.getPublic()));
    byte[] message = "hi".getBytes(StandardCharsets.UTF_8);
    assertThat(Ed25519.sign(restored.getPrivate(), message))
        .isEqualTo(Ed25519.sign(generated.getPrivate(), message));
  }

  @Test
  void fromSeed_wrongLength_rejected() {
    assertThatThrownBy(() -> Ed25519.fromSeed(new byte[31]))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("Ed25519 seed is 31 bytes; 32 are required");
  }

  @Test
  void publicKey_wrongLength_rejected() {
    assertThatThrownBy(() -> Ed25519.publicKey(new byte[33]))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("Ed25519 public key is 33 bytes; 32 are required");
  }

  @Test
  void verify_tamperedOrMisSizedSignature_false() {
    KeyPair pair = Ed25519.generate();
    byte[] message = "hi".getBytes(StandardCharsets.UTF_8);
    byte[] signature = Ed25519.sign(pair.getPrivate(), message);

    byte[] flipped = signature.clone();
    flipped[5] ^= 1;
    assertThat(Ed25519.verify(pair.getPublic(), message, flipped)).isFalse();
    assertThat(Ed25519.verify(pair.getPublic(), message, new byte[63])).isFalse();
    assertThat(Ed25519.verify(pair.getPublic(), "ho".getBytes(StandardCharsets.UTF_8), signature))
        .isFalse();
  }

  // Key ID per c2sp.org/signed-note: SHA-256("PeterNeumann" || 0x0A || 0x01 || key)[:4].
  @Test
  void keyId_goVectorKey_isPublishedId() {
    byte[] key = Base64.getDecoder().decode("ARpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TW");
    byte[] raw = new byte[32];
    System.arraycopy(key, 1, raw, 0, 32);

    assertThat(Ed25519.keyId("PeterNeumann", raw)).isEqualTo(0xc74f20a3);
  }
}
