package io.lineageledger.graph;

import java.util.Arrays;

/**
 * A map from long to long with open addressing (linear probing) over two primitive arrays. A
 * lineage page collects thousands of (record id, leaf index) pairs: in a {@code HashMap<Long,
 * Long>} a third of an impact query's JVM time went to boxing, hashing and chasing the entries.
 * Keys are record ids, so {@link Long#MIN_VALUE} (never an id) marks a free slot and is refused as
 * a key. Not thread-safe; no removal (a page's citations only grow).
 */
final class LongLongMap {
  private static final long FREE = Long.MIN_VALUE;

  private long[] keys;
  private long[] values;
  private int size;

  /** A map with room for about {@code expected} entries before it grows. */
  LongLongMap(int expected) {
    if (expected < 0) {
      throw new IllegalArgumentException(
          "expected size " + expected + " is not allowed: expected >= 0");
    }
    // A power of two at most half full: short probe runs, and the slot is a mask away.
    int capacity = Integer.highestOneBit(Math.max(8, expected * 2 - 1)) << 1;
    keys = new long[capacity];
    values = new long[capacity];
    Arrays.fill(keys, FREE);
  }

  /** Maps {@code key} to {@code value}, replacing any earlier value. */
  void put(long key, long value) {
    if (key == FREE) {
      throw new IllegalArgumentException(
          "key " + key + " is not allowed: Long.MIN_VALUE marks a free slot");
    }
    int slot = find(keys, key);
    values[slot] = value;
    if (keys[slot] == FREE) {
      keys[slot] = key;
      size++;
      if (size * 2 > keys.length) {
        grow();
      }
    }
  }

  /** The value of {@code key}, or {@code absent} when it has none. */
  long get(long key, long absent) {
    if (key == FREE) {
      return absent;
    }
    int slot = find(keys, key);
    return keys[slot] == FREE ? absent : values[slot];
  }

  boolean containsKey(long key) {
    return key != FREE && keys[find(keys, key)] != FREE;
  }

  int size() {
    return size;
  }

  /** The keys, in no particular order. */
  long[] keys() {
    long[] out = new long[size];
    int n = 0;
    for (long k : keys) {
      if (k != FREE) {
        out[n++] = k;
      }
    }
    return out;
  }

  // The slot holding key, or the free slot where it would go.
  private static int find(long[] keys, long key) {
    int mask = keys.length - 1;
    int slot = mix(key) & mask;
    while (keys[slot] != FREE && keys[slot] != key) {
      slot = (slot + 1) & mask;
    }
    return slot;
  }

  // Record ids are dense and consecutive: spread them so neighbours do not form one long run.
  private static int mix(long key) {
    long h = key * 0x9E3779B97F4A7C15L;
    return (int) (h ^ (h >>> 32));
  }

  private void grow() {
    long[] oldKeys = keys;
    long[] oldValues = values;
    keys = new long[oldKeys.length * 2];
    values = new long[oldKeys.length * 2];
    Arrays.fill(keys, FREE);
    for (int i = 0; i < oldKeys.length; i++) {
      if (oldKeys[i] != FREE) {
        int slot = find(keys, oldKeys[i]);
        keys[slot] = oldKeys[i];
        values[slot] = oldValues[i];
      }
    }
  }
}
