package io.lineageledger.ledger.merkle;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Test oracle: every perfect-subtree hash of a tree, built level by level by pairing, plus the RFC
 * 9162 recursive definitions of MTH, PATH and PROOF written out literally. It shares no code with
 * the production algorithms beyond the two hash functions.
 */
final class ReferenceTree implements HashReader {
  private final List<List<byte[]>> levels = new ArrayList<>();

  ReferenceTree(List<byte[]> leafHashes) {
    levels.add(new ArrayList<>(leafHashes));
    for (List<byte[]> below = levels.get(0);
        below.size() > 1;
        below = levels.get(levels.size() - 1)) {
      List<byte[]> above = new ArrayList<>();
      for (int i = 0; i + 1 < below.size(); i += 2) {
        above.add(Hashes.nodeHash(below.get(i), below.get(i + 1)));
      }
      levels.add(above);
    }
  }

  /** A tree of {@code size} distinct pseudo-random leaves derived from {@code seed}. */
  static ReferenceTree random(int size, long seed) {
    return new ReferenceTree(leafHashes(size, seed));
  }

  static List<byte[]> leafHashes(int size, long seed) {
    List<byte[]> leaves = new ArrayList<>(size);
    for (int i = 0; i < size; i++) {
      leaves.add(Hashes.leafHash(ByteBuffer.allocate(16).putLong(seed).putLong(i).array()));
    }
    return leaves;
  }

  int size() {
    return levels.get(0).size();
  }

  List<byte[]> leaves() {
    return levels.get(0);
  }

  byte[] node(NodeId id) {
    return levels.get(id.level()).get(Math.toIntExact(id.index()));
  }

  @Override
  public List<byte[]> readHashes(List<NodeId> ids) {
    List<byte[]> out = new ArrayList<>();
    for (NodeId id : ids) {
      out.add(node(id).clone());
    }
    return out;
  }

  /** Every perfect node that exists among the first {@code size} leaves. */
  List<Node> nodes(int size) {
    List<Node> out = new ArrayList<>();
    for (int level = 0; level < levels.size(); level++) {
      for (int i = 0; ((long) (i + 1) << level) <= size; i++) {
        out.add(new Node(new NodeId(level, i), levels.get(level).get(i)));
      }
    }
    return out;
  }

  byte[] root(int size) {
    return size == 0 ? Hashes.emptyRoot() : mth(0, size);
  }

  /** MTH(D[from : from + count]) per RFC 9162 §2.1.1, reading perfect subtrees from the levels. */
  byte[] mth(int from, int count) {
    if (Integer.bitCount(count) == 1 && from % count == 0) {
      return levels.get(Integer.numberOfTrailingZeros(count)).get(from / count);
    }
    int k = Integer.highestOneBit(count - 1);
    return Hashes.nodeHash(mth(from, k), mth(from + k, count - k));
  }

  /** PATH(m, D[0:n]) per RFC 9162 §2.1.3.1. */
  List<byte[]> path(int m, int n) {
    return path(m, 0, n);
  }

  private List<byte[]> path(int m, int from, int n) {
    List<byte[]> out = new ArrayList<>();
    if (n == 1) {
      return out;
    }
    int k = Integer.highestOneBit(n - 1);
    if (m < k) {
      out.addAll(path(m, from, k));
      out.add(mth(from + k, n - k));
    } else {
      out.addAll(path(m - k, from + k, n - k));
      out.add(mth(from, k));
    }
    return out;
  }

  /** PROOF(m, D[0:n]) per RFC 9162 §2.1.4.1. */
  List<byte[]> proof(int m, int n) {
    return m == 0 ? new ArrayList<>() : subproof(m, 0, n, true);
  }

  private List<byte[]> subproof(int m, int from, int n, boolean b) {
    List<byte[]> out = new ArrayList<>();
    if (m == n) {
      if (!b) {
        out.add(mth(from, n));
      }
      return out;
    }
    int k = Integer.highestOneBit(n - 1);
    if (m <= k) {
      out.addAll(subproof(m, from, k, b));
      out.add(mth(from + k, n - k));
    } else {
      out.addAll(subproof(m - k, from + k, n - k, false));
      out.add(mth(from, k));
    }
    return out;
  }

  /** Every tile of the tree of {@code size} leaves, assembled directly from the levels. */
  Map<TileId, byte[]> tiles(int size) {
    Map<TileId, byte[]> out = new LinkedHashMap<>();
    for (int level = 0; level * Tiles.HEIGHT < levels.size(); level++) {
      int count = size >>> (level * Tiles.HEIGHT);
      List<byte[]> hashes = levels.get(level * Tiles.HEIGHT);
      for (int n = 0; n * Tiles.WIDTH < count; n++) {
        int width = Math.min(Tiles.WIDTH, count - n * Tiles.WIDTH);
        byte[] bytes = new byte[width * Hashes.SIZE];
        for (int i = 0; i < width; i++) {
          System.arraycopy(hashes.get(n * Tiles.WIDTH + i), 0, bytes, i * Hashes.SIZE, Hashes.SIZE);
        }
        out.put(new TileId(level, n, width), bytes);
      }
    }
    return out;
  }
}
