package io.lineageledger.ledger.note;

import static io.lineageledger.ledger.note.GoNoteVectors.ENOCH_SIG;
import static io.lineageledger.ledger.note.GoNoteVectors.ENOCH_VKEY;
import static io.lineageledger.ledger.note.GoNoteVectors.PETER_NOTE;
import static io.lineageledger.ledger.note.GoNoteVectors.PETER_SIG;
import static io.lineageledger.ledger.note.GoNoteVectors.PETER_VKEY;
import static io.lineageledger.ledger.note.GoNoteVectors.TEXT;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowableOfType;
import static org.junit.jupiter.params.provider.Arguments.arguments;

import io.lineageledger.ledger.note.NoteVerificationException.Reason;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class NoteVerifierTest {

  private final NoteVerifier peter = NoteVerifier.fromVerifierKey(PETER_VKEY);
  private final NoteVerifier enoch = NoteVerifier.fromVerifierKey(ENOCH_VKEY);

  @Test
  void verify_goVectorNote_returnsText() throws Exception {
    assertThat(peter.verify(PETER_NOTE)).isEqualTo(TEXT);
  }

  // Go TestOpen: a note signed by two keys verifies under either; the other is ignored.
  @Test
  void verify_noteWithUnknownSignatures_ignoresThem() throws Exception {
    String note = TEXT + "\n" + PETER_SIG + ENOCH_SIG;

    assertThat(peter.verify(note)).isEqualTo(TEXT);
    assertThat(enoch.verify(note)).isEqualTo(TEXT);
  }

  @Test
  void fromVerifierKey_goVector_roundTrips() {
    assertThat(peter.keyName()).isEqualTo("PeterNeumann");
    assertThat(peter.vkey()).isEqualTo(PETER_VKEY);
    assertThat(peter.toString()).isEqualTo("NoteVerifier[" + PETER_VKEY + "]");
  }

  @Test
  void fromVerifierKey_upperCaseKeyId_acceptedLikeGo() {
    assertThat(NoteVerifier.fromVerifierKey(PETER_VKEY.replace("c74f20a3", "C74F20A3")))
        .isEqualTo(peter);
  }

  // Go TestNewVerifier: every proper substring and every single-character change is refused.
  @Test
  void fromVerifierKey_mangledGoVector_rejected() {
    List<String> accepted = new ArrayList<>();
    for (String mangled : NoteSignerTest.mangle(PETER_VKEY)) {
      try {
        NoteVerifier.fromVerifierKey(mangled);
        accepted.add(mangled);
      } catch (IllegalArgumentException expected) {
        assertThat(expected.getMessage()).startsWith("malformed verifier key '");
      }
    }
    assertThat(accepted).isEmpty();
  }

  // Go TestNewVerifier's two crafted keys, each with a key ID adjusted to match. Go refuses the
  // first for its length; here the stray bits in its last base64 quantum already refuse it.
  @Test
  void fromVerifierKey_wrongLengthOrUnknownAlgorithm_rejected() {
    assertThatThrownBy(
            () ->
                NoteVerifier.fromVerifierKey(
                    "PeterNeumann+cc469956+ARpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TWBADKEY=="))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageEndingWith(": key is not canonical standard base64");
    assertThatThrownBy(
            () ->
                NoteVerifier.fromVerifierKey(
                    "PeterNeumann+00000000+ARpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TWBADKEQ=="))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageEndingWith(": Ed25519 public key is 36 bytes; 32 required");
    assertThatThrownBy(
            () ->
                NoteVerifier.fromVerifierKey(
                    "PeterNeumann+173116ae+ZRpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TW"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageEndingWith(": signature type 0x65 is not supported; only Ed25519 (0x01)");
  }

  @Test
  void fromVerifierKey_wrongKeyId_namesExpectedId() {
    assertThatThrownBy(
            () -> NoteVerifier.fromVerifierKey(PETER_VKEY.replace("c74f20a3", "c74f20a4")))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage(
            "malformed verifier key 'PeterNeumann+c74f20a4+ARpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TW':"
                + " key ID c74f20a4 does not match the name and key, which give c74f20a3");
  }

  @Test
  void verify_flippedBodyByte_badSignature() {
    String tampered = PETER_NOTE.replace("answer", "Answer");

    NoteVerificationException e = reject(peter, tampered);

    assertThat(e.reason()).isEqualTo(Reason.BAD_SIGNATURE);
    assertThat(e).hasMessage("bad signature for key PeterNeumann+c74f20a3 on signature line 1");
  }

  @Test
  void verify_flippedSignatureByte_badSignature() {
    String base64 = PETER_SIG.substring(PETER_SIG.lastIndexOf(' ') + 1, PETER_SIG.length() - 1);
    byte[] bytes = Base64.getDecoder().decode(base64);
    bytes[20] ^= 0x01;
    String tampered =
        TEXT + "\n\u2014 PeterNeumann " + Base64.getEncoder().encodeToString(bytes) + "\n";

    assertThat(reject(peter, tampered).reason()).isEqualTo(Reason.BAD_SIGNATURE);
  }

  // Go TestOpen "Invalid signature": four extra base64 characters inside the signature.
  @Test
  void verify_lengthenedSignature_badSignature() {
    int at = PETER_NOTE.length() - 30;
    String tampered = PETER_NOTE.substring(0, at) + "ABCD" + PETER_NOTE.substring(at);

    assertThat(reject(peter, tampered).reason()).isEqualTo(Reason.BAD_SIGNATURE);
  }

  // A signature line claiming this key's name and ID must verify, even when another line passes.
  @Test
  void verify_oneGoodOneForgedSignatureForKey_badSignature() {
    String base64 = PETER_SIG.substring(PETER_SIG.lastIndexOf(' ') + 1, PETER_SIG.length() - 1);
    byte[] bytes = Base64.getDecoder().decode(base64);
    bytes[40] ^= 0x01;
    String forged = "\u2014 PeterNeumann " + Base64.getEncoder().encodeToString(bytes) + "\n";

    NoteVerificationException e = reject(peter, PETER_NOTE + forged);

    assertThat(e.reason()).isEqualTo(Reason.BAD_SIGNATURE);
    assertThat(e).hasMessage("bad signature for key PeterNeumann+c74f20a3 on signature line 2");
  }

  @Test
  void verify_signedByOtherKey_noSignatureForKey() {
    NoteSigner stranger = NoteSigner.generate("Stranger");

    NoteVerificationException e = reject(peter, stranger.sign(TEXT));

    assertThat(e.reason()).isEqualTo(Reason.NO_SIGNATURE_FOR_KEY);
    assertThat(e).hasMessage("no signature for key PeterNeumann+c74f20a3");
    assertThat(reject(peter, TEXT + "\n" + ENOCH_SIG).reason())
        .isEqualTo(Reason.NO_SIGNATURE_FOR_KEY);
  }

  // Same name, different key: the key ID differs, so the spec says to ignore the signature.
  @Test
  void verify_sameNameDifferentKey_noSignatureForKey() {
    NoteSigner impostor = NoteSigner.generate("PeterNeumann");

    assertThat(reject(peter, impostor.sign(TEXT)).reason()).isEqualTo(Reason.NO_SIGNATURE_FOR_KEY);
  }

  @Test
  void verify_noteTextWithBlankLines_splitsAtLastBlankLine() throws Exception {
    NoteSigner signer = NoteSigner.generate("k");
    String text = "first\n\nsecond\n\n";

    assertThat(signer.verifier().verify(signer.sign(text))).isEqualTo(text);
  }

  // Go TestOpen's badMsgs, plus a few more; "\xff" becomes a lone surrogate because a Java
  // string cannot hold invalid UTF-8.
  static Stream<Arguments> malformedNotes() {
    return Stream.of(
        arguments(TEXT, "no blank line separates the text from the signatures"),
        arguments(TEXT + "\n", "no signature lines follow the blank line"),
        arguments(
            TEXT + "\n" + PETER_SIG.substring(0, PETER_SIG.length() - 1),
            "the last signature line does not end with a newline"),
        arguments(
            "\u0001" + TEXT + "\n" + PETER_SIG, "holds a control character U+0001 at index 0"),
        arguments("\ud800" + TEXT + "\n" + PETER_SIG, "holds a lone surrogate U+D800 at index 0"),
        // The name ends at the first space, so "Name ..." is read as an invalid signature.
        arguments(
            TEXT + "\n" + PETER_SIG.replace("PeterNeumann", "Bad Name"),
            "signature line 1: signature is not canonical standard base64"),
        arguments(
            TEXT + "\n" + PETER_SIG + "Unexpected line.\n",
            "signature line 2 does not start with an em dash (U+2014) and a space"),
        arguments(
            TEXT + "\n" + PETER_SIG.replace("AM=", "AM"),
            "signature line 1: signature is not canonical standard base64"),
        arguments(
            TEXT + "\n\u2014 PeterNeumann AAAA\n",
            "signature line 1: signature is 3 bytes; a 4-byte key ID and a signature are required"),
        arguments(
            TEXT + "\n\u2014 PeterNeumann\n",
            "signature line 1 has no space between key name and signature"),
        arguments(
            TEXT + "\n\u2014 Peter+Neumann " + PETER_SIG.substring(PETER_SIG.lastIndexOf(' ') + 1),
            "signature line 1: key name 'Peter+Neumann' contains '+'"),
        arguments(
            TEXT + "\n- PeterNeumann " + PETER_SIG.substring(PETER_SIG.lastIndexOf(' ') + 1),
            "signature line 1 does not start with an em dash (U+2014) and a space"));
  }

  @ParameterizedTest
  @MethodSource("malformedNotes")
  void verify_malformedNote_rejectedWithDetail(String note, String detail) {
    NoteVerificationException e = reject(peter, note);

    assertThat(e.reason()).isEqualTo(Reason.MALFORMED_NOTE);
    assertThat(e).hasMessage("malformed note: " + detail);
  }

  // Go TestOpen "too many signatures": 101 lines.
  @Test
  void verify_moreThan100Signatures_malformed() {
    NoteVerificationException e = reject(peter, TEXT + "\n" + PETER_SIG.repeat(101));

    assertThat(e.reason()).isEqualTo(Reason.MALFORMED_NOTE);
    assertThat(e).hasMessage("malformed note: 101 signature lines; at most 100 are accepted");
  }

  @Test
  void verify_duplicateGoodSignatures_accepted() throws Exception {
    assertThat(peter.verify(TEXT + "\n" + PETER_SIG + PETER_SIG + ENOCH_SIG + ENOCH_SIG))
        .isEqualTo(TEXT);
  }

  @Test
  void verifyCheckpoint_signedCheckpoint_returnsIt() throws Exception {
    NoteSigner signer = NoteSigner.generate("log.example/ledger");
    byte[] root = new byte[32];
    root[0] = 42;
    Checkpoint checkpoint = new Checkpoint("log.example/ledger", 12, root, List.of("ext"));

    Checkpoint verified = signer.verifier().verifyCheckpoint(signer.sign(checkpoint));

    assertThat(verified).isEqualTo(checkpoint);
  }

  @Test
  void verifyCheckpoint_verifiedNonCheckpointText_malformedCheckpoint() {
    NoteVerificationException e =
        catchThrowableOfType(
            NoteVerificationException.class, () -> peter.verifyCheckpoint(PETER_NOTE));

    assertThat(e.reason()).isEqualTo(Reason.MALFORMED_CHECKPOINT);
    assertThat(e)
        .hasMessage(
            "malformed checkpoint body: 2 lines; origin, size and root hash lines are required");
  }

  @Test
  void verifyCheckpoint_forgedCheckpoint_badSignatureBeforeParsing() throws Exception {
    NoteSigner signer = NoteSigner.generate("log");
    String note = signer.sign(new Checkpoint("log", 5, new byte[32]));

    NoteVerificationException e =
        catchThrowableOfType(
            NoteVerificationException.class,
            () -> signer.verifier().verifyCheckpoint(note.replace("\n5\n", "\n6\n")));

    assertThat(e.reason()).isEqualTo(Reason.BAD_SIGNATURE);
  }

  private static NoteVerificationException reject(NoteVerifier verifier, String note) {
    NoteVerificationException e =
        catchThrowableOfType(NoteVerificationException.class, () -> verifier.verify(note));
    assertThat(e).as("verification of a bad note must fail").isNotNull();
    return e;
  }
}
