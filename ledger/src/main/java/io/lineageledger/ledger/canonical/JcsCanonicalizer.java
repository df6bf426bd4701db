package io.lineageledger.ledger.canonical;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.core.json.JsonWriteFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.json.JsonMapper;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CharsetEncoder;
import java.nio.charset.CoderResult;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.Map;
import java.util.Objects;
import org.erdtman.jcs.JsonCanonicalizer;

/**
 * {@link Canonicalizer} backed by org.erdtman.jcs, the Java reference implementation of RFC 8785.
 *
 * <p>The library is lenient where a journal must not be: it replaces malformed UTF-8 and lone
 * surrogates with '?', accepts numbers with leading zeros, reports errors without a position and
 * recurses once per nesting level (deep input overflows the stack). So input is first decoded
 * strictly and checked by a streaming Jackson pass, which rejects all of that with a line and
 * column and bounds the nesting depth; the library then only ever sees valid I-JSON, and its output
 * is encoded strictly.
 *
 * <p>Trees (what every source's records are) are written directly by {@link TreeWriter}, which uses
 * the library's number serializer and is held byte-identical to the library path by a property
 * test; only trees holding POJO or binary nodes take the text round trip through the library.
 */
final class JcsCanonicalizer implements Canonicalizer {

  static final JcsCanonicalizer INSTANCE = new JcsCanonicalizer();

  /** Deep enough for any record; shallow enough that the recursive library cannot overflow. */
  static final int MAX_NESTING_DEPTH = 500;

  private static final JsonFactory STRICT_READER =
      JsonFactory.builder()
          .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
          .streamReadConstraints(
              StreamReadConstraints.builder().maxNestingDepth(MAX_NESTING_DEPTH).build())
          .build();

  // NaN must never be written as the string "NaN": that would silently change the value.
  private static final JsonMapper TREE_WRITER =
      JsonMapper.builder().disable(JsonWriteFeature.WRITE_NAN_AS_STRINGS).build();

  private JcsCanonicalizer() {}

  @Override
  public byte[] canonicalize(byte[] utf8Json) {
    Objects.requireNonNull(utf8Json, "utf8Json");
    return canonicalizeText(decodeUtf8(utf8Json));
  }

  @Override
  public byte[] canonicalize(JsonNode json) {
    Objects.requireNonNull(json, "json");
    requireContainer(json);
    try {
      return TreeWriter.write(json, MAX_NESTING_DEPTH);
    } catch (TreeWriter.NonFinite e) {
      reportNonFiniteNumber(json);
      throw new IllegalStateException("unreachable: the report throws", e);
    } catch (TreeWriter.Unsupported e) {
      return viaLibrary(json);
    }
  }

  /**
   * The library's own answer for a tree: Jackson writes it as text, the library canonicalizes that.
   * Used for trees the direct writer does not handle, and by the test that holds the two paths
   * identical.
   */
  static byte[] viaLibrary(JsonNode json) {
    requireContainer(json);
    String text;
    try {
      text = TREE_WRITER.writeValueAsString(json);
    } catch (JsonProcessingException e) {
      throw new CanonicalizationException(
          "JSON tree cannot be serialized: " + e.getOriginalMessage(), e);
    }
    // Jackson wrote this text from a tree, so it is well-formed JSON; the strict re-parse that
    // guards raw input would only cost time. A non-finite number is written as a bare
    // NaN/Infinity token (or as digits beyond the double range), which the library refuses;
    // only then is the tree walked to name the number and its path.
    try {
      return canonicalizeChecked(text);
    } catch (CanonicalizationException e) {
      rejectNonFiniteNumbers(json);
      throw e;
    }
  }

  private static void requireContainer(JsonNode json) {
    if (!json.isObject() && !json.isArray()) {
      throw new CanonicalizationException(
          "top-level value must be an object or an array, found " + json.getNodeType());
    }
  }

  private static byte[] canonicalizeText(String text) {
    checkStrictJson(text);
    return canonicalizeChecked(text);
  }

  private static byte[] canonicalizeChecked(String text) {
    String canonical;
    try {
      canonical = new JsonCanonicalizer(text).getEncodedString();
    } catch (IOException | RuntimeException e) {
      // Unreachable for input that passed the strict check; kept so a library quirk surfaces as
      // a clear rejection rather than an unexplained failure.
      throw new CanonicalizationException("invalid JSON: " + e.getMessage(), e);
    }
    return encodeUtf8(canonical);
  }

  private static String decodeUtf8(byte[] bytes) {
    CharsetDecoder decoder =
        StandardCharsets.UTF_8
            .newDecoder()
            .onMalformedInput(CodingErrorAction.REPORT)
            .onUnmappableCharacter(CodingErrorAction.REPORT);
    ByteBuffer in = ByteBuffer.wrap(bytes);
    CharBuffer out = CharBuffer.allocate(bytes.length);
    CoderResult result = decoder.decode(in, out, true);
    if (!result.isError()) {
      result = decoder.flush(out);
    }
    if (result.isError()) {
      throw new CanonicalizationException(
          "input is not valid UTF-8: malformed byte sequence at byte offset " + in.position());
    }
    String text = out.flip().toString();
    if (text.startsWith("\uFEFF")) {
      throw new CanonicalizationException(
          "input starts with a byte order mark, which RFC 8259 does not allow in JSON text");
    }
    return text;
  }

  private static byte[] encodeUtf8(String canonical) {
    // The strict encoder is only needed to refuse lone surrogates, which String.getBytes would
    // silently turn into '?'; without any surrogate the intrinsic encoding is the same bytes.
    if (!hasSurrogate(canonical)) {
      return canonical.getBytes(StandardCharsets.UTF_8);
    }
    CharsetEncoder encoder =
        StandardCharsets.UTF_8
            .newEncoder()
            .onMalformedInput(CodingErrorAction.REPORT)
            .onUnmappableCharacter(CodingErrorAction.REPORT);
    CharBuffer in = CharBuffer.wrap(canonical);
    try {
      ByteBuffer out = encoder.encode(in);
      byte[] bytes = new byte[out.remaining()];
      out.get(bytes);
      return bytes;
    } catch (CharacterCodingException e) {
      throw new CanonicalizationException(
          "a string holds a lone surrogate (U+"
              + String.format("%04X", (int) canonical.charAt(loneSurrogateIndex(canonical)))
              + "), which I-JSON does not allow",
          e);
    }
  }

  private static int loneSurrogateIndex(String s) {
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      if (Character.isHighSurrogate(c)
          && i + 1 < s.length()
          && Character.isLowSurrogate(s.charAt(i + 1))) {
        i++;
      } else if (Character.isSurrogate(c)) {
        return i;
      }
    }
    throw new IllegalStateException("UTF-8 encoding failed but no lone surrogate was found");
  }

  private static boolean hasSurrogate(String s) {
    for (int i = 0; i < s.length(); i++) {
      if (Character.isSurrogate(s.charAt(i))) {
        return true;
      }
    }
    return false;
  }

  private static void checkStrictJson(String text) {
    try (JsonParser parser = STRICT_READER.createParser(text)) {
      JsonToken token = parser.nextToken();
      if (token == null) {
        throw new CanonicalizationException("input holds no JSON value");
      }
      if (token != JsonToken.START_OBJECT && token != JsonToken.START_ARRAY) {
        throw new CanonicalizationException(
            "top-level value must be an object or an array, found "
                + parser.getText()
                + at(parser.currentTokenLocation()));
      }
      int depth = 0;
      while (true) {
        if (token == null) {
          throw new CanonicalizationException("input ends inside a JSON value");
        }
        if (token.isStructStart()) {
          depth++;
        } else if (token.isStructEnd()) {
          depth--;
        } else if (token.isNumeric() && !Double.isFinite(parser.getDoubleValue())) {
          throw new CanonicalizationException(
              "number "
                  + parser.getText()
                  + at(parser.currentTokenLocation())
                  + " is outside the range of IEEE-754 doubles");
        }
        if (depth == 0) {
          break;
        }
        token = parser.nextToken();
      }
      if (parser.nextToken() != null) {
        throw new CanonicalizationException(
            "unexpected content after the top-level value" + at(parser.currentTokenLocation()));
      }
    } catch (JsonProcessingException e) {
      throw new CanonicalizationException(
          "invalid JSON" + at(e.getLocation()) + ": " + e.getOriginalMessage(), e);
    } catch (IOException e) {
      // Reading from a String performs no I/O; an IOException here is a parser defect.
      throw new IllegalStateException("reading JSON from memory failed", e);
    }
  }

  private static String at(JsonLocation location) {
    if (location == null || location.getLineNr() < 1) {
      return "";
    }
    return " at line " + location.getLineNr() + ", column " + location.getColumnNr();
  }

  // Iterative, so a deep tree reports its depth problem from the strict pass rather than
  // overflowing the stack here.
  private static void rejectNonFiniteNumbers(JsonNode root) {
    // Paths are only built when there is something to report: building one per node was a
    // measurable share of the per-record cost on the append path.
    Deque<JsonNode> nodes = new ArrayDeque<>();
    nodes.push(root);
    while (!nodes.isEmpty()) {
      JsonNode node = nodes.pop();
      if (node.isNumber() && !Double.isFinite(node.doubleValue())) {
        reportNonFiniteNumber(root);
      }
      if (node.isContainerNode()) {
        for (JsonNode child : node) {
          nodes.push(child);
        }
      }
    }
  }

  private static void reportNonFiniteNumber(JsonNode root) {
    Deque<Map.Entry<String, JsonNode>> pending = new ArrayDeque<>();
    pending.push(Map.entry("", root));
    while (!pending.isEmpty()) {
      Map.Entry<String, JsonNode> entry = pending.pop();
      String path = entry.getKey();
      JsonNode node = entry.getValue();
      if (node.isNumber() && !Double.isFinite(node.doubleValue())) {
        throw new CanonicalizationException(
            "number "
                + node.asText()
                + " at "
                + (path.isEmpty() ? "/" : path)
                + " is not a finite IEEE-754 double");
      }
      if (node.isArray()) {
        for (int i = 0; i < node.size(); i++) {
          pending.push(Map.entry(path + "/" + i, node.get(i)));
        }
      } else if (node.isObject()) {
        for (Map.Entry<String, JsonNode> field : node.properties()) {
          pending.push(Map.entry(path + "/" + escapePointer(field.getKey()), field.getValue()));
        }
      }
    }
    throw new IllegalStateException("a non-finite number was seen but not found again");
  }

  private static String escapePointer(String name) {
    return name.replace("~", "~0").replace("/", "~1");
  }
}
