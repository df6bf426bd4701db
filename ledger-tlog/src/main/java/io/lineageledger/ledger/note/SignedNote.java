package io.lineageledger.ledger.note;

import io.lineageledger.ledger.note.NoteVerificationException.Reason;
import java.util.ArrayList;
import java.util.List;

/**
 * A signed note split into its text and signature lines, with nothing verified yet. Parsing follows
 * c2sp.org/signed-note and golang.org/x/mod/sumdb/note: the text ends at the last blank line, and
 * every line after it must be a well-formed signature line, whoever signed it.
 */
record SignedNote(String text, List<Line> signatures) {

  /** More signatures than any deployment needs; bounds the work an unverified note can cause. */
  static final int MAX_SIGNATURES = 100;

  /** One signature line: key name, key ID and the signature bytes that follow the ID. */
  record Line(int number, String keyName, int keyId, byte[] signature) {}

  SignedNote {
    signatures = List.copyOf(signatures);
  }

  static SignedNote parse(String note) throws NoteVerificationException {
    String forbidden = NoteSyntax.forbiddenCharacter(note);
    if (forbidden != null) {
      throw malformed("holds a " + forbidden);
    }
    int split = note.lastIndexOf("\n\n");
    if (split < 0) {
      throw malformed("no blank line separates the text from the signatures");
    }
    String text = note.substring(0, split + 1);
    String block = note.substring(split + 2);
    if (block.isEmpty()) {
      throw malformed("no signature lines follow the blank line");
    }
    if (!block.endsWith("\n")) {
      throw malformed("the last signature line does not end with a newline");
    }
    String[] lines = block.substring(0, block.length() - 1).split("\n", -1);
    if (lines.length > MAX_SIGNATURES) {
      throw malformed(
          lines.length + " signature lines; at most " + MAX_SIGNATURES + " are accepted");
    }
    List<Line> signatures = new ArrayList<>(lines.length);
    for (int i = 0; i < lines.length; i++) {
      signatures.add(parseLine(i + 1, lines[i]));
    }
    return new SignedNote(text, signatures);
  }

  static String signatureLine(String keyName, int keyId, byte[] signature) {
    byte[] idAndSignature = new byte[4 + signature.length];
    idAndSignature[0] = (byte) (keyId >>> 24);
    idAndSignature[1] = (byte) (keyId >>> 16);
    idAndSignature[2] = (byte) (keyId >>> 8);
    idAndSignature[3] = (byte) keyId;
    System.arraycopy(signature, 0, idAndSignature, 4, signature.length);
    return NoteSyntax.SIGNATURE_PREFIX
        + keyName
        + " "
        + NoteSyntax.encodeBase64(idAndSignature)
        + "\n";
  }

  private static Line parseLine(int number, String line) throws NoteVerificationException {
    if (!line.startsWith(NoteSyntax.SIGNATURE_PREFIX)) {
      throw malformed(
          "signature line " + number + " does not start with an em dash (U+2014) and a space");
    }
    String rest = line.substring(NoteSyntax.SIGNATURE_PREFIX.length());
    int space = rest.indexOf(' ');
    if (space < 0) {
      throw malformed("signature line " + number + " has no space between key name and signature");
    }
    String keyName = rest.substring(0, space);
    String nameProblem = NoteSyntax.keyNameProblem(keyName);
    if (nameProblem != null) {
      throw malformed("signature line " + number + ": " + nameProblem);
    }
    byte[] decoded = NoteSyntax.decodeBase64(rest.substring(space + 1));
    if (decoded == null) {
      throw malformed("signature line " + number + ": signature is not canonical standard base64");
    }
    if (decoded.length < 5) {
      throw malformed(
          "signature line "
              + number
              + ": signature is "
              + decoded.length
              + " bytes; a 4-byte key ID and a signature are required");
    }
    int keyId =
        ((decoded[0] & 0xff) << 24)
            | ((decoded[1] & 0xff) << 16)
            | ((decoded[2] & 0xff) << 8)
            | (decoded[3] & 0xff);
    byte[] signature = new byte[decoded.length - 4];
    System.arraycopy(decoded, 4, signature, 0, signature.length);
    return new Line(number, keyName, keyId, signature);
  }

  private static NoteVerificationException malformed(String detail) {
    return new NoteVerificationException(Reason.MALFORMED_NOTE, "malformed note: " + detail);
  }
}
