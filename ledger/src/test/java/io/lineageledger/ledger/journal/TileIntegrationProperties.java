package io.lineageledger.ledger.journal;

import io.lineageledger.ledger.merkle.Hashes;
import java.util.ArrayList;
import java.util.List;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;

/** Appending in random batches through the tile arithmetic gives the RFC 9162 root of the whole. */
class TileIntegrationProperties {
  static List<byte[]> leaves(int n, long seed) {
    List<byte[]> out = new ArrayList<>(n);
    for (int i = 0; i < n; i++) {
      out.add(Hashes.leafHash(java.nio.ByteBuffer.allocate(16).putLong(seed).putLong(i).array()));
    }
    return out;
  }

  @Property(tries = 60)
  void tileIntegration_inRandomBatches_equalsTheDefinition(
      @ForAll @IntRange(min = 1, max = 5000) int size,
      @ForAll @IntRange(min = 1, max = 700) int batch,
      @ForAll long seed) {
    List<byte[]> leaves = leaves(size, seed);
    java.util.Map<Integer, byte[][]> edge = new java.util.HashMap<>();
    long n = 0;
    byte[] root = null;
    while (n < size) {
      List<byte[]> chunk = leaves.subList((int) n, (int) Math.min(size, n + batch));
      TileIntegration.Result r =
          TileIntegration.integrate(n, level -> edge.getOrDefault(level, new byte[0][]), chunk);
      for (Tile t : r.tiles()) {
        edge.put(t.level(), t.width() == Tile.WIDTH ? new byte[0][] : t.hashes());
      }
      n = r.size();
      root = r.root();
    }
    org.assertj.core.api.Assertions.assertThat(root).isEqualTo(new MemoryTree(leaves).root());
  }
}
