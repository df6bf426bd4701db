package io.lineageledger.anchor;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Instant;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * One block of the embedded anchor: one transaction's writes and event, hash-linked to the previous
 * block. The body is plain text, one field per line, so that anyone can re-hash it:
 *
 * <pre>
 * lineage-ledger anchor block v1
 * number &lt;n&gt;
 * previous &lt;base64 hash of block n-1, or 32 zero bytes&gt;
 * tx &lt;tx id&gt;
 * time &lt;ISO-8601 instant&gt;
 * function &lt;contract function&gt;
 * write &lt;base64 key&gt; &lt;base64 value&gt;      (one line per write, in write order)
 * event &lt;base64 payload&gt;                  (when the transaction set one)
 * </pre>
 *
 * The block hash is SHA-256 of the body; the service key signs the note {@link #signedText()}.
 */
record AnchorBlock(
    long number,
    byte[] previous,
    String txId,
    Instant txTime,
    String function,
    Map<String, byte[]> writes,
    byte[] event,
    byte[] body,
    byte[] hash) {
  static final byte[] GENESIS_PREVIOUS = new byte[32];
  private static final String MAGIC = "lineage-ledger anchor block v1";
  private static final Base64.Encoder B64 = Base64.getEncoder();
  private static final Base64.Decoder B64D = Base64.getDecoder();

  static AnchorBlock of(
      long number,
      byte[] previous,
      String txId,
      Instant txTime,
      String function,
      Map<String, byte[]> writes,
      byte[] event) {
    StringBuilder b = new StringBuilder(MAGIC).append('\n');
    b.append("number ").append(number).append('\n');
    b.append("previous ").append(B64.encodeToString(previous)).append('\n');
    b.append("tx ").append(txId).append('\n');
    b.append("time ").append(txTime).append('\n');
    b.append("function ").append(function).append('\n');
    for (Map.Entry<String, byte[]> w : writes.entrySet()) {
      b.append("write ")
          .append(B64.encodeToString(w.getKey().getBytes(StandardCharsets.UTF_8)))
          .append(' ')
          .append(B64.encodeToString(w.getValue()))
          .append('\n');
    }
    if (event != null) {
      b.append("event ").append(B64.encodeToString(event)).append('\n');
    }
    byte[] body = b.toString().getBytes(StandardCharsets.UTF_8);
    return new AnchorBlock(
        number,
        previous.clone(),
        txId,
        txTime,
        function,
        new LinkedHashMap<>(writes),
        event,
        body,
        sha256(body));
  }

  /**
   * Parses a stored body back into a block (recomputing its hash from the bytes).
   *
   * @throws IllegalArgumentException naming the line that is malformed
   */
  static AnchorBlock parse(byte[] body) {
    String[] lines = new String(body, StandardCharsets.UTF_8).split("\n", -1);
    if (lines.length < 7 || !lines[0].equals(MAGIC) || !lines[lines.length - 1].isEmpty()) {
      throw new IllegalArgumentException("block body does not start with '" + MAGIC + "'");
    }
    long number = Long.parseLong(field(lines, 1, "number"));
    byte[] previous = B64D.decode(field(lines, 2, "previous"));
    String tx = field(lines, 3, "tx");
    Instant time = Instant.parse(field(lines, 4, "time"));
    String function = field(lines, 5, "function");
    Map<String, byte[]> writes = new LinkedHashMap<>();
    byte[] event = null;
    for (int i = 6; i < lines.length - 1; i++) {
      if (lines[i].startsWith("write ")) {
        String[] kv = lines[i].substring(6).split(" ", 2);
        if (kv.length != 2) {
          throw new IllegalArgumentException("block line " + (i + 1) + " is a malformed write");
        }
        writes.put(new String(B64D.decode(kv[0]), StandardCharsets.UTF_8), B64D.decode(kv[1]));
      } else if (lines[i].startsWith("event ")) {
        event = B64D.decode(lines[i].substring(6));
      } else {
        throw new IllegalArgumentException("block line " + (i + 1) + " is not a write or event");
      }
    }
    return new AnchorBlock(
        number, previous, tx, time, function, writes, event, body.clone(), sha256(body));
  }

  private static String field(String[] lines, int i, String name) {
    if (!lines[i].startsWith(name + " ")) {
      throw new IllegalArgumentException("block line " + (i + 1) + " should be '" + name + " …'");
    }
    return lines[i].substring(name.length() + 1);
  }

  /** The note text the service key signs: binds the block number to its hash. */
  String signedText() {
    return "lineage-ledger embedded anchor block\n"
        + number
        + "\n"
        + B64.encodeToString(hash)
        + "\n";
  }

  static byte[] sha256(byte[]... parts) {
    try {
      MessageDigest d = MessageDigest.getInstance("SHA-256");
      for (byte[] p : parts) {
        d.update(p);
      }
      return d.digest();
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is missing from this JDK", e);
    }
  }
}
