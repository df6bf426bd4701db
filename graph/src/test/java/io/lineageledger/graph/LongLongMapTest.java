package io.lineageledger.graph;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.HashMap;
import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class LongLongMapTest {
  @Test
  void putAndGet_manyKeysPastSeveralGrowths_agreeWithHashMap() {
    LongLongMap m = new LongLongMap(4);
    Map<Long, Long> reference = new HashMap<>();
    SplittableRandom rnd = new SplittableRandom(7);
    for (int i = 0; i < 20_000; i++) {
      // Dense runs (record ids side by side), scattered ids, zero and negatives; repeats replace.
      long key = i % 3 == 0 ? 51_000 + i : i % 3 == 1 ? rnd.nextLong(2_000) : -rnd.nextLong(50);
      m.put(key, i);
      reference.put(key, (long) i);
    }
    assertThat(m.size()).isEqualTo(reference.size());
    reference.forEach((k, v) -> assertThat(m.get(k, -1)).as("key %d", k).isEqualTo(v));
    assertThat(java.util.Arrays.stream(m.keys()).boxed().toList())
        .containsExactlyInAnyOrderElementsOf(reference.keySet());
  }

  @Test
  void get_absentKey_returnsTheGivenDefault() {
    LongLongMap m = new LongLongMap(0);
    m.put(5, 50);
    assertThat(m.get(6, -1)).isEqualTo(-1);
    assertThat(m.get(Long.MIN_VALUE, -7)).isEqualTo(-7);
    assertThat(m.containsKey(5)).isTrue();
    assertThat(m.containsKey(6)).isFalse();
  }

  @Test
  void put_theFreeSlotMarker_isRefused() {
    LongLongMap m = new LongLongMap(8);
    assertThatThrownBy(() -> m.put(Long.MIN_VALUE, 1))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("Long.MIN_VALUE");
    assertThat(m.size()).isZero();
  }

  @Test
  void cited_addFromSummaryListsAndFromBoxedLists_sameIdsAndLeaves() {
    GraphStore.Cited cited = new GraphStore.Cited();
    cited.add(new LongList(new long[] {10, 11, 12}, 2), new LongList(new long[] {0, 1, 2}, 2));
    cited.add(java.util.List.of(12L, 10L), java.util.List.of(2L, 0L));
    assertThat(cited.ids()).containsExactlyInAnyOrder(10L, 11L, 12L);
    assertThat(cited).containsExactlyInAnyOrder(10L, 11L, 12L).doesNotContain(13L);
    assertThat(cited.leafOf(11)).isEqualTo(1);
    assertThat(cited.leafOf(12)).isEqualTo(2);
    assertThatThrownBy(() -> cited.leafOf(13)).isInstanceOf(IllegalStateException.class);
  }
}
