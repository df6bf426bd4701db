package io.lineageledger.ledger.merkle;

/**
 * A perfect subtree of the log: the 2^level consecutive leaves starting at leaf {@code index *
 * 2^level}. Level 0 nodes are leaves.
 *
 * <p>Promises: {@code 0 <= level <= 62}, {@code index >= 0}, and the covered leaf range {@code
 * [begin(), end())} fits in a signed 64-bit tree size, so arithmetic on it never overflows.
 */
public record NodeId(int level, long index) {
  /** Largest level whose single node still covers a range of signed 64-bit leaf indices. */
  static final int MAX_LEVEL = 62;

  public NodeId {
    if (level < 0 || level > MAX_LEVEL) {
      throw new IllegalArgumentException(
          "level " + level + " outside [0, " + MAX_LEVEL + "] for node index " + index);
    }
    long limit = Long.MAX_VALUE >> level;
    if (index < 0 || index >= limit) {
      throw new IllegalArgumentException(
          "index " + index + " outside [0, " + limit + ") for level " + level);
    }
  }

  /** First leaf index covered by this node. */
  public long begin() {
    return index << level;
  }

  /** One past the last leaf index covered by this node. */
  public long end() {
    return (index + 1) << level;
  }

  /** The node one level up whose children include this one. */
  public NodeId parent() {
    return new NodeId(level + 1, index >> 1);
  }

  /** The other child of {@link #parent()}. */
  public NodeId sibling() {
    return new NodeId(level, index ^ 1);
  }

  @Override
  public String toString() {
    return "(" + level + ", " + index + ")";
  }
}
