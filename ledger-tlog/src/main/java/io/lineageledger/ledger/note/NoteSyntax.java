package io.lineageledger.ledger.note;

import java.util.Base64;
import java.util.regex.Pattern;

/** The lexical rules of c2sp.org/signed-note shared by signing, verification and checkpoints. */
final class NoteSyntax {

  /** Starts every signature line: U+2014 EM DASH, then a space. */
  static final String SIGNATURE_PREFIX = "\u2014 ";

  private static final Pattern KEY_ID = Pattern.compile("[0-9a-fA-F]{8}");

  private NoteSyntax() {}

  /**
   * Why {@code name} cannot be a key name, or null if it can. Key names are non-empty and hold
   * neither Unicode spaces nor '+'; a name that would make the note invalid UTF-8 or hold a control
   * character is refused too.
   */
  static String keyNameProblem(String name) {
    if (name.isEmpty()) {
      return "key name is empty";
    }
    String chars = forbiddenCharacter(name);
    if (chars != null) {
      return "key name holds a " + chars;
    }
    for (int i = 0; i < name.length(); ) {
      int cp = name.codePointAt(i);
      if (cp == '+') {
        return "key name '" + name + "' contains '+'";
      }
      if (Character.isWhitespace(cp) || Character.isSpaceChar(cp) || cp == 0x85) {
        return "key name '" + name + "' contains a space (U+" + hex4(cp) + ")";
      }
      i += Character.charCount(cp);
    }
    return null;
  }

  static String checkKeyName(String name) {
    String problem = keyNameProblem(name);
    if (problem != null) {
      throw new IllegalArgumentException(problem + "; allowed: non-empty, no spaces, no '+'");
    }
    return name;
  }

  /**
   * Describes the first character a signed note may not contain (a control character other than
   * newline, or a lone surrogate, which has no UTF-8 form), or null if there is none.
   */
  static String forbiddenCharacter(String text) {
    for (int i = 0; i < text.length(); i++) {
      char c = text.charAt(i);
      if (c < 0x20 && c != '\n') {
        return "control character U+" + hex4(c) + " at index " + i;
      }
      if (Character.isHighSurrogate(c)
          && i + 1 < text.length()
          && Character.isLowSurrogate(text.charAt(i + 1))) {
        i++;
      } else if (Character.isSurrogate(c)) {
        return "lone surrogate U+" + hex4(c) + " at index " + i;
      }
    }
    return null;
  }

  /**
   * Decodes standard base64 (RFC 4648 section 4), accepting only the one canonical spelling of each
   * byte string: padded, and with zero bits after the last byte. The JDK decoder alone would also
   * take unpadded text and stray trailing bits, letting one signature have several spellings.
   *
   * @return the bytes, or null if {@code text} is not canonical base64
   */
  static byte[] decodeBase64(String text) {
    byte[] bytes;
    try {
      bytes = Base64.getDecoder().decode(text);
    } catch (IllegalArgumentException e) {
      return null;
    }
    return Base64.getEncoder().encodeToString(bytes).equals(text) ? bytes : null;
  }

  static String encodeBase64(byte[] bytes) {
    return Base64.getEncoder().encodeToString(bytes);
  }

  /** Parses an 8-digit hexadecimal key ID, or returns null if {@code text} is not one. */
  static Integer parseKeyId(String text) {
    return KEY_ID.matcher(text).matches() ? Integer.parseUnsignedInt(text, 16) : null;
  }

  static String formatKeyId(int keyId) {
    return String.format("%08x", keyId);
  }

  private static String hex4(int codePoint) {
    return String.format("%04X", codePoint);
  }
}
