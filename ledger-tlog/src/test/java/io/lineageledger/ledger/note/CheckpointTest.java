package io.lineageledger.ledger.note;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class CheckpointTest {

  private static final byte[] HASH = new byte[32];

  // c2sp.org/tlog-checkpoint, the example at the top of the spec.
  private static final String C2SP_EXAMPLE =
      "example.com/behind-the-sofa\n20852163\nCsUYapGGPo4dkMgIAUqom/Xajj7h2fB2MPA3j2jxq2I=\n";

  // golang.org/x/mod/sumdb/tlog note_test.go (TestFormatTree/TestParseTree): size 123456789012
  // and the RFC 6962 leaf hash of "hello world".
  private static final String GO_TREE =
      "go.sum database tree\n123456789012\nTszzRgjTG6xce+z2AG31kAXYKBgQVtCSCE40HmuwBb0=\n";

  @Test
  void parse_c2spExample_roundTripsToSameBody() {
    Checkpoint checkpoint = Checkpoint.parse(C2SP_EXAMPLE);

    assertThat(checkpoint.origin()).isEqualTo("example.com/behind-the-sofa");
    assertThat(checkpoint.size()).isEqualTo(20852163L);
    assertThat(checkpoint.rootHash())
        .isEqualTo(Base64.getDecoder().decode("CsUYapGGPo4dkMgIAUqom/Xajj7h2fB2MPA3j2jxq2I="));
    assertThat(checkpoint.extensions()).isEmpty();
    assertThat(checkpoint.body()).isEqualTo(C2SP_EXAMPLE);
  }

  @Test
  void body_goTreeVector_matchesGoFormatTree() throws Exception {
    MessageDigest sha256 = MessageDigest.getInstance("SHA-256");
    sha256.update((byte) 0);
    byte[] leafHash = sha256.digest("hello world".getBytes(StandardCharsets.UTF_8));

    Checkpoint checkpoint = new Checkpoint("go.sum database tree", 123456789012L, leafHash);

    assertThat(checkpoint.body()).isEqualTo(GO_TREE);
    assertThat(Checkpoint.parse(GO_TREE)).isEqualTo(checkpoint);
  }

  @Test
  void parse_extensionLines_roundTrip() {
    String body = C2SP_EXAMPLE + "ext one\n\u2014 two\n";

    Checkpoint checkpoint = Checkpoint.parse(body);

    assertThat(checkpoint.extensions()).containsExactly("ext one", "\u2014 two");
    assertThat(checkpoint.body()).isEqualTo(body);
  }

  @ParameterizedTest
  @CsvSource({"0, 0", "1, 1", "9223372036854775807, 9223372036854775807"})
  void parse_validSize_accepted(String line, long size) {
    assertThat(Checkpoint.parse("o\n" + line + "\n" + base64(HASH) + "\n").size()).isEqualTo(size);
  }

  @Test
  void parse_sizeWithLeadingZero_rejected() {
    assertThatThrownBy(() -> Checkpoint.parse("o\n012\n" + base64(HASH) + "\n"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage(
            "malformed checkpoint body line 2: size '012' has a leading zero;"
                + " allowed: ASCII decimal digits without leading zeros");
    assertThatThrownBy(() -> Checkpoint.parse("o\n00\n" + base64(HASH) + "\n"))
        .hasMessageContaining("size '00' has a leading zero");
  }

  @ParameterizedTest
  @CsvSource(
      delimiter = '|',
      quoteCharacter = '`',
      textBlock =
          """
          `-1`
          `+1`
          ` 1`
          `1 `
          `0xabcdef`
          `1e3`
          `١٢`
          ``
          """)
  void parse_sizeNotDecimal_rejected(String line) {
    String size = line == null ? "" : line;

    assertThatThrownBy(() -> Checkpoint.parse("o\n" + size + "\n" + base64(HASH) + "\n"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage(
            "malformed checkpoint body line 2: size '"
                + size
                + "' is not a decimal number; allowed: ASCII decimal digits without leading zeros");
  }

  @Test
  void parse_sizeBeyondLong_rejected() {
    assertThatThrownBy(() -> Checkpoint.parse("o\n9223372036854775808\n" + base64(HASH) + "\n"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage(
            "malformed checkpoint body line 2: size 9223372036854775808 exceeds the largest"
                + " supported size 9223372036854775807");
  }

  @ParameterizedTest
  @CsvSource({
    // Go's TestParseTree bad root hash: decodes to more than 32 bytes.
    "TszzRgjTG6xce+z2AG31kAXYKBgQVtCSCE40HmuwBTOOBIG=, is not canonical",
    // Unpadded: the JDK decoder alone would accept it.
    "TszzRgjTG6xce+z2AG31kAXYKBgQVtCSCE40HmuwBb0, is not canonical",
    // Same bytes as ...Bb0= but with stray low bits in the last character.
    "TszzRgjTG6xce+z2AG31kAXYKBgQVtCSCE40HmuwBb1=, is not canonical",
    "TszzRgjTG6xce-z2AG31kAXYKBgQVtCSCE40HmuwBb0=, is not canonical",
    "AAAA, root hash is 3 bytes; a SHA-256 root is 32 bytes"
  })
  void parse_badRootHash_rejected(String line, String problem) {
    assertThatThrownBy(() -> Checkpoint.parse("o\n1\n" + line + "\n"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageStartingWith("malformed checkpoint body line 3: ")
        .hasMessageContaining(problem);
  }

  @Test
  void parse_missingFinalNewline_rejected() {
    assertThatThrownBy(() -> Checkpoint.parse(C2SP_EXAMPLE.strip()))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("malformed checkpoint body: does not end with a newline");
  }

  @Test
  void parse_tooFewLines_rejected() {
    assertThatThrownBy(() -> Checkpoint.parse("o\n1\n"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage(
            "malformed checkpoint body: 2 lines; origin, size and root hash lines are required");
  }

  @Test
  void parse_emptyOrigin_rejected() {
    assertThatThrownBy(() -> Checkpoint.parse("\n1\n" + base64(HASH) + "\n"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage(
            "malformed checkpoint body line 1: origin is empty; a checkpoint needs its log's origin");
  }

  @Test
  void parse_emptyExtensionLine_rejected() {
    assertThatThrownBy(() -> Checkpoint.parse(C2SP_EXAMPLE + "ext\n\n"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage(
            "malformed checkpoint body line 5: extension line 2 is empty;"
                + " extension lines must be non-empty");
  }

  @Test
  void parse_controlCharacter_rejected() {
    assertThatThrownBy(() -> Checkpoint.parse("o\r\n1\n" + base64(HASH) + "\n"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage(
            "malformed checkpoint body line 1: origin holds a control character U+000D at index 1;"
                + " origins are one line of text");
  }

  @Test
  void constructor_invalidValues_rejectedNamingTheValue() {
    assertThatThrownBy(() -> new Checkpoint("o", -1, HASH))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("size -1 is negative; tree sizes are >= 0");
    assertThatThrownBy(() -> new Checkpoint("o", 1, new byte[31]))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("root hash is 31 bytes; a SHA-256 root is 32 bytes");
    assertThatThrownBy(() -> new Checkpoint("", 1, HASH))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("origin is empty; a checkpoint needs its log's origin");
    assertThatThrownBy(() -> new Checkpoint("a\nb", 1, HASH))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("origin holds a newline at index 1; origins are one line of text");
    assertThatThrownBy(() -> new Checkpoint("o", 1, HASH, List.of("ok", "")))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("extension line 2 is empty; extension lines must be non-empty");
    assertThatThrownBy(() -> new Checkpoint("o", 1, HASH, List.of("a\nb")))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("extension line 1 holds a newline at index 1; extensions are one line of text");
    assertThatThrownBy(() -> new Checkpoint("bad \ud800", 1, HASH))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("lone surrogate U+D800 at index 4");
    assertThatThrownBy(() -> new Checkpoint(null, 1, HASH))
        .isInstanceOf(NullPointerException.class);
  }

  @Test
  void rootHash_isCopiedInAndOut() {
    byte[] hash = new byte[32];
    List<String> extensions = new ArrayList<>(List.of("x"));
    Checkpoint checkpoint = new Checkpoint("o", 1, hash, extensions);

    hash[0] = 1;
    checkpoint.rootHash()[1] = 1;
    extensions.add("y");

    assertThat(checkpoint.rootHash()).isEqualTo(new byte[32]);
    assertThat(checkpoint.extensions()).containsExactly("x");
  }

  @Test
  void equals_comparesHashContents() {
    Checkpoint a = new Checkpoint("o", 1, new byte[32]);
    Checkpoint b = new Checkpoint("o", 1, new byte[32]);
    byte[] other = new byte[32];
    other[31] = 1;

    assertThat(a).isEqualTo(b).hasSameHashCodeAs(b);
    assertThat(a).isNotEqualTo(new Checkpoint("o", 1, other));
    assertThat(a.toString())
        .isEqualTo(
            "Checkpoint[origin=o, size=1,"
                + " rootHash=AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=, extensions=[]]");
  }

  private static String base64(byte[] bytes) {
    return Base64.getEncoder().encodeToString(bytes);
  }
}
