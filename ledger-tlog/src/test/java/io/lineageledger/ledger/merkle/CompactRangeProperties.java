package io.lineageledger.ledger.merkle;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;

/**
 * Integrating leaves batch by batch, as the sequencer does, yields exactly what computing the tree
 * from scratch yields: the same roots, the same node hashes, and the same tiles.
 */
class CompactRangeProperties {
  @Property(tries = 150)
  void append_inRandomBatches_matchesFromScratchRootsAndNodes(
      @ForAll @IntRange(min = 0, max = 3000) int size, @ForAll long seed) {
    ReferenceTree tree = ReferenceTree.random(size, seed);
    Random random = new Random(seed);
    CompactRange range = CompactRange.empty();
    Set<Node> reported = new HashSet<>();
    int done = 0;
    while (done < size) {
      int batch = 1 + random.nextInt(Math.min(size - done, 1 + random.nextInt(700)));
      Integration grown = range.append(tree.leaves().subList(done, done + batch));
      Set<Node> expected = new HashSet<>(tree.nodes(done + batch));
      expected.removeAll(tree.nodes(done));

      assertThat(grown.oldSize()).isEqualTo(done);
      assertThat(grown.newSize()).isEqualTo(done + batch);
      assertThat(grown.nodes())
          .hasSize(expected.size())
          .containsExactlyInAnyOrderElementsOf(expected);
      assertThat(grown.root())
          .isEqualTo(tree.root(done + batch))
          .isEqualTo(Hashes.root(tree.leaves().subList(0, done + batch)));
      reported.addAll(grown.nodes());
      range = grown.range();
      done += batch;
    }
    assertThat(reported).containsExactlyInAnyOrderElementsOf(tree.nodes(size));
    assertThat(range.root()).isEqualTo(tree.root(size));
  }

  @Property(tries = 150)
  void of_storedRightEdge_resumesLikeAnUnbrokenRange(
      @ForAll @IntRange(min = 0, max = 3000) int size, @ForAll long seed) {
    ReferenceTree tree = ReferenceTree.random(size, seed);
    int split = size == 0 ? 0 : new Random(seed).nextInt(size + 1);
    List<byte[]> stored = tree.readHashes(CompactRange.nodeIds(split));
    CompactRange resumed = CompactRange.of(split, stored);

    assertThat(resumed.root()).isEqualTo(tree.root(split));
    assertThat(resumed.hashes()).containsExactlyElementsOf(stored);
    Integration rest = resumed.append(tree.leaves().subList(split, size));
    Integration whole = CompactRange.empty().append(tree.leaves());
    assertThat(rest.root()).isEqualTo(whole.root());
    assertThat(rest.range().hashes()).containsExactlyElementsOf(whole.range().hashes());
    assertThat(rest.range().hashes())
        .containsExactlyElementsOf(tree.readHashes(CompactRange.nodeIds(size)));
  }

  @Property(tries = 12)
  void tiles_writtenBatchByBatch_matchTilesFromScratch(
      @ForAll @IntRange(min = 1, max = 70_000) int size, @ForAll long seed) {
    ReferenceTree tree = ReferenceTree.random(size, seed);
    Random random = new Random(seed);
    // What a tile store would hold: the latest version of each (level, index).
    Map<List<Long>, TileContents> store = new HashMap<>();
    CompactRange range = CompactRange.empty();
    int done = 0;
    while (done < size) {
      int batch = 1 + random.nextInt(Math.min(size - done, random.nextBoolean() ? 300 : 20_000));
      Integration grown = range.append(tree.leaves().subList(done, done + batch));
      Map<TileId, byte[]> partials = new HashMap<>();
      for (TileId partial : grown.partialTilesToRead()) {
        TileContents old = store.get(key(partial));
        assertThat(old).as("stored %s", partial).isNotNull();
        assertThat(old.id()).isEqualTo(partial);
        partials.put(partial, old.hashes());
      }
      List<TileContents> written = grown.tiles(partials);
      assertThat(written)
          .extracting(TileContents::id)
          .containsExactlyElementsOf(grown.changedTiles());
      for (TileContents tile : written) {
        store.put(key(tile.id()), tile);
      }
      range = grown.range();
      done += batch;
    }
    Map<TileId, byte[]> expected = tree.tiles(size);
    assertThat(store.values())
        .extracting(TileContents::id)
        .containsExactlyInAnyOrderElementsOf(expected.keySet());
    assertThat(Tiles.tilesForSize(size)).containsExactlyInAnyOrderElementsOf(expected.keySet());
    for (TileContents tile : store.values()) {
      assertThat(tile.hashes()).as("%s", tile.id()).isEqualTo(expected.get(tile.id()));
    }
  }

  private static List<Long> key(TileId id) {
    return new ArrayList<>(List.of((long) id.level(), id.index()));
  }
}
