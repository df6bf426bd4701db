package io.lineageledger.graph;

import java.util.AbstractList;
import java.util.RandomAccess;

/**
 * The first {@code size} values of a {@code long[]} as an unmodifiable {@code List<Long>}, boxed
 * only when read as objects: a traversal reads the listed citations of thousands of edges and most
 * never reach the page (an impact page holds a third of the nodes it reaches).
 */
final class LongList extends AbstractList<Long> implements RandomAccess {
  private final long[] values;
  private final int size;

  LongList(long[] values, int size) {
    if (size < 0 || size > values.length) {
      throw new IllegalArgumentException(
          "size " + size + " is not allowed: expected 0.." + values.length);
    }
    this.values = values;
    this.size = size;
  }

  /** The value at {@code index}, unboxed. */
  long getLong(int index) {
    if (index < 0 || index >= size) {
      throw new IndexOutOfBoundsException("index " + index + " of " + size);
    }
    return values[index];
  }

  @Override
  public Long get(int index) {
    return getLong(index);
  }

  @Override
  public int size() {
    return size;
  }

  /**
   * The values of PostgreSQL's {@code array_to_string(bigint[], ',')}: the summaries' short lists
   * read as one text column, cheaper to send and read than an array column.
   */
  static long[] parseCommaSeparated(String s) {
    if (s.isEmpty()) {
      return new long[0];
    }
    int n = 1;
    for (int i = 0; i < s.length(); i++) {
      if (s.charAt(i) == ',') {
        n++;
      }
    }
    long[] out = new long[n];
    int k = 0;
    int start = 0;
    for (int i = 0; i <= s.length(); i++) {
      if (i == s.length() || s.charAt(i) == ',') {
        out[k++] = Long.parseLong(s, start, i, 10);
        start = i + 1;
      }
    }
    return out;
  }
}
