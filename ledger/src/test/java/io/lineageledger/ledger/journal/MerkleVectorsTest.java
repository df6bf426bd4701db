package io.lineageledger.ledger.journal;

import static org.assertj.core.api.Assertions.assertThat;

import io.lineageledger.ledger.merkle.Hashes;
import io.lineageledger.ledger.merkle.ProofVerifier;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The RFC 6962 reference tree used by Certificate Transparency implementations (values as published
 * in transparency-dev/merkle testonly/constants.go and google/certificate-transparency).
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

  @Test
  void inclusion_referenceProofs_builtAndVerified() throws Exception {
    List<byte[]> leaves = leafHashes(8);
    MemoryTree tree = new MemoryTree(leaves);
    byte[] root = HEX.parseHex(ROOTS[8]);
    List<byte[]> leaf0 =
        hashes(
            "96a296d224f285c67bee93c30f8a309157f0daa35dc5b87e410b78630a09cfc7",
            "5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e",
            "6b47aaf29ee3c2af9af889bc1fb9254dabd31177f16232dd6aab035ca39bf6e4");
    List<byte[]> leaf5 =
        hashes(
            "bc1a0643b12e4d2d7c77918f44e0f4f79a838b6cf9ec5b5c283e1f4d88599e6b",
            "ca854ea128ed050b41b35ffc1b87b8eb2bde461e9e3b5596ece6b9d5975a0ae0",
            "d37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7");
    assertThat(ProofBuilder.inclusion(tree, 0))
        .usingElementComparator(java.util.Arrays::compare)
        .isEqualTo(leaf0);
    assertThat(ProofBuilder.inclusion(tree, 5))
        .usingElementComparator(java.util.Arrays::compare)
        .isEqualTo(leaf5);
    ProofVerifier.verifyInclusion(0, 8, leaves.get(0), leaf0, root);
    ProofVerifier.verifyInclusion(5, 8, leaves.get(5), leaf5, root);
    assertThat(ProofBuilder.inclusion(new MemoryTree(leafHashes(1)), 0)).isEmpty();
  }

  @Test
  void consistency_referenceProofs_builtAndVerified() throws Exception {
    MemoryTree tree = new MemoryTree(leafHashes(8));
    byte[] root8 = HEX.parseHex(ROOTS[8]);
    List<byte[]> from2 =
        hashes(
            "5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e",
            "6b47aaf29ee3c2af9af889bc1fb9254dabd31177f16232dd6aab035ca39bf6e4");
    List<byte[]> from6 =
        hashes(
            "0ebc5d3437fbe2db158b9f126a1d118e308181031d0a949f8dededebc558ef6a",
            "ca854ea128ed050b41b35ffc1b87b8eb2bde461e9e3b5596ece6b9d5975a0ae0",
            "d37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7");
    List<byte[]> from2to5 =
        hashes(
            "5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e",
            "bc1a0643b12e4d2d7c77918f44e0f4f79a838b6cf9ec5b5c283e1f4d88599e6b");
    assertThat(ProofBuilder.consistency(tree, 2))
        .usingElementComparator(java.util.Arrays::compare)
        .isEqualTo(from2);
    assertThat(ProofBuilder.consistency(tree, 6))
        .usingElementComparator(java.util.Arrays::compare)
        .isEqualTo(from6);
    assertThat(ProofBuilder.consistency(new MemoryTree(leafHashes(5)), 2))
        .usingElementComparator(java.util.Arrays::compare)
        .isEqualTo(from2to5);
    ProofVerifier.verifyConsistency(2, 8, HEX.parseHex(ROOTS[2]), root8, from2);
    ProofVerifier.verifyConsistency(6, 8, HEX.parseHex(ROOTS[6]), root8, from6);
    ProofVerifier.verifyConsistency(2, 5, HEX.parseHex(ROOTS[2]), HEX.parseHex(ROOTS[5]), from2to5);
    ProofVerifier.verifyConsistency(
        1, 1, HEX.parseHex(ROOTS[1]), HEX.parseHex(ROOTS[1]), List.of());
  }
}
