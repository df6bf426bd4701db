package io.lineageledger.graph;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import org.junit.jupiter.api.Test;

class LongListTest {
  @Test
  void parseCommaSeparated_postgresArrayToString_allValues() {
    assertThat(LongList.parseCommaSeparated("7")).containsExactly(7);
    assertThat(LongList.parseCommaSeparated("0,12,999999999999,-3"))
        .containsExactly(0, 12, 999_999_999_999L, -3);
    assertThat(LongList.parseCommaSeparated("")).isEmpty();
  }

  @Test
  void parseCommaSeparated_notANumber_isRefused() {
    assertThatThrownBy(() -> LongList.parseCommaSeparated("1,,2"))
        .isInstanceOf(NumberFormatException.class);
  }

  @Test
  void list_prefixOfArray_equalsAndPrintsAsAList() {
    LongList l = new LongList(new long[] {4, 5, 6}, 2);
    assertThat(l).isEqualTo(List.of(4L, 5L)).hasToString("[4, 5]");
    assertThat(l.getLong(1)).isEqualTo(5);
    assertThatThrownBy(() -> l.get(2)).isInstanceOf(IndexOutOfBoundsException.class);
    assertThat(new LongList(new long[] {4}, 0)).isEmpty();
    assertThatThrownBy(() -> new LongList(new long[] {4}, 2))
        .isInstanceOf(IllegalArgumentException.class);
  }
}
