package io.lineageledger.ledger.note;

import static io.lineageledger.ledger.note.GoNoteVectors.PETER_NOTE;
import static io.lineageledger.ledger.note.GoNoteVectors.PETER_SKEY;
import static io.lineageledger.ledger.note.GoNoteVectors.PETER_VKEY;
import static io.lineageledger.ledger.note.GoNoteVectors.TEXT;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowable;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class NoteSignerTest {

  // Go TestSign: deterministic Ed25519 means the same key and text give the published note.
  @Test
  void sign_goVectorKeyAndText_matchesGoOutputExactly() {
    NoteSigner signer = NoteSigner.fromSignerKey(PETER_SKEY);

    assertThat(signer.sign(TEXT)).isEqualTo(PETER_NOTE);
  }

  @Test
  void fromSignerKey_goVector_derivesPublishedVerifierKey() {
    NoteSigner signer = NoteSigner.fromSignerKey(PETER_SKEY);

    assertThat(signer.keyName()).isEqualTo("PeterNeumann");
    assertThat(signer.vkey()).isEqualTo(PETER_VKEY);
    assertThat(signer.verifier()).isEqualTo(NoteVerifier.fromVerifierKey(PETER_VKEY));
  }

  @Test
  void encodeSignerKey_goVector_reproducesSignerKey() {
    assertThat(NoteSigner.fromSignerKey(PETER_SKEY).encodeSignerKey()).isEqualTo(PETER_SKEY);
  }

  @Test
  void generate_roundTripsThroughSignerKey() throws Exception {
    NoteSigner generated = NoteSigner.generate("log.example/ledger");

    NoteSigner restored = NoteSigner.fromSignerKey(generated.encodeSignerKey());

    assertThat(restored.vkey()).isEqualTo(generated.vkey());
    assertThat(restored.encodeSignerKey()).isEqualTo(generated.encodeSignerKey());
    assertThat(restored.sign("hi\n")).isEqualTo(generated.sign("hi\n"));
    assertThat(NoteVerifier.fromVerifierKey(generated.vkey()).verify(restored.sign("hi\n")))
        .isEqualTo("hi\n");
  }

  @Test
  void generate_twice_givesDifferentKeys() {
    assertThat(NoteSigner.generate("a").vkey()).isNotEqualTo(NoteSigner.generate("a").vkey());
  }

  @Test
  void encodeSignerKey_generated_hasGoFormat() {
    NoteSigner signer = NoteSigner.generate("log.example");

    assertThat(signer.encodeSignerKey())
        .matches("PRIVATE\\+KEY\\+log\\.example\\+[0-9a-f]{8}\\+A[Q-Za-f][A-Za-z0-9+/]{42}")
        .contains(signer.vkey().split("\\+")[1]);
    assertThat(signer.vkey()).matches("log\\.example\\+[0-9a-f]{8}\\+A[Q-Za-f][A-Za-z0-9+/]{42}");
  }

  @Test
  void toString_revealsNoKeyMaterial() {
    NoteSigner signer = NoteSigner.fromSignerKey(PETER_SKEY);

    assertThat(signer.toString()).isEqualTo("NoteSigner[PeterNeumann+c74f20a3]");
    assertThat(signer).isNotEqualTo(NoteSigner.fromSignerKey(PETER_SKEY));
  }

  // Go TestNewSigner: every proper substring and every single-character change is refused.
  @Test
  void fromSignerKey_mangledGoVector_rejected() {
    List<String> accepted = new ArrayList<>();
    for (String mangled : mangle(PETER_SKEY)) {
      try {
        NoteSigner.fromSignerKey(mangled);
        accepted.add(mangled);
      } catch (IllegalArgumentException expected) {
        assertThat(expected.getMessage()).startsWith("malformed signer key: ");
      }
    }
    assertThat(accepted).isEmpty();
  }

  @Test
  void fromSignerKey_errors_neverRepeatTheKey() {
    String secretPart = PETER_SKEY.substring(PETER_SKEY.lastIndexOf("+A") + 1);
    String wrongId = PETER_SKEY.replace("c74f20a3", "c74f20a4");

    Throwable thrown = catchThrowable(() -> NoteSigner.fromSignerKey(wrongId));

    assertThat(thrown)
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("malformed signer key: key ID does not match the key");
    assertThat(thrown.getMessage()).doesNotContain(secretPart);
  }

  @Test
  void fromSignerKey_wrongParts_saysWhichIsWrong() {
    assertThatThrownBy(() -> NoteSigner.fromSignerKey("PeterNeumann+c74f20a3+AQ=="))
        .hasMessage(
            "malformed signer key: expected PRIVATE+KEY+<name>+<8 hex digit key ID>+<base64 key>");
    assertThatThrownBy(() -> NoteSigner.fromSignerKey(PETER_SKEY.replace("c74f20a3", "c74f20a")))
        .hasMessage("malformed signer key: key ID is not 8 hex digits");
    assertThatThrownBy(() -> NoteSigner.fromSignerKey(PETER_SKEY.replace("+AYEK", "+ZYEK")))
        .hasMessage(
            "malformed signer key: signature type 0x65 is not supported; only Ed25519 (0x01)");
    assertThatThrownBy(() -> NoteSigner.fromSignerKey("PRIVATE+KEY+a+00000000+AQAA"))
        .hasMessage("malformed signer key: Ed25519 seed is 2 bytes; 32 required");
    assertThatThrownBy(() -> NoteSigner.fromSignerKey("PRIVATE+KEY+a+00000000+AQ="))
        .hasMessage("malformed signer key: key is not canonical standard base64");
  }

  @ParameterizedTest
  @ValueSource(strings = {"", "a b", "a+b", "tab\tname", "nbsp\u00a0name", "line\u2028sep"})
  void generate_invalidKeyName_rejected(String name) {
    assertThatThrownBy(() -> NoteSigner.generate(name))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageEndingWith("; allowed: non-empty, no spaces, no '+'");
  }

  @Test
  void sign_textWithoutFinalNewline_rejected() {
    NoteSigner signer = NoteSigner.generate("k");

    assertThatThrownBy(() -> signer.sign("abc"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("note text must end with a newline");
  }

  @Test
  void sign_textWithControlCharacter_rejected() {
    NoteSigner signer = NoteSigner.generate("k");

    assertThatThrownBy(() -> signer.sign("a\tb\n"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage(
            "note text holds a control character U+0009 at index 1;"
                + " only newline is allowed below U+0020");
    assertThatThrownBy(() -> signer.sign("a\ud800\n"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("lone surrogate U+D800 at index 1");
  }

  @Test
  void sign_checkpoint_signsItsBody() throws Exception {
    NoteSigner signer = NoteSigner.generate("log.example/ledger");
    Checkpoint checkpoint = new Checkpoint("log.example/ledger", 7, new byte[32]);

    String note = signer.sign(checkpoint);

    assertThat(note).startsWith(checkpoint.body() + "\n\u2014 log.example/ledger ");
    assertThat(signer.verifier().verifyCheckpoint(note)).isEqualTo(checkpoint);
  }

  static List<String> mangle(String key) {
    List<String> mangled = new ArrayList<>();
    for (int i = 0; i <= key.length(); i++) {
      for (int j = i + 1; j <= key.length(); j++) {
        if (i != 0 || j != key.length()) {
          mangled.add(key.substring(i, j));
        }
      }
    }
    for (int i = 0; i < key.length(); i++) {
      char[] chars = key.toCharArray();
      chars[i]++;
      mangled.add(new String(chars));
    }
    return mangled;
  }
}
