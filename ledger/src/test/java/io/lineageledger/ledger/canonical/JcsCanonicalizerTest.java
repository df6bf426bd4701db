package io.lineageledger.ledger.canonical;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.atomic.AtomicReference;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.Size;
import net.jqwik.api.constraints.StringLength;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class JcsCanonicalizerTest {

  private final Canonicalizer jcs = Canonicalizer.rfc8785();

  private static final JsonMapper READER = new JsonMapper();

  /**
   * The canonical form of a JSON text, by both paths: the bytes through the library, and the same
   * text read into a Jackson tree through the direct tree writer. Every published example and
   * reference file below thereby also pins the tree writer.
   */
  private String canonical(String json) {
    String viaBytes =
        new String(jcs.canonicalize(json.getBytes(StandardCharsets.UTF_8)), StandardCharsets.UTF_8);
    JsonNode tree;
    try {
      tree = READER.readTree(json);
    } catch (java.io.IOException e) {
      throw new AssertionError("the library accepted what Jackson cannot read: " + json, e);
    }
    assertThat(jcsOfTree(tree)).as("tree path of %s", json).isEqualTo(viaBytes);
    return viaBytes;
  }

  // RFC 8785 section 3.2.2 (input) and 3.2.3 (output); the bytes are section 3.2.4.
  @Test
  void canonicalize_rfc8785Section322Example_matchesPublishedBytes() {
    String input =
        "{\n"
            + "  \"numbers\": [333333333.33333329, 1E30, 4.50, 2e-3, 0.000000000000000000000000001],\n"
            + "  \"string\": \"\\u20ac$\\u000F\\u000aA'\\u0042\\u0022\\u005c\\\\\\\"\\/\",\n"
            + "  \"literals\": [null, true, false]\n"
            + "}";

    byte[] out = canonical(input).getBytes(StandardCharsets.UTF_8);

    assertThat(new String(out, StandardCharsets.UTF_8))
        .isEqualTo(
            "{\"literals\":[null,true,false],"
                + "\"numbers\":[333333333.3333333,1e+30,4.5,0.002,1e-27],"
                + "\"string\":\"\u20ac$\\u000f\\nA'B\\\"\\\\\\\\\\\"/\"}");
    assertThat(HexFormat.of().formatHex(out))
        .isEqualTo(
            "7b226c69746572616c73223a5b6e756c6c2c747275"
                + "652c66616c73655d2c226e756d62657273223a"
                + "5b3333333333333333332e333333333333332c31"
                + "652b33302c342e352c302e3030322c31652d3237"
                + "5d2c22737472696e67223a22e282ac245c7530303"
                + "0665c6e4127425c225c5c5c5c5c222f227d");
  }

  // RFC 8785 section 3.2.3, "Sorting of Object Properties": names compare as UTF-16 code units,
  // so the emoji (a surrogate pair, 0xD83D...) sorts before U+FB33 although its code point is
  // larger.
  @Test
  void canonicalize_rfc8785PropertySortingExample_ordersByUtf16CodeUnits() {
    String input =
        "{\n"
            + "  \"\\u20ac\": \"Euro Sign\",\n"
            + "  \"\\r\": \"Carriage Return\",\n"
            + "  \"\\ufb33\": \"Hebrew Letter Dalet With Dagesh\",\n"
            + "  \"1\": \"One\",\n"
            + "  \"\\ud83d\\ude00\": \"Emoji: Grinning Face\",\n"
            + "  \"\\u0080\": \"Control\",\n"
            + "  \"\\u00f6\": \"Latin Small Letter O With Diaeresis\"\n"
            + "}";

    assertThat(canonical(input))
        .isEqualTo(
            "{\"\\r\":\"Carriage Return\","
                + "\"1\":\"One\","
                + "\"\u0080\":\"Control\","
                + "\"\u00f6\":\"Latin Small Letter O With Diaeresis\","
                + "\"\u20ac\":\"Euro Sign\","
                + "\"\ud83d\ude00\":\"Emoji: Grinning Face\","
                + "\"\ufb33\":\"Hebrew Letter Dalet With Dagesh\"}");
  }

  // RFC 8785 Appendix B, "Number Serialization Samples": IEEE-754 bit patterns and their JSON
  // text. The finite rows; NaN and Infinity have no JSON form (see the rejection tests below).
  @ParameterizedTest(name = "{0} -> {1}")
  @CsvSource({
    "0000000000000000, 0",
    "8000000000000000, 0",
    "0000000000000001, 5e-324",
    "8000000000000001, -5e-324",
    "7fefffffffffffff, 1.7976931348623157e+308",
    "ffefffffffffffff, -1.7976931348623157e+308",
    "4340000000000000, 9007199254740992",
    "c340000000000000, -9007199254740992",
    "4430000000000000, 295147905179352830000",
    "44b52d02c7e14af5, 9.999999999999997e+22",
    "44b52d02c7e14af6, 1e+23",
    "44b52d02c7e14af7, 1.0000000000000001e+23",
    "444b1ae4d6e2ef4e, 999999999999999700000",
    "444b1ae4d6e2ef4f, 999999999999999900000",
    "444b1ae4d6e2ef50, 1e+21",
    "3eb0c6f7a0b5ed8c, 9.999999999999997e-7",
    "3eb0c6f7a0b5ed8d, 0.000001",
    "41b3de4355555553, 333333333.3333332",
    "41b3de4355555554, 333333333.33333325",
    "41b3de4355555555, 333333333.3333333",
    "41b3de4355555556, 333333333.3333334",
    "41b3de4355555557, 333333333.33333343",
    "becbf647612f3696, -0.0000033333333333333333",
    "43143ff3c1cb0959, 1424953923781206.2"
  })
  void canonicalize_rfc8785AppendixBNumber_serializesAsPublished(String ieee754, String expected) {
    double value = Double.longBitsToDouble(Long.parseUnsignedLong(ieee754, 16));

    // Double.toString round-trips exactly, so the JSON literal denotes this very double.
    assertThat(canonical("[" + Double.toString(value) + "]")).isEqualTo("[" + expected + "]");
    assertThat(canonical("[" + new BigDecimal(value).toString() + "]"))
        .isEqualTo("[" + expected + "]");
    assertThat(jcsOfTree(JsonNodeFactory.instance.arrayNode().add(value)))
        .isEqualTo("[" + expected + "]");
  }

  // Literal spellings from the brief and from RFC 8785 section 3.2.2.3: every spelling of one
  // double gives the ECMAScript shortest form.
  @ParameterizedTest(name = "{0} -> {1}")
  @CsvSource({
    "1e+21, 1e+21",
    "1E21, 1e+21",
    "100000000000000000000, 100000000000000000000",
    "0.000001, 0.000001",
    "1e-6, 0.000001",
    "1e-7, 1e-7",
    "0.0000001, 1e-7",
    "-0, 0",
    "-0.0, 0",
    "4.50, 4.5",
    "2e-3, 0.002",
    "1E30, 1e+30",
    "333333333.33333329, 333333333.3333333",
    "0.000000000000000000000000001, 1e-27",
    "1.0, 1",
    "-1.5e2, -150"
  })
  void canonicalize_numberLiteral_usesEcmaScriptForm(String literal, String expected) {
    assertThat(canonical("[" + literal + "]")).isEqualTo("[" + expected + "]");
  }

  // Numbers are doubles (RFC 8785 section 3.2.2.3): an integer beyond 2^53 silently rounds.
  // Pinned so nobody mistakes canonical JSON for an exact integer carrier.
  @Test
  void canonicalize_integerBeyond2To53_roundsToNearestDouble() {
    assertThat(canonical("[9007199254740993]")).isEqualTo("[9007199254740992]");
  }

  // RFC 8785 section 3.2.2.2: only '"', '\' and U+0000..U+001F are escaped; \b \t \n \f \r use
  // their short forms, the rest lowercase \\u00xx; everything else, including '/', U+007F and
  // U+2028, is written as itself.
  @Test
  void canonicalize_strings_escapeOnlyWhatRfc8785Requires() {
    String input =
        "[\"\\u0000\\u0001\\b\\t\\n\\u000b\\f\\r\\u001F\\u001f \\\"\\\\\\/\\u007f\\u2028\\u2029<>&\"]";

    assertThat(canonical(input))
        .isEqualTo(
            "[\"\\u0000\\u0001\\b\\t\\n\\u000b\\f\\r\\u001f\\u001f \\\"\\\\/\u007f\u2028\u2029<>&\"]");
  }

  @Test
  void canonicalize_unicode_isWrittenAsUtf8WithoutNormalization() {
    byte[] out =
        jcs.canonicalize("[\"\\u00e9\\ud83d\\ude00e\u0301\"]".getBytes(StandardCharsets.UTF_8));

    assertThat(HexFormat.of().formatHex(out))
        .isEqualTo("5b22" + "c3a9" + "f09f9880" + "65cc81" + "225d");
  }

  // cyberphone/json-canonicalization testdata/input/*.json -> testdata/output/*.json, the
  // reference implementation's own test vectors (inputs reproduced with their escapes).
  @ParameterizedTest(name = "{0}")
  @CsvSource(
      delimiter = '|',
      quoteCharacter = '`',
      textBlock =
          """
          arrays.json     | `[\n  56,\n  {\n    "d": true,\n    "10": null,\n    "1": [ ]\n  }\n]` \
                          | `[56,{"1":[],"10":null,"d":true}]`
          french.json     | `{\n  "peach": "This sorting order",\n  "péché": "is wrong according to French",\n  "pêche": "but canonicalization MUST",\n  "sin":   "ingnore locale"\n}\n` \
                          | `{"peach":"This sorting order","péché":"is wrong according to French","pêche":"but canonicalization MUST","sin":"ingnore locale"}`
          structures.json | `{\n  "1": {"f": {"f": "hi","F": 5} ,"\\n": 56.0},\n  "10": { },\n  "": "empty",\n  "a": { },\n  "111": [ { } ],\n  "A": { }\n}` \
                          | `{"":"empty","1":{"\\n":56,"f":{"F":5,"f":"hi"}},"10":{},"111":[{}],"A":{},"a":{}}`
          unicode.json    | `{\n  "Unnormalized Unicode":"\\u1e0d\\u0307"\n}\n` \
                          | `{"Unnormalized Unicode":"\u1e0d\u0307"}`
          values.json     | `{\n  "numbers": [1E30, 4.50, 333333333.33333329, 2e-3, 0.000000000000000000000000001],\n  "escaping": "\\u20ac$\\u000F\\u000aA'\\u0042\\u0022\\u005c\\\\\\"\\/",\n  "literals": [null, true, false]\n}` \
                          | `{"escaping":"\u20ac$\\u000f\\nA'B\\"\\\\\\\\\\"/","literals":[null,true,false],"numbers":[1e+30,4.5,333333333.3333333,0.002,1e-27]}`
          weird.json      | `{\n  "\\u20ac": "Euro Sign",\n  "1": "One",\n  "\\u0080": "Control\\u007f",\n  "\\ud83d\\ude02": "Smiley",\n  "\\u00f6": "Latin Small Letter O With Diaeresis",\n  "\\ufb33": "Hebrew Letter Dalet With Dagesh",\n  "</script>": "Browser Challenge"\n}\n` \
                          | `{"1":"One","</script>":"Browser Challenge","\u0080":"Control\u007f","\u00f6":"Latin Small Letter O With Diaeresis","\u20ac":"Euro Sign","\ud83d\ude02":"Smiley","\ufb33":"Hebrew Letter Dalet With Dagesh"}`
          """)
  void canonicalize_referenceImplementationTestdata_matchesOutputFile(
      String file, String input, String expected) {
    assertThat(canonical(input)).as(file).isEqualTo(expected);
  }

  @Test
  void canonicalize_canonicalInput_isUnchanged() {
    String canonical = canonical("{ \"b\" : [ 1.0 , \"x\" ] , \"a\" : { } }");

    assertThat(canonical).isEqualTo("{\"a\":{},\"b\":[1,\"x\"]}");
    assertThat(canonical(canonical)).isEqualTo(canonical);
  }

  @Test
  void canonicalize_jsonNode_matchesTextForm() {
    ObjectNode node = JsonNodeFactory.instance.objectNode();
    node.put("z", 1.5e-7).put("a", "\u20ac").putArray("m").add(true).addNull().add(10L);

    assertThat(jcsOfTree(node)).isEqualTo("{\"a\":\"\u20ac\",\"m\":[true,null,10],\"z\":1.5e-7}");
  }

  @Test
  void canonicalize_returnsFreshArray() {
    byte[] input = "[1]".getBytes(StandardCharsets.UTF_8);

    byte[] first = jcs.canonicalize(input);
    first[0] = 'X';

    assertThat(jcs.canonicalize(input)).isEqualTo("[1]".getBytes(StandardCharsets.UTF_8));
  }

  @Test
  void canonicalize_malformedUtf8_rejectedWithByteOffset() {
    byte[] input = {'{', '"', 'a', '"', ':', '"', (byte) 0xc3, '(', '"', '}'};

    assertThatThrownBy(() -> jcs.canonicalize(input))
        .isInstanceOf(CanonicalizationException.class)
        .hasMessage("input is not valid UTF-8: malformed byte sequence at byte offset 6");
  }

  @Test
  void canonicalize_utf8EncodedSurrogate_rejectedAsMalformedUtf8() {
    byte[] input = {'[', '"', (byte) 0xed, (byte) 0xa0, (byte) 0x80, '"', ']'};

    assertThatThrownBy(() -> jcs.canonicalize(input))
        .isInstanceOf(CanonicalizationException.class)
        .hasMessageStartingWith("input is not valid UTF-8")
        .hasMessageEndingWith("at byte offset 2");
  }

  @Test
  void canonicalize_byteOrderMark_rejected() {
    assertThatThrownBy(() -> canonical("\uFEFF[1]"))
        .isInstanceOf(CanonicalizationException.class)
        .hasMessageContaining("byte order mark");
  }

  @Test
  void canonicalize_emptyInput_rejected() {
    assertThatThrownBy(() -> canonical("  \n"))
        .isInstanceOf(CanonicalizationException.class)
        .hasMessage("input holds no JSON value");
  }

  @Test
  void canonicalize_topLevelScalar_rejected() {
    assertThatThrownBy(() -> canonical("\"abc\""))
        .isInstanceOf(CanonicalizationException.class)
        .hasMessage("top-level value must be an object or an array, found abc at line 1, column 1");
    assertThatThrownBy(() -> jcs.canonicalize(JsonNodeFactory.instance.numberNode(1)))
        .isInstanceOf(CanonicalizationException.class)
        .hasMessage("top-level value must be an object or an array, found NUMBER");
  }

  // I-JSON (RFC 7493 section 2.3) forbids duplicate names; escapes are resolved before comparing.
  @ParameterizedTest
  @CsvSource(
      delimiter = '|',
      textBlock =
          """
          {"a":1,"a":2}
          {"a":1,"\\u0061":2}
          """)
  void canonicalize_duplicateName_rejectedWithPosition(String input) {
    assertThatThrownBy(() -> canonical(input))
        .isInstanceOf(CanonicalizationException.class)
        .hasMessageStartingWith("invalid JSON at line 1, column ")
        .hasMessageContaining("Duplicate field 'a'");
  }

  @Test
  void canonicalize_syntaxErrorOnLaterLine_reportsLineAndColumn() {
    assertThatThrownBy(() -> canonical("{\n  \"a\": 1,\n  \"b\": tru\n}"))
        .isInstanceOf(CanonicalizationException.class)
        .hasMessageStartingWith("invalid JSON at line 3, column ")
        .hasMessageContaining("'tru'");
  }

  // The reference library accepts these; RFC 8259 does not, so they must not reach it.
  @ParameterizedTest
  @CsvSource(
      delimiter = '|',
      quoteCharacter = '`',
      textBlock =
          """
          `[01]`          | Leading zeroes not allowed
          `[1.]`          | Decimal point not followed by a digit
          `[.5]`          | expected a valid value
          `[NaN]`         | NaN
          `[1,]`          | expected a valid value
          `{'a':1}`       | was expecting double-quote
          `["a\tb"]`      | CTRL-CHAR
          `{"a":1`        | end-of-input
          `[1]//comment`  | comment
          """)
  void canonicalize_nonJson_rejectedWithPosition(String input, String problem) {
    assertThatThrownBy(() -> canonical(input))
        .isInstanceOf(CanonicalizationException.class)
        .hasMessageStartingWith("invalid JSON at line 1, column ")
        .hasMessageContaining(problem);
  }

  @Test
  void canonicalize_contentAfterTopLevelValue_rejected() {
    assertThatThrownBy(() -> canonical("[1] [2]"))
        .isInstanceOf(CanonicalizationException.class)
        .hasMessage("unexpected content after the top-level value at line 1, column 5");
    assertThatThrownBy(() -> canonical("[1] x"))
        .isInstanceOf(CanonicalizationException.class)
        .hasMessageStartingWith("invalid JSON at line 1, column 6")
        .hasMessageContaining("'x'");
  }

  @Test
  void canonicalize_numberOutsideDoubleRange_rejected() {
    assertThatThrownBy(() -> canonical("{\"n\": [1e400]}"))
        .isInstanceOf(CanonicalizationException.class)
        .hasMessage("number 1e400 at line 1, column 8 is outside the range of IEEE-754 doubles");
  }

  @Test
  void canonicalize_loneSurrogate_rejected() {
    assertThatThrownBy(() -> canonical("[\"ok\\ud800\"]"))
        .isInstanceOf(CanonicalizationException.class)
        .hasMessage("a string holds a lone surrogate (U+D800), which I-JSON does not allow");
  }

  @Test
  void canonicalize_loneSurrogateInTree_rejected() {
    ObjectNode node = JsonNodeFactory.instance.objectNode();
    node.put("s", "ok\udc00");
    node.put("pair", "\ud83d\ude00");

    assertThatThrownBy(() -> jcs.canonicalize(node))
        .isInstanceOf(CanonicalizationException.class)
        .hasMessage("a string holds a lone surrogate (U+DC00), which I-JSON does not allow");
  }

  @Test
  void canonicalize_surrogatePairInTree_encodedAsFourUtf8Bytes() {
    ObjectNode node = JsonNodeFactory.instance.objectNode();
    node.put("e", "\ud83d\ude00");

    assertThat(jcs.canonicalize(node))
        .isEqualTo("{\"e\":\"\ud83d\ude00\"}".getBytes(StandardCharsets.UTF_8))
        .hasSize(12);
  }

  @Test
  void canonicalize_nonFiniteTreeNumber_rejectedWithPath() {
    ObjectNode node = JsonNodeFactory.instance.objectNode();
    node.putArray("a/b").add(1).add(Double.NaN);

    assertThatThrownBy(() -> jcs.canonicalize(node))
        .isInstanceOf(CanonicalizationException.class)
        .hasMessage("number NaN at /a~1b/1 is not a finite IEEE-754 double");

    ObjectNode huge = JsonNodeFactory.instance.objectNode();
    huge.put("big", new BigDecimal("1E+400"));
    assertThatThrownBy(() -> jcs.canonicalize(huge))
        .isInstanceOf(CanonicalizationException.class)
        .hasMessageContaining("at /big is not a finite IEEE-754 double");

    ObjectNode inf = JsonNodeFactory.instance.objectNode();
    inf.putObject("o").put("x", Double.NEGATIVE_INFINITY);
    assertThatThrownBy(() -> jcs.canonicalize(inf))
        .isInstanceOf(CanonicalizationException.class)
        .hasMessage("number -Infinity at /o/x is not a finite IEEE-754 double");
  }

  @Test
  void canonicalize_nestingAtLimit_accepted() throws Exception {
    int depth = JcsCanonicalizer.MAX_NESTING_DEPTH;
    String nested = "[".repeat(depth) + "]".repeat(depth);

    // A fresh thread has the default (smallest usual) stack, unlike the test runner's main thread.
    AtomicReference<Object> result = new AtomicReference<>();
    Thread thread =
        new Thread(
            () -> {
              try {
                result.set(canonical(nested));
              } catch (RuntimeException | Error e) {
                result.set(e);
              }
            });
    thread.start();
    thread.join();

    assertThat(result.get()).isEqualTo(nested);
  }

  @Test
  void canonicalize_nestingBeyondLimit_rejected() {
    int depth = JcsCanonicalizer.MAX_NESTING_DEPTH + 1;

    assertThatThrownBy(() -> canonical("[".repeat(depth) + "]".repeat(depth)))
        .isInstanceOf(CanonicalizationException.class)
        .hasMessageContaining("nesting depth");
  }

  // A tree far deeper than any record must be refused cleanly, never overflow the stack.
  @Test
  void canonicalize_veryDeepTree_rejected() {
    ArrayNode root = JsonNodeFactory.instance.arrayNode();
    ArrayNode current = root;
    for (int i = 0; i < 5_000; i++) {
      current = current.addArray();
    }

    assertThatThrownBy(() -> jcs.canonicalize(root))
        .isInstanceOf(CanonicalizationException.class)
        .hasMessageContaining("nesting depth");
  }

  @Test
  void canonicalize_null_rejected() {
    assertThatThrownBy(() -> jcs.canonicalize((byte[]) null))
        .isInstanceOf(NullPointerException.class);
    assertThatThrownBy(() -> jcs.canonicalize((JsonNode) null))
        .isInstanceOf(NullPointerException.class);
  }

  // Member order and whitespace are not part of the value, so they must not change the bytes.
  @Property(tries = 200)
  void canonicalize_shuffledMembersAndWhitespace_giveSameBytes(
      @ForAll @Size(max = 8) Map<@StringLength(max = 6) String, Double> members,
      @ForAll long shuffleSeed)
      throws Exception {
    Map<String, Object> finite = new LinkedHashMap<>();
    members.forEach((k, v) -> finite.put(k, Double.isFinite(v) ? v : 0.5));
    List<String> keys = new ArrayList<>(finite.keySet());
    Collections.shuffle(keys, new Random(shuffleSeed));
    Map<String, Object> shuffled = new LinkedHashMap<>();
    keys.forEach(k -> shuffled.put(k, finite.get(k)));
    JsonMapper mapper = new JsonMapper();

    byte[] a = jcs.canonicalize(mapper.writeValueAsBytes(finite));
    byte[] b =
        jcs.canonicalize(mapper.writerWithDefaultPrettyPrinter().writeValueAsBytes(shuffled));

    assertThat(b).isEqualTo(a);
    assertThat(jcs.canonicalize(a)).isEqualTo(a);
  }

  // The direct tree writer must give exactly the library's bytes: keys beyond the BMP (where
  // UTF-16 order differs from code point order), control characters, every Jackson number type.
  @Property(tries = 1000)
  void canonicalize_randomTree_matchesLibraryPath(@ForAll long seed) {
    Random random = new Random(seed);
    JsonNode tree = random.nextBoolean() ? randomObject(random, 0) : randomArray(random, 0);

    assertThat(jcsOfTree(tree))
        .isEqualTo(new String(JcsCanonicalizer.viaLibrary(tree), StandardCharsets.UTF_8));
  }

  @Test
  void canonicalize_treeStringOfControlCharacters_matchesLibraryPath() {
    StringBuilder s = new StringBuilder();
    for (int i = 0; i < 3000; i++) {
      s.append((char) (i % 0x20)).append(i % 7 == 0 ? "\u00e9\ud83d\ude00" : "\"\\\\");
    }
    ObjectNode node = JsonNodeFactory.instance.objectNode();
    node.put(s.toString(), s.toString());

    assertThat(jcs.canonicalize(node)).isEqualTo(JcsCanonicalizer.viaLibrary(node));
  }

  @Test
  void canonicalize_treeWithBinaryNode_takesLibraryPath() {
    ObjectNode node = JsonNodeFactory.instance.objectNode();
    node.put("b", new byte[] {1, 2, 3}).put("a", 1);

    assertThat(jcsOfTree(node)).isEqualTo("{\"a\":1,\"b\":\"AQID\"}");
  }

  @Test
  void canonicalize_loneSurrogateInTreeKey_rejected() {
    ObjectNode node = JsonNodeFactory.instance.objectNode();
    node.put("k\ud800", 1);

    assertThatThrownBy(() -> jcs.canonicalize(node))
        .isInstanceOf(CanonicalizationException.class)
        .hasMessage("a string holds a lone surrogate (U+D800), which I-JSON does not allow");
  }

  private static ObjectNode randomObject(Random random, int depth) {
    ObjectNode node = JsonNodeFactory.instance.objectNode();
    int n = random.nextInt(depth == 0 ? 10 : 5);
    for (int i = 0; i < n; i++) {
      node.set(randomString(random), randomValue(random, depth + 1));
    }
    return node;
  }

  private static ArrayNode randomArray(Random random, int depth) {
    ArrayNode node = JsonNodeFactory.instance.arrayNode();
    int n = random.nextInt(6);
    for (int i = 0; i < n; i++) {
      node.add(randomValue(random, depth + 1));
    }
    return node;
  }

  private static JsonNode randomValue(Random random, int depth) {
    JsonNodeFactory f = JsonNodeFactory.instance;
    int kind = random.nextInt(depth < 4 ? 13 : 11);
    return switch (kind) {
      case 0 -> f.textNode(randomString(random));
      case 1 -> f.numberNode(random.nextInt());
      case 2 -> f.numberNode(random.nextLong());
      case 3 -> f.numberNode(finiteDouble(random));
      case 4 -> f.numberNode(random.nextDouble() * Math.pow(10, random.nextInt(40) - 20));
      case 5 -> f.numberNode(Float.intBitsToFloat(random.nextInt() & 0x7f7fffff));
      case 6 -> f.numberNode(new java.math.BigInteger(1 + random.nextInt(300), random));
      case 7 ->
          f.numberNode(
              new BigDecimal(
                  new java.math.BigInteger(1 + random.nextInt(80), random),
                  random.nextInt(60) - 30));
      case 8 -> f.booleanNode(random.nextBoolean());
      case 9 -> f.nullNode();
      case 10 -> f.numberNode(random.nextBoolean() ? -0.0 : random.nextInt(1000) / 8.0);
      case 11 -> randomObject(random, depth);
      default -> randomArray(random, depth);
    };
  }

  private static double finiteDouble(Random random) {
    double d;
    do {
      d = Double.longBitsToDouble(random.nextLong());
    } while (!Double.isFinite(d));
    return d;
  }

  private static String randomString(Random random) {
    StringBuilder s = new StringBuilder();
    int n = random.nextInt(12);
    for (int i = 0; i < n; i++) {
      switch (random.nextInt(8)) {
        case 0 -> s.append((char) random.nextInt(0x20));
        case 1 -> s.append(random.nextBoolean() ? '"' : '\\');
        case 2 -> s.append((char) (0x7f + random.nextInt(0x700)));
        case 3 -> {
          char c;
          do {
            c = (char) (0x800 + random.nextInt(0x10000 - 0x800));
          } while (Character.isSurrogate(c));
          s.append(c);
        }
        case 4 -> s.appendCodePoint(0x10000 + random.nextInt(0x100000));
        default -> s.append((char) (0x20 + random.nextInt(0x5f)));
      }
    }
    return s.toString();
  }

  private String jcsOfTree(JsonNode node) {
    return new String(jcs.canonicalize(node), StandardCharsets.UTF_8);
  }
}
