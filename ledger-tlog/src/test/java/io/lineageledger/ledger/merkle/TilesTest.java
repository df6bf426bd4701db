package io.lineageledger.ledger.merkle;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class TilesTest {
  @Test
  void encodeIndex_specExamples_areGroupedByThousands() {
    // c2sp.org/tlog-tiles: "index 1234067 will be encoded as x001/x234/067".
    assertThat(Tiles.encodeIndex(1234067)).isEqualTo("x001/x234/067");
    assertThat(Tiles.encodeIndex(0)).isEqualTo("000");
    assertThat(Tiles.encodeIndex(7)).isEqualTo("007");
    assertThat(Tiles.encodeIndex(999)).isEqualTo("999");
    assertThat(Tiles.encodeIndex(1000)).isEqualTo("x001/000");
    assertThat(Tiles.encodeIndex(1000001)).isEqualTo("x001/x000/001");
    assertThat(Tiles.encodeIndex(Long.MAX_VALUE)).isEqualTo("x009/x223/x372/x036/x854/x775/807");
  }

  @Test
  void path_fullAndPartialTiles_followSpecGrammar() {
    assertThat(new TileId(0, 1234067, 256).path()).isEqualTo("tile/0/x001/x234/067");
    assertThat(new TileId(0, 1234067, 8).path()).isEqualTo("tile/0/x001/x234/067.p/8");
    assertThat(new TileId(3, 5, 255).path()).isEqualTo("tile/3/005.p/255");
    assertThat(new TileId(0, 1234067, 256).entriesPath()).isEqualTo("tile/entries/x001/x234/067");
    assertThat(new TileId(0, 273, 112).entriesPath()).isEqualTo("tile/entries/273.p/112");
    assertThatThrownBy(() -> new TileId(1, 0, 256).entriesPath())
        .isInstanceOf(IllegalStateException.class)
        .hasMessage("entry bundles exist only for level-0 tiles, not for level 1");
  }

  @Test
  void tileId_outOfRangeFields_areRejectedWithRange() {
    assertThatThrownBy(() -> new TileId(0, 0, 0))
        .hasMessage("tile width 0 outside [1, 256] for tile 0/0");
    assertThatThrownBy(() -> new TileId(0, 0, 257))
        .hasMessage("tile width 257 outside [1, 256] for tile 0/0");
    assertThatThrownBy(() -> new TileId(64, 0, 1)).hasMessage("tile level 64 outside [0, 63]");
    assertThatThrownBy(() -> new TileId(0, -1, 1))
        .hasMessage("tile index -1 outside [0, 9223372036854775807] at level 0");
  }

  @Test
  void tilesForSize_specWorkedExampleOf70000_listsExactPaths() {
    // c2sp.org/tlog-tiles: "a tree of size 70,000 will be represented by 273 full level 0 tiles,
    // one partial level 0 tile of width 112, one full level 1 tile, one partial level 1 tile of
    // width 17, and one partial level 2 tile of width 1."
    List<String> expected = new ArrayList<>();
    for (int n = 0; n < 273; n++) {
      expected.add(String.format("tile/0/%03d", n));
    }
    expected.add("tile/0/273.p/112");
    expected.add("tile/1/000");
    expected.add("tile/1/001.p/17");
    expected.add("tile/2/000.p/1");

    List<String> paths = Tiles.tilesForSize(70_000).stream().map(TileId::path).toList();

    assertThat(paths).containsExactlyElementsOf(expected);
    assertThat(paths).hasSize(277);
    assertThat(paths.get(0)).isEqualTo("tile/0/000");
    assertThat(paths.get(272)).isEqualTo("tile/0/272");
  }

  @Test
  void tilesForSize_specExampleOf256_isOneFullTileAndAWidthOneTileAbove() {
    // "a tree of size 256 will be represented by a full level 0 tile and a partial level 1 tile of
    // width 1."
    assertThat(Tiles.tilesForSize(256).stream().map(TileId::path))
        .containsExactly("tile/0/000", "tile/1/000.p/1");
    assertThat(Tiles.tilesForSize(0)).isEmpty();
    assertThat(Tiles.tilesForSize(1).stream().map(TileId::path)).containsExactly("tile/0/000.p/1");
  }

  @Test
  void changedTiles_growthAcrossTileBoundary_listsNewWidths() {
    assertThat(Tiles.changedTiles(100, 101).stream().map(TileId::path))
        .containsExactly("tile/0/000.p/101");
    assertThat(Tiles.changedTiles(250, 600).stream().map(TileId::path))
        .containsExactly("tile/0/000", "tile/0/001", "tile/0/002.p/88", "tile/1/000.p/2");
    assertThat(Tiles.changedTiles(512, 512)).isEmpty();
    assertThat(Tiles.changedTiles(69_999, 70_000).stream().map(TileId::path))
        .containsExactly("tile/0/273.p/112");
    assertThat(Tiles.changedTiles(65_535, 65_536).stream().map(TileId::path))
        .containsExactly("tile/0/255", "tile/1/000", "tile/2/000.p/1");
  }

  @Test
  void partialTilesToExtend_growth_listsOldPartialsThatGrow() {
    assertThat(Tiles.partialTilesToExtend(250, 600).stream().map(TileId::path))
        .containsExactly("tile/0/000.p/250");
    assertThat(Tiles.partialTilesToExtend(70_000, 70_100).stream().map(TileId::path))
        .containsExactly("tile/0/273.p/112");
    assertThat(Tiles.partialTilesToExtend(70_000, 70_144).stream().map(TileId::path))
        .containsExactly("tile/0/273.p/112", "tile/1/001.p/17");
    assertThat(Tiles.partialTilesToExtend(512, 600)).isEmpty();
    assertThatThrownBy(() -> Tiles.partialTilesToExtend(10, 9))
        .hasMessage("newSize 9 outside [10, 9223372036854775807]");
  }

  @Test
  void locate_nodesOnAndBetweenTileLevels_pointIntoTheTileBelow() {
    // A level-8 hash is entry 3 of level-1 tile 0.
    assertThat(Tiles.locate(new NodeId(8, 3), 70_000))
        .isEqualTo(new TileSlot(new TileId(1, 0, 256), 3, 1));
    // Level 3 sits between tile levels: rebuilt from 8 leaf hashes of level-0 tile 1.
    assertThat(Tiles.locate(new NodeId(3, 40), 70_000))
        .isEqualTo(new TileSlot(new TileId(0, 1, 256), 64, 8));
    // On the right edge the tile is partial at this size.
    assertThat(Tiles.locate(new NodeId(4, 4372), 70_000))
        .isEqualTo(new TileSlot(new TileId(0, 273, 112), 64, 16));
    assertThat(Tiles.locate(new NodeId(16, 0), 70_000))
        .isEqualTo(new TileSlot(new TileId(2, 0, 1), 0, 1));
    assertThatThrownBy(() -> Tiles.locate(new NodeId(4, 4375), 70_000))
        .hasMessage("node (4, 4375) covers leaves [70000, 70016) beyond tree size 70000");
  }

  @Test
  void nodeHashes_fromTiles_matchEveryStoredNode() {
    int size = 1_000;
    ReferenceTree tree = ReferenceTree.random(size, 7);
    Map<TileId, byte[]> tiles = tree.tiles(size);
    List<NodeId> ids = new ArrayList<>();
    for (Node node : tree.nodes(size)) {
      ids.add(node.id());
    }
    assertThat(Tiles.tilesFor(ids, size)).containsExactlyInAnyOrderElementsOf(tiles.keySet());
    List<byte[]> hashes = Tiles.nodeHashes(ids, size, tiles);
    for (int i = 0; i < ids.size(); i++) {
      assertThat(hashes.get(i)).as("node %s", ids.get(i)).isEqualTo(tree.node(ids.get(i)));
    }
  }

  @Test
  void hashAt_widerVersionOfSameTile_givesSameHash() {
    ReferenceTree tree = ReferenceTree.random(600, 3);
    TileSlot atSize300 = Tiles.locate(new NodeId(2, 65), 300);
    assertThat(atSize300.tile()).isEqualTo(new TileId(0, 1, 44));
    byte[] full = tree.tiles(600).get(new TileId(0, 1, 256));
    assertThat(Tiles.hashAt(atSize300, full)).isEqualTo(tree.node(new NodeId(2, 65)));
    assertThatThrownBy(() -> Tiles.hashAt(atSize300, new byte[32 * 3]))
        .hasMessage(
            "tile tile/0/001.p/44 contents must be a multiple of 32 bytes in [256, 8192], got 96 bytes");
  }

  @Test
  void buildChangedTiles_missingPartial_namesTheTile() {
    ReferenceTree tree = ReferenceTree.random(300, 5);
    Integration grow =
        CompactRange.of(250, hashesOf(tree, 250)).append(tree.leaves().subList(250, 300));
    assertThat(grow.partialTilesToRead()).containsExactly(new TileId(0, 0, 250));
    assertThatThrownBy(() -> grow.tiles(Map.of()))
        .hasMessage(
            "partial tile tile/0/000.p/250 must be supplied with exactly 8000 bytes to extend it,"
                + " got nothing");
    Map<TileId, byte[]> partials = new HashMap<>();
    partials.put(new TileId(0, 0, 250), tree.tiles(250).get(new TileId(0, 0, 250)));
    List<TileContents> written = grow.tiles(partials);
    Map<TileId, byte[]> expected = tree.tiles(300);
    assertThat(written).extracting(TileContents::id).containsExactlyElementsOf(grow.changedTiles());
    for (TileContents tile : written) {
      assertThat(tile.hashes()).as("%s", tile.id()).isEqualTo(expected.get(tile.id()));
    }
  }

  @Test
  void buildChangedTiles_nodeFromAnotherBatch_isRejected() {
    ReferenceTree tree = ReferenceTree.random(10, 5);
    List<Node> stale = List.of(new Node(new NodeId(0, 2), tree.node(new NodeId(0, 2))));
    assertThatThrownBy(() -> Tiles.buildChangedTiles(5, 6, Map.of(), stale))
        .hasMessage("node (0, 2) is not new when growing from 5 to 6");
  }

  private static List<byte[]> hashesOf(ReferenceTree tree, long size) {
    List<byte[]> hashes = new ArrayList<>();
    for (NodeId id : CompactRange.nodeIds(size)) {
      hashes.add(tree.node(id));
    }
    return hashes;
  }
}
