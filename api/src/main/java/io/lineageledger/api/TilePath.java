package io.lineageledger.api;

import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A c2sp.org/tlog-tiles path: {@code tile/<L>/<N>[.p/<W>]} or {@code tile/entries/<N>[.p/<W>]},
 * with N as 3-digit path elements, all but the last prefixed by {@code x}. Only the canonical
 * spelling is accepted, so each tile has exactly one URL.
 */
record TilePath(boolean entries, int level, long index, int width) {
  private static final Pattern PATH =
      Pattern.compile("tile/(entries|[0-9]+)/((?:x[0-9]{3}/)*[0-9]{3})(?:\\.p/([0-9]+))?");

  static Optional<TilePath> parse(String path) {
    Matcher m = PATH.matcher(path);
    if (!m.matches()) {
      return Optional.empty();
    }
    boolean entries = m.group(1).equals("entries");
    int level;
    long index = 0;
    try {
      level = entries ? -1 : Integer.parseInt(m.group(1));
      for (String part : m.group(2).split("/")) {
        index =
            Math.multiplyExact(index, 1000)
                + Integer.parseInt(part.startsWith("x") ? part.substring(1) : part);
      }
    } catch (NumberFormatException | ArithmeticException e) {
      return Optional.empty();
    }
    int width = m.group(3) == null ? 256 : Integer.parseInt(m.group(3));
    if ((!entries && (level < 0 || level > 63))
        || (m.group(3) != null && (width < 1 || width > 255))) {
      return Optional.empty();
    }
    TilePath t = new TilePath(entries, level, index, width);
    return t.path().equals(path) ? Optional.of(t) : Optional.empty();
  }

  static String encodeIndex(long n) {
    StringBuilder sb = new StringBuilder(String.format("%03d", n % 1000));
    for (n /= 1000; n > 0; n /= 1000) {
      sb.insert(0, String.format("x%03d/", n % 1000));
    }
    return sb.toString();
  }

  String path() {
    return "tile/"
        + (entries ? "entries" : Integer.toString(level))
        + "/"
        + encodeIndex(index)
        + (width < 256 ? ".p/" + width : "");
  }
}
