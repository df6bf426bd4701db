package io.lineageledger.platform;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class SecretTest {
  @Test
  void toString_nonEmpty_revealsNothing() {
    Secret s = Secret.of("hunter2");
    assertThat(s.toString()).doesNotContain("hunter2").isEqualTo("Secret[***]");
    assertThat(String.valueOf(java.util.List.of(s))).doesNotContain("hunter2");
  }

  @Test
  void matches_sameAndDifferentValues() {
    Secret s = Secret.of("hunter2");
    assertThat(s.matches("hunter2")).isTrue();
    assertThat(s.matches("hunter3")).isFalse();
    assertThat(s.matches(null)).isFalse();
  }
}
