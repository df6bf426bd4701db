package io.lineageledger.api;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** Paths as c2sp.org/tlog-tiles spells them. */
class TilePathTest {
  @Test
  void encodeIndex_specExamples() {
    assertThat(TilePath.encodeIndex(0)).isEqualTo("000");
    assertThat(TilePath.encodeIndex(273)).isEqualTo("273");
    assertThat(TilePath.encodeIndex(1000)).isEqualTo("x001/000");
    assertThat(TilePath.encodeIndex(1_234_067)).isEqualTo("x001/x234/067");
  }

  @Test
  void parse_canonicalPaths_roundTrip() {
    assertThat(TilePath.parse("tile/0/x001/x234/067"))
        .contains(new TilePath(false, 0, 1_234_067, 256));
    assertThat(TilePath.parse("tile/0/273.p/112")).contains(new TilePath(false, 0, 273, 112));
    assertThat(TilePath.parse("tile/1/001.p/17")).contains(new TilePath(false, 1, 1, 17));
    assertThat(TilePath.parse("tile/entries/273.p/112")).contains(new TilePath(true, -1, 273, 112));
    assertThat(TilePath.parse("tile/entries/x001/000")).contains(new TilePath(true, -1, 1000, 256));
  }

  @Test
  void parse_nonCanonicalOrInvalid_refused() {
    assertThat(TilePath.parse("tile/0/x000/001")).isEmpty(); // leading zero group
    assertThat(TilePath.parse("tile/0/1")).isEmpty(); // not 3 digits
    assertThat(TilePath.parse("tile/0/001.p/256")).isEmpty(); // a full tile has no .p
    assertThat(TilePath.parse("tile/0/001.p/0")).isEmpty();
    assertThat(TilePath.parse("tile/0/001.p/012")).isEmpty(); // leading zeros in W
    assertThat(TilePath.parse("tile/64/000")).isEmpty();
    assertThat(TilePath.parse("tile/0/001.p/")).isEmpty();
  }
}
