package io.lineageledger.chaincode;

/**
 * World-state key layout. Keys are simple (not composite) so that they can be range-scanned.
 *
 * <ul>
 *   <li>{@code L␁origin} — the registered log (origin, verifier key); written once.
 *   <li>{@code A␁origin␁<size, 19 digits>} — one anchored checkpoint; written once, ascending by
 *       size, so {@code history} is a range scan.
 *   <li>{@code N␁origin␁<Long.MAX_VALUE - size, 19 digits>} — the per-origin index, written once
 *       per anchor, in <em>descending</em> size order: the first key of the range is the newest
 *       anchor.
 * </ul>
 *
 * <p>Why the index instead of a "latest" key: a latest key would be read and rewritten by every
 * anchor of the origin, and every reader and writer of it would collide on its version. Here no key
 * is ever rewritten; an anchor transaction reads only the first entry of the index range, so its
 * read set (Fabric re-executes a range read at validation only up to the last key returned) is
 * invalidated only by a concurrent anchor of a larger checkpoint of the same origin — a genuine
 * conflict that must lose — and never by readers or by other origins.
 */
final class AnchorKeys {
  static final char SEP = '\u0001';
  private static final String DIGITS = "%019d";

  private AnchorKeys() {}

  static String log(String origin) {
    return "L" + SEP + origin;
  }

  static String anchor(String origin, long size) {
    return anchorPrefix(origin) + String.format(DIGITS, size);
  }

  static String anchorPrefix(String origin) {
    return "A" + SEP + origin + SEP;
  }

  /** One past the largest anchor key of the origin, as a range end. */
  static String anchorEnd(String origin) {
    return anchorPrefix(origin) + "~";
  }

  static String index(String origin, long size) {
    return indexPrefix(origin) + String.format(DIGITS, Long.MAX_VALUE - size);
  }

  static String indexPrefix(String origin) {
    return "N" + SEP + origin + SEP;
  }

  static String indexEnd(String origin) {
    return indexPrefix(origin) + "~";
  }

  /** Origins become part of keys: control characters would make key ranges ambiguous. */
  static String problemWithOrigin(String origin) {
    if (origin == null || origin.isEmpty()) {
      return "origin is empty";
    }
    for (int i = 0; i < origin.length(); i++) {
      if (Character.isISOControl(origin.charAt(i))) {
        return "origin contains control character U+"
            + String.format("%04X", (int) origin.charAt(i))
            + " at position "
            + i;
      }
    }
    return null;
  }
}
