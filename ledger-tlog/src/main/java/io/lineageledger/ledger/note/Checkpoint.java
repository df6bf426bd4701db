package io.lineageledger.ledger.note;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;
import java.util.regex.Pattern;

/**
 * A transparency log checkpoint (c2sp.org/tlog-checkpoint): the log's origin, the tree size and the
 * RFC 6962 Merkle root hash at that size, plus optional opaque extension lines.
 *
 * <p>Every instance renders to a valid checkpoint note text with {@link #body()}, and {@link
 * #parse(String)} accepts exactly the texts {@code body()} can produce, so a checkpoint survives a
 * round trip byte for byte. The root hash is copied in and out; instances are immutable.
 *
 * @param origin the log identity; non-empty, no control characters (so no newline)
 * @param size the number of leaves, at least 0
 * @param rootHash the 32-byte SHA-256 Merkle tree root
 * @param extensions extension lines, each non-empty and free of control characters
 */
public record Checkpoint(String origin, long size, byte[] rootHash, List<String> extensions) {

  /** Length of a SHA-256 root hash in bytes. */
  public static final int HASH_SIZE = 32;

  private static final Pattern DECIMAL = Pattern.compile("0|[1-9][0-9]*");

  public Checkpoint {
    Objects.requireNonNull(origin, "origin");
    Objects.requireNonNull(rootHash, "rootHash");
    Objects.requireNonNull(extensions, "extensions");
    requireValid(originProblem(origin));
    if (size < 0) {
      throw new IllegalArgumentException("size " + size + " is negative; tree sizes are >= 0");
    }
    requireValid(rootHashProblem(rootHash));
    for (int i = 0; i < extensions.size(); i++) {
      requireValid(extensionProblem(i + 1, Objects.requireNonNull(extensions.get(i), "extension")));
    }
    rootHash = rootHash.clone();
    extensions = List.copyOf(extensions);
  }

  /** A checkpoint without extension lines. */
  public Checkpoint(String origin, long size, byte[] rootHash) {
    this(origin, size, rootHash, List.of());
  }

  /** The root hash; a copy, so callers cannot change this checkpoint. */
  @Override
  public byte[] rootHash() {
    return rootHash.clone();
  }

  /**
   * The note text: origin, decimal size, base64 root hash and each extension line, every line
   * ending in a newline. This is the exact text a log signs.
   */
  public String body() {
    StringBuilder text = new StringBuilder();
    text.append(origin).append('\n');
    text.append(size).append('\n');
    text.append(NoteSyntax.encodeBase64(rootHash)).append('\n');
    for (String extension : extensions) {
      text.append(extension).append('\n');
    }
    return text.toString();
  }

  /**
   * Parses a checkpoint note text, as found in a verified signed note.
   *
   * @throws IllegalArgumentException naming the offending line and what it must look like, e.g.
   *     {@code malformed checkpoint body line 2: size '012' has a leading zero}
   */
  public static Checkpoint parse(String body) {
    Objects.requireNonNull(body, "body");
    if (!body.endsWith("\n")) {
      throw new IllegalArgumentException("malformed checkpoint body: does not end with a newline");
    }
    String[] lines = body.substring(0, body.length() - 1).split("\n", -1);
    if (lines.length < 3) {
      throw new IllegalArgumentException(
          "malformed checkpoint body: "
              + lines.length
              + (lines.length == 1 ? " line" : " lines")
              + "; origin, size and root hash lines are required");
    }
    failIfInvalid(1, originProblem(lines[0]));
    long size = parseSize(lines[1]);
    byte[] rootHash = NoteSyntax.decodeBase64(lines[2]);
    if (rootHash == null) {
      throw malformedLine(
          3, "root hash '" + lines[2] + "' is not canonical standard base64 (RFC 4648 section 4)");
    }
    failIfInvalid(3, rootHashProblem(rootHash));
    List<String> extensions = new ArrayList<>();
    for (int i = 3; i < lines.length; i++) {
      failIfInvalid(i + 1, extensionProblem(i - 2, lines[i]));
      extensions.add(lines[i]);
    }
    return new Checkpoint(lines[0], size, rootHash, extensions);
  }

  private static long parseSize(String line) {
    if (!DECIMAL.matcher(line).matches()) {
      boolean leadingZero = line.length() > 1 && line.charAt(0) == '0' && line.matches("[0-9]+");
      throw malformedLine(
          2,
          "size '"
              + line
              + (leadingZero ? "' has a leading zero" : "' is not a decimal number")
              + "; allowed: ASCII decimal digits without leading zeros");
    }
    try {
      return Long.parseLong(line);
    } catch (NumberFormatException e) {
      throw malformedLine(
          2, "size " + line + " exceeds the largest supported size " + Long.MAX_VALUE);
    }
  }

  private static String originProblem(String origin) {
    if (origin.isEmpty()) {
      return "origin is empty; a checkpoint needs its log's origin";
    }
    String forbidden = NoteSyntax.forbiddenCharacter(origin);
    if (forbidden == null && origin.indexOf('\n') >= 0) {
      forbidden = "newline at index " + origin.indexOf('\n');
    }
    return forbidden == null
        ? null
        : "origin holds a " + forbidden + "; origins are one line of text";
  }

  private static String rootHashProblem(byte[] rootHash) {
    return rootHash.length == HASH_SIZE
        ? null
        : "root hash is " + rootHash.length + " bytes; a SHA-256 root is " + HASH_SIZE + " bytes";
  }

  private static String extensionProblem(int number, String extension) {
    if (extension.isEmpty()) {
      return "extension line " + number + " is empty; extension lines must be non-empty";
    }
    String forbidden = NoteSyntax.forbiddenCharacter(extension);
    if (forbidden == null && extension.indexOf('\n') >= 0) {
      forbidden = "newline at index " + extension.indexOf('\n');
    }
    return forbidden == null
        ? null
        : "extension line "
            + number
            + " holds a "
            + forbidden
            + "; extensions are one line of text";
  }

  private static void requireValid(String problem) {
    if (problem != null) {
      throw new IllegalArgumentException(problem);
    }
  }

  private static void failIfInvalid(int lineNumber, String problem) {
    if (problem != null) {
      throw malformedLine(lineNumber, problem);
    }
  }

  private static IllegalArgumentException malformedLine(int lineNumber, String problem) {
    return new IllegalArgumentException(
        "malformed checkpoint body line " + lineNumber + ": " + problem);
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof Checkpoint other
        && size == other.size
        && origin.equals(other.origin)
        && Arrays.equals(rootHash, other.rootHash)
        && extensions.equals(other.extensions);
  }

  @Override
  public int hashCode() {
    return Objects.hash(origin, size, Arrays.hashCode(rootHash), extensions);
  }

  @Override
  public String toString() {
    return "Checkpoint[origin="
        + origin
        + ", size="
        + size
        + ", rootHash="
        + NoteSyntax.encodeBase64(rootHash)
        + ", extensions="
        + extensions
        + "]";
  }
}
