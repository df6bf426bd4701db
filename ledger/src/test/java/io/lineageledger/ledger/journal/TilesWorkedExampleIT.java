package io.lineageledger.ledger.journal;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.lineageledger.ledger.merkle.Hashes;
import io.lineageledger.platform.Database;
import io.lineageledger.platform.testing.SharedPostgres;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The tlog-tiles example size, 70,000 entries, through the real sequencer and PostgreSQL: 70000 =
 * 273·256 + 112, so level 0 has full tiles 000..272 and 273.p/112; level 1 holds 273 hashes: 000
 * and 001.p/17; level 2 holds one: 000.p/1. Entry bundles mirror level 0.
 */
class TilesWorkedExampleIT {
  private static final ObjectMapper JSON = new ObjectMapper();
  @TempDir Path dataDir;

  @Test
  void tiles_at70000Entries_existExactlyAsTheSpecLaysThemOut() throws Exception {
    try (Database db = Database.open(SharedPostgres.freshDatabase().settings(dataDir));
        TransparencyLog log = TransparencyLogIT.newLog(db, 20_000)) {
      List<byte[]> leaves = new ArrayList<>();
      for (int start = 0; start < 70_000; start += 5000) {
        List<Record> batch = new ArrayList<>();
        for (int i = start; i < start + 5000; i++) {
          Record r =
              Record.of(
                  "t",
                  "t.e",
                  "e" + i,
                  Instant.EPOCH,
                  List.of(),
                  JSON.createObjectNode().put("i", i));
          batch.add(r);
          leaves.add(Hashes.leafHash(r.canonicalBytes()));
        }
        log.journal().appendAll(batch);
        log.step();
      }
      log.step();
      assertThat(log.latestCheckpoint().orElseThrow().size()).isEqualTo(70_000);

      for (int n = 0; n <= 272; n++) {
        assertThat(log.tile(0, n, 256)).as("tile/0/" + n).isPresent();
        assertThat(log.entryBundle(n, 256)).as("tile/entries/" + n).isPresent();
      }
      assertThat(log.tile(0, 273, 112)).isPresent();
      assertThat(log.tile(0, 273, 113)).isEmpty();
      assertThat(log.tile(0, 273, 256)).isEmpty();
      assertThat(log.entryBundle(273, 112)).isPresent();
      assertThat(log.entryBundle(273, 113)).isEmpty();
      assertThat(log.tile(1, 0, 256)).isPresent();
      assertThat(log.tile(1, 1, 17)).isPresent();
      assertThat(log.tile(1, 1, 18)).isEmpty();
      assertThat(log.tile(2, 0, 1)).isPresent();
      assertThat(log.tile(2, 0, 2)).isEmpty();
      assertThat(log.tile(3, 0, 1)).isEmpty();

      // Contents: level-0 hashes are the leaves; level-1 entries are roots of 256-leaf subtrees.
      MemoryTree tree = new MemoryTree(leaves);
      byte[] partial = log.tile(0, 273, 112).orElseThrow();
      assertThat(Arrays.copyOfRange(partial, 111 * 32, 112 * 32)).isEqualTo(leaves.get(69_999));
      byte[] level1 = log.tile(1, 1, 17).orElseThrow();
      assertThat(Arrays.copyOfRange(level1, 16 * 32, 17 * 32))
          .isEqualTo(tree.range(272 * 256, 273 * 256));
      byte[] level2 = log.tile(2, 0, 1).orElseThrow();
      assertThat(level2).isEqualTo(tree.range(0, 65_536));
      assertThat(log.latestCheckpoint().orElseThrow().root()).isEqualTo(tree.root());
    }
  }
}
