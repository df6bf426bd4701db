package io.lineageledger.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class EvidenceSettingsTest {
  @Test
  void load_nothingSet_evidenceOnWithMlflowVariablesAnd10sWindows() {
    Settings s = Settings.load(Optional.empty(), Map.of("HOME", "/home/u"));
    assertThat(s.evidence().enabled()).isTrue();
    assertThat(s.evidence().options().envNames())
        .containsExactly("MLFLOW_RUN_ID", "MLFLOW_EXPERIMENT_ID");
    assertThat(s.evidence().options().window()).isEqualTo(Duration.ofSeconds(10));
    assertThat(s.evidence().options().commands()).isEmpty();
    assertThat(s.evidence().options().pathPrefixes()).isEmpty();
    assertThat(s.evidence().options().serverPorts()).isEmpty();
  }

  @Test
  void load_filtersFromEnv_prefixesAndPorts() {
    Settings s =
        Settings.load(
            Optional.empty(),
            Map.of(
                "LINEAGE_EVIDENCE_PATH_PREFIXES", " /data , /models/prod ",
                "LINEAGE_EVIDENCE_SERVER_PORTS", "5000, 443"));
    assertThat(s.evidence().options().pathPrefixes())
        .containsExactly(Path.of("/data"), Path.of("/models/prod"));
    assertThat(s.evidence().options().serverPorts()).containsExactly(5000, 443);
  }

  @Test
  void load_relativePrefix_namesKeySourceAndValue() {
    assertThatThrownBy(
            () ->
                Settings.load(
                    Optional.empty(), Map.of("LINEAGE_EVIDENCE_PATH_PREFIXES", "/data,models")))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("config key evidence.pathPrefixes")
        .hasMessageContaining("LINEAGE_EVIDENCE_PATH_PREFIXES")
        .hasMessageContaining("'/data,models'")
        .hasMessageContaining("absolute");
  }

  @Test
  void load_portNotANumber_namesKeyAndWhatIsAllowed() {
    assertThatThrownBy(
            () ->
                Settings.load(
                    Optional.empty(), Map.of("LINEAGE_EVIDENCE_SERVER_PORTS", "5000,http")))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("config key evidence.serverPorts")
        .hasMessageContaining("'5000,http'")
        .hasMessageContaining("1..65535");
  }

  @Test
  void load_portOutOfRange_refused() {
    assertThatThrownBy(
            () -> Settings.load(Optional.empty(), Map.of("LINEAGE_EVIDENCE_SERVER_PORTS", "70000")))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("evidence.serverPorts")
        .hasMessageContaining("70000");
  }

  @Test
  void load_evidenceFromEnv_listsTrimmed() {
    Settings s =
        Settings.load(
            Optional.empty(),
            Map.of(
                "LINEAGE_EVIDENCE_ENABLED", "false",
                "LINEAGE_EVIDENCE_WINDOW_SECONDS", "30",
                "LINEAGE_EVIDENCE_ENV_NAMES", " RUN_ID , TEAM ",
                "LINEAGE_EVIDENCE_COMMANDS", "python,torchrun"));
    assertThat(s.evidence().enabled()).isFalse();
    assertThat(s.evidence().options().window()).isEqualTo(Duration.ofSeconds(30));
    assertThat(s.evidence().options().envNames()).containsExactly("RUN_ID", "TEAM");
    assertThat(s.evidence().options().commands()).containsExactly("python", "torchrun");
  }

  @Test
  void load_badEnvName_namesKeySourceAndValue() {
    assertThatThrownBy(
            () ->
                Settings.load(
                    Optional.empty(), Map.of("LINEAGE_EVIDENCE_ENV_NAMES", "MLFLOW_RUN_ID,A=B")))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("config key evidence.envNames")
        .hasMessageContaining("LINEAGE_EVIDENCE_ENV_NAMES")
        .hasMessageContaining("'MLFLOW_RUN_ID,A=B'");
  }

  @Test
  void load_windowOutOfRange_refused() {
    assertThatThrownBy(
            () -> Settings.load(Optional.empty(), Map.of("LINEAGE_EVIDENCE_WINDOW_SECONDS", "0")))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("evidence.windowSeconds");
  }
}
