package io.lineageledger.ledger.note;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Base64;
import org.junit.jupiter.api.Test;

/**
 * Byte compatibility with golang.org/x/mod/sumdb/note, the reference for C2SP signed-note: its
 * published example key pair and signed note (sumdb/note/note.go documentation and note_test.go).
 * Ed25519 is deterministic, so signing the same text with the same key must give the same bytes.
 */
class NoteInteropTest {
  private static final String SKEY =
      "PRIVATE+KEY+PeterNeumann+c74f20a3+AYEKFALVFGyNhPJEMzD1QIDr+Y7hfZx09iUvxdXHKDFz";
  private static final String VKEY =
      "PeterNeumann+c74f20a3+ARpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TW";
  private static final String TEXT =
      "If you think cryptography is the answer to your problem,\n"
          + "then you don't know what your problem is.\n";
  private static final String SIGNED =
      TEXT
          + "\n"
          + "\u2014 PeterNeumann x08go/ZJkuBS9UG/SffcvIAQxVBtiFupLLr8pAcElZInNIuGUgYN1FFYC2pZSNXgKvqfqdngotpRZb6KE6RyyBwJnAM=\n";

  @Test
  void sign_goReferenceKey_producesThePublishedNoteByteForByte() {
    NoteSigner signer = NoteSigner.fromSignerKey(SKEY);
    assertThat(signer.keyName()).isEqualTo("PeterNeumann");
    assertThat(signer.vkey()).isEqualTo(VKEY);
    assertThat(signer.sign(TEXT)).isEqualTo(SIGNED);
    assertThat(signer.encodeSignerKey()).isEqualTo(SKEY);
  }

  @Test
  void verify_publishedNote_returnsItsText() throws Exception {
    assertThat(NoteVerifier.fromVerifierKey(VKEY).verify(SIGNED)).isEqualTo(TEXT);
  }

  @Test
  void verify_tamperedTextOrSignature_refusedSayingWhy() {
    NoteVerifier v = NoteVerifier.fromVerifierKey(VKEY);
    assertThatThrownBy(() -> v.verify(SIGNED.replace("answer", "Answer")))
        .isInstanceOfSatisfying(
            NoteVerificationException.class,
            e -> assertThat(e.reason()).isEqualTo(NoteVerificationException.Reason.BAD_SIGNATURE));
    byte[] sig =
        Base64.getDecoder()
            .decode(
                "x08go/ZJkuBS9UG/SffcvIAQxVBtiFupLLr8pAcElZInNIuGUgYN1FFYC2pZSNXgKvqfqdngotpRZb6KE6RyyBwJnAM=");
    sig[10] ^= 1;
    String flipped =
        TEXT + "\n\u2014 PeterNeumann " + Base64.getEncoder().encodeToString(sig) + "\n";
    assertThatThrownBy(() -> v.verify(flipped)).isInstanceOf(NoteVerificationException.class);
  }

  @Test
  void verify_otherKey_findsNoSignatureForIt() {
    NoteVerifier other = NoteSigner.generate("PeterNeumann").verifier();
    assertThatThrownBy(() -> other.verify(SIGNED))
        .isInstanceOfSatisfying(
            NoteVerificationException.class,
            e ->
                assertThat(e.reason())
                    .isEqualTo(NoteVerificationException.Reason.NO_SIGNATURE_FOR_KEY));
  }

  @Test
  void fromVerifierKey_keyIdNotMatchingTheKey_refused() {
    assertThatThrownBy(
            () ->
                NoteVerifier.fromVerifierKey(
                    "PeterNeumann+c74f20a4+ARpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TW"))
        .isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void checkpoint_signedAndVerified_roundTrips() throws Exception {
    NoteSigner signer = NoteSigner.generate("example.com/log");
    byte[] root = new byte[32];
    root[0] = 7;
    Checkpoint cp = new Checkpoint("example.com/log", 42, root);
    String note = signer.sign(cp);
    assertThat(note)
        .startsWith(
            "example.com/log\n42\n"
                + Base64.getEncoder().encodeToString(root)
                + "\n\n\u2014 example.com/log ");
    assertThat(signer.verifier().verifyCheckpoint(note)).isEqualTo(cp);
    assertThat(signer.toString()).doesNotContain(signer.encodeSignerKey().substring(30));
  }

  @Test
  void checkpointParse_leadingZeroSize_refused() {
    assertThatThrownBy(
            () ->
                Checkpoint.parse(
                    "o\n042\n" + Base64.getEncoder().encodeToString(new byte[32]) + "\n"))
        .isInstanceOf(IllegalArgumentException.class);
  }
}
