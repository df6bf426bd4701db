package io.lineageledger.ledger.canonical;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Map;
import org.erdtman.jcs.NumberToJSON;

/**
 * Writes the RFC 8785 bytes of a Jackson tree directly, without the text round trip through the
 * library's parser (writing the tree as text, parsing it back into the library's own maps and
 * serializing those took four fifths of a journal writer's CPU).
 *
 * <p>What it shares with the library and what it does itself:
 *
 * <ul>
 *   <li>Numbers: each is turned into the double the library would have parsed from the text Jackson
 *       writes for it, then written by the library's own ECMAScript serializer ({@link
 *       NumberToJSON}), the one part of RFC 8785 that is hard to get right.
 *   <li>Member order: sorted by UTF-16 code units, which is {@link String#compareTo}.
 *   <li>Strings: the escapes RFC 8785 section 3.2.2.2 lists, everything else as UTF-8; a lone
 *       surrogate is refused.
 * </ul>
 *
 * A property test holds this writer byte-identical to the library path over random trees (keys
 * beyond the BMP, control characters, every kind of Jackson number), so the library stays the
 * definition of canonical form.
 */
final class TreeWriter {

  /** Signals a tree this writer does not handle (POJO, binary or missing nodes). */
  static final class Unsupported extends Exception {
    Unsupported() {
      super(null, null, false, false);
    }
  }

  /** Signals a NaN or infinite number; the caller names it and its path. */
  static final class NonFinite extends Exception {
    NonFinite() {
      super(null, null, false, false);
    }
  }

  private static final byte[] HEX = "0123456789abcdef".getBytes(StandardCharsets.US_ASCII);
  private static final Unsupported UNSUPPORTED = new Unsupported();
  private static final NonFinite NON_FINITE = new NonFinite();

  private final int maxDepth;
  private byte[] out = new byte[512];
  private int size;

  private TreeWriter(int maxDepth) {
    this.maxDepth = maxDepth;
  }

  /**
   * The canonical bytes of {@code root}, an object or array.
   *
   * @throws Unsupported if the tree holds a node with no JSON text of its own
   * @throws NonFinite if it holds NaN or an infinity
   * @throws CanonicalizationException if it nests deeper than {@code maxDepth} or a string holds a
   *     lone surrogate
   */
  static byte[] write(JsonNode root, int maxDepth) throws Unsupported, NonFinite {
    TreeWriter w = new TreeWriter(maxDepth);
    w.value(root, 1);
    return Arrays.copyOf(w.out, w.size);
  }

  private void value(JsonNode node, int depth) throws Unsupported, NonFinite {
    switch (node.getNodeType()) {
      case OBJECT -> object(node, depth);
      case ARRAY -> array(node, depth);
      case STRING -> string(node.textValue());
      case NUMBER -> number(node);
      case BOOLEAN -> ascii(node.booleanValue() ? "true" : "false");
      case NULL -> ascii("null");
      default -> throw UNSUPPORTED;
    }
  }

  private void object(JsonNode node, int depth) throws Unsupported, NonFinite {
    checkDepth(depth);
    int n = node.size();
    @SuppressWarnings("unchecked")
    Map.Entry<String, JsonNode>[] members = node.properties().toArray(new Map.Entry[n]);
    if (n > 1) {
      Arrays.sort(members, Map.Entry.comparingByKey());
    }
    byte1('{');
    for (int i = 0; i < n; i++) {
      if (i > 0) {
        byte1(',');
      }
      string(members[i].getKey());
      byte1(':');
      value(members[i].getValue(), depth + 1);
    }
    byte1('}');
  }

  private void array(JsonNode node, int depth) throws Unsupported, NonFinite {
    checkDepth(depth);
    byte1('[');
    for (int i = 0, n = node.size(); i < n; i++) {
      if (i > 0) {
        byte1(',');
      }
      value(node.get(i), depth + 1);
    }
    byte1(']');
  }

  private void checkDepth(int depth) {
    if (depth > maxDepth) {
      throw new CanonicalizationException(
          "tree nesting depth exceeds the maximum allowed, " + maxDepth);
    }
  }

  private void number(JsonNode node) throws NonFinite {
    double d =
        switch (node.numberType()) {
          case INT, LONG -> node.longValue();
          case DOUBLE -> node.doubleValue();
          // Jackson writes these as their decimal text, which the library parses as a double:
          // parse the same text, so rounding is the same.
          case FLOAT -> Double.parseDouble(Float.toString(node.floatValue()));
          case BIG_INTEGER -> Double.parseDouble(node.bigIntegerValue().toString());
          case BIG_DECIMAL -> Double.parseDouble(((BigDecimal) node.numberValue()).toString());
        };
    if (!Double.isFinite(d)) {
      throw NON_FINITE;
    }
    try {
      ascii(NumberToJSON.serializeNumber(d));
    } catch (IOException e) {
      // The library only refuses non-finite numbers, which were ruled out above.
      throw new IllegalStateException("the library refused the finite number " + d, e);
    }
  }

  private void string(String s) {
    int n = s.length();
    ensure(n * 3 + 2);
    byte[] b = out;
    int p = size;
    b[p++] = '"';
    for (int i = 0; i < n; i++) {
      char c = s.charAt(i);
      if (c >= 0x20 && c < 0x80 && c != '"' && c != '\\') {
        b[p++] = (byte) c;
      } else if (c < 0x80) {
        // An escape takes up to 6 bytes where 3 were reserved: reserve again for the rest.
        size = p;
        ensure(6 + (n - i) * 3 + 1);
        escape(c);
        b = out;
        p = size;
      } else if (c < 0x800) {
        b[p++] = (byte) (0xc0 | c >> 6);
        b[p++] = (byte) (0x80 | c & 0x3f);
      } else if (!Character.isSurrogate(c)) {
        b[p++] = (byte) (0xe0 | c >> 12);
        b[p++] = (byte) (0x80 | c >> 6 & 0x3f);
        b[p++] = (byte) (0x80 | c & 0x3f);
      } else if (Character.isHighSurrogate(c)
          && i + 1 < n
          && Character.isLowSurrogate(s.charAt(i + 1))) {
        int cp = Character.toCodePoint(c, s.charAt(++i));
        // Two chars became four bytes: within the three bytes per char reserved above.
        b[p++] = (byte) (0xf0 | cp >> 18);
        b[p++] = (byte) (0x80 | cp >> 12 & 0x3f);
        b[p++] = (byte) (0x80 | cp >> 6 & 0x3f);
        b[p++] = (byte) (0x80 | cp & 0x3f);
      } else {
        throw new CanonicalizationException(
            "a string holds a lone surrogate (U+"
                + String.format("%04X", (int) c)
                + "), which I-JSON does not allow");
      }
    }
    b[p++] = '"';
    size = p;
  }

  // RFC 8785 section 3.2.2.2: the two-character escapes where JSON has them, else \\u00xx in
  // lowercase hex. The caller has made room for 6 bytes.
  private void escape(char c) {
    switch (c) {
      case '\b' -> escaped('b');
      case '\t' -> escaped('t');
      case '\n' -> escaped('n');
      case '\f' -> escaped('f');
      case '\r' -> escaped('r');
      case '"', '\\' -> escaped(c);
      default -> {
        escaped('u');
        out[size++] = '0';
        out[size++] = '0';
        out[size++] = HEX[c >> 4];
        out[size++] = HEX[c & 0xf];
      }
    }
  }

  private void escaped(char c) {
    out[size++] = '\\';
    out[size++] = (byte) c;
  }

  private void ascii(String s) {
    int n = s.length();
    ensure(n);
    for (int i = 0; i < n; i++) {
      out[size++] = (byte) s.charAt(i);
    }
  }

  private void byte1(char c) {
    ensure(1);
    out[size++] = (byte) c;
  }

  private void ensure(int more) {
    if (size + more > out.length) {
      out = Arrays.copyOf(out, Math.max(out.length * 2, size + more));
    }
  }
}
