package io.lineageledger.ledger.journal;

import static org.assertj.core.api.Assertions.assertThat;

import io.lineageledger.ledger.merkle.Hashes;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The journal's tile arithmetic against the RFC 6962 reference tree used by Certificate
 * Transparency implementations (values as published in transparency-dev/merkle
 * testonly/constants.go); proofs over the same tree are tested in the merkle package.
 */
class MerkleVectorsTest {
  private static final HexFormat HEX = HexFormat.of();
  private static final String[] LEAVES = {
    "",
    "00",
    "10",
    "2021",
    "3031",
    "40414243",
    "5051525354555657",
    "606162636465666768696a6b6c6d6e6f"
  };
  private static final String[] ROOTS = {
    "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855",
    "6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d",
    "fac54203e7cc696cf0dfcb42c92a1d9dbaf70ad9e621f4bd8d98662f00e3c125",
    "aeb6bcfe274b70a14fb067a5e5578264db0fa9b51af5e0ba159158f329e06e77",
    "d37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7",
    "4e3bbb1f7b478dcfe71fb631631519a3bca12c9aefca1612bfce4c13a86264d4",
    "76e67dadbcdf1e10e1b74ddc608abd2f98dfb16fbce75277b5232a127f2087ef",
    "ddb89be403809e325750d3d263cd78929c2942b7942a34b77e122c9594a74c8c",
    "5dc9da79a70659a9ad559cb701ded9a2ab9d823aad2f4960cfe370eff4604328",
  };

  static List<byte[]> leafHashes(int n) {
    List<byte[]> out = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      out.add(Hashes.leafHash(HEX.parseHex(LEAVES[i])));
    }
    return out;
  }

  static List<byte[]> hashes(String... hex) {
    List<byte[]> out = new ArrayList<>();
    for (String h : hex) {
      out.add(HEX.parseHex(h));
    }
    return out;
  }

  @Test
  void roots_sizes0to8_matchReference() {
    for (int n = 0; n <= 8; n++) {
      assertThat(HEX.formatHex(new MemoryTree(leafHashes(n)).root()))
          .as("size " + n)
          .isEqualTo(ROOTS[n]);
      // The tile arithmetic the sequencer uses agrees too.
      if (n > 0) {
        assertThat(
                HEX.formatHex(
                    TileIntegration.integrate(0, level -> new byte[0][], leafHashes(n)).root()))
            .isEqualTo(ROOTS[n]);
      }
    }
  }
}
