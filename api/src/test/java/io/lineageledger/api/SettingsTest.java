package io.lineageledger.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SettingsTest {
  @TempDir Path dir;

  @Test
  void load_nothingSet_usesDocumentedDefaults() {
    Settings s = Settings.load(Optional.empty(), Map.of("HOME", "/home/u"));
    assertThat(s.httpHost()).isEqualTo("127.0.0.1");
    assertThat(s.httpPort()).isEqualTo(8080);
    assertThat(s.dataDir()).isEqualTo(Path.of("/home/u/.lineage-ledger"));
    assertThat(s.database().embedded()).isTrue();
  }

  @Test
  void load_yamlThenEnv_envWins() throws Exception {
    Path file = dir.resolve("c.yaml");
    Files.writeString(file, "http:\n  port: 9000\n  host: 0.0.0.0\ndb:\n  poolSize: 3\n");
    Settings s = Settings.load(Optional.of(file), Map.of("LINEAGE_HTTP_PORT", "9100"));
    assertThat(s.httpPort()).isEqualTo(9100);
    assertThat(s.httpHost()).isEqualTo("0.0.0.0");
    assertThat(s.database().poolSize()).isEqualTo(3);
  }

  @Test
  void load_mlflowSources_eachWithItsSecretAndUrl() {
    Settings s =
        Settings.load(
            Optional.empty(),
            Map.of(
                "LINEAGE_MLFLOW_SOURCES", "prod=http://mlflow:5000, lab",
                "LINEAGE_MLFLOW_WEBHOOK_SECRETS", "prod=s3cr=t,lab=other"));
    var sources = s.mlflow().sources();
    assertThat(sources)
        .extracting(io.lineageledger.ingest.mlflow.MlflowSource::id)
        .containsExactly("prod", "lab");
    assertThat(sources.get(0).baseUrl()).hasValue(java.net.URI.create("http://mlflow:5000"));
    assertThat(sources.get(0).webhookSecret().reveal()).isEqualTo("s3cr=t");
    assertThat(sources.get(1).baseUrl()).isEmpty();
    assertThat(s.mlflow().timestampTolerance()).isEqualTo(java.time.Duration.ofMinutes(5));
    assertThat(sources.toString()).doesNotContain("s3cr=t");
  }

  @Test
  void load_mlflowInboxKeys_defaultsAndOverrides() {
    Settings defaults =
        Settings.load(
            Optional.empty(),
            Map.of("LINEAGE_MLFLOW_SOURCES", "prod", "LINEAGE_MLFLOW_WEBHOOK_SECRETS", "prod=s"));
    assertThat(defaults.mlflow().inbox())
        .isEqualTo(io.lineageledger.ingest.mlflow.MlflowConfig.InboxSettings.defaults());
    Settings s =
        Settings.load(
            Optional.empty(),
            Map.of(
                "LINEAGE_MLFLOW_SOURCES", "prod",
                "LINEAGE_MLFLOW_WEBHOOK_SECRETS", "prod=s",
                "LINEAGE_MLFLOW_INBOX_WRITE_BATCH_MAX", "64",
                "LINEAGE_MLFLOW_INBOX_WRITE_LINGER_MILLIS", "0",
                "LINEAGE_MLFLOW_INBOX_MAX_BACKLOG", "5",
                "LINEAGE_MLFLOW_RETRY_AFTER_SECONDS", "30"));
    var inbox = s.mlflow().inbox();
    assertThat(inbox.writeBatchMax()).isEqualTo(64);
    assertThat(inbox.writeLinger()).isZero();
    assertThat(inbox.maxBacklog()).isEqualTo(5);
    assertThat(inbox.retryAfter()).isEqualTo(java.time.Duration.ofSeconds(30));
  }

  @Test
  void load_mlflowProcessorsTheDbPoolCannotServe_refusedNamingBoth() {
    assertThatThrownBy(
            () ->
                Settings.load(
                    Optional.empty(),
                    Map.of(
                        "LINEAGE_MLFLOW_SOURCES", "prod=http://mlflow:5000",
                        "LINEAGE_MLFLOW_WEBHOOK_SECRETS", "prod=s",
                        "LINEAGE_MLFLOW_INBOX_PROCESSORS", "3",
                        "LINEAGE_DB_POOL_SIZE", "8")))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("mlflow.inboxProcessors")
        .hasMessageContaining("db.poolSize (8)");
    assertThat(
            Settings.load(
                    Optional.empty(),
                    Map.of(
                        "LINEAGE_MLFLOW_SOURCES", "prod=http://mlflow:5000",
                        "LINEAGE_MLFLOW_WEBHOOK_SECRETS", "prod=s",
                        "LINEAGE_MLFLOW_INBOX_PROCESSORS", "3",
                        "LINEAGE_DB_POOL_SIZE", "9"))
                .mlflow()
                .inbox()
                .processors())
        .isEqualTo(3);
  }

  @Test
  void load_mlflowSourceWithoutSecret_refusedWithoutPrintingSecrets() {
    assertThatThrownBy(
            () ->
                Settings.load(
                    Optional.empty(),
                    Map.of(
                        "LINEAGE_MLFLOW_SOURCES", "prod=http://mlflow:5000,lab",
                        "LINEAGE_MLFLOW_WEBHOOK_SECRETS", "prod=hunter2")))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("config key mlflow.sources")
        .hasMessageContaining("'lab' has none")
        .message()
        .doesNotContain("hunter2");
    assertThatThrownBy(
            () ->
                Settings.load(
                    Optional.empty(),
                    Map.of(
                        "LINEAGE_MLFLOW_SOURCES", "prod",
                        "LINEAGE_MLFLOW_WEBHOOK_SECRETS", "prod=a,ghost=hunter2")))
        .hasMessageContaining("mlflow.webhookSecrets")
        .hasMessageContaining("[ghost]")
        .message()
        .doesNotContain("hunter2");
    assertThatThrownBy(
            () ->
                Settings.load(
                    Optional.empty(),
                    Map.of(
                        "LINEAGE_MLFLOW_SOURCES", "Prod!=ftp://x",
                        "LINEAGE_MLFLOW_WEBHOOK_SECRETS", "Prod!=hunter2")))
        .hasMessageContaining("MLflow source id 'Prod!'")
        .message()
        .doesNotContain("hunter2");
  }

  @Test
  void load_badPort_namesKeySourceValueAndRange() {
    assertThatThrownBy(() -> Settings.load(Optional.empty(), Map.of("LINEAGE_HTTP_PORT", "80800")))
        .isInstanceOf(ConfigException.class)
        .hasMessage(
            "config key http.port (from environment LINEAGE_HTTP_PORT) has value '80800': an integer 0..65535");
    assertThatThrownBy(() -> Settings.load(Optional.empty(), Map.of("LINEAGE_HTTP_PORT", "http")))
        .hasMessageContaining("'http'");
  }

  @Test
  void load_badDbUrl_namesKeyAndExpectedForm() {
    assertThatThrownBy(
            () -> Settings.load(Optional.empty(), Map.of("LINEAGE_DB_URL", "mysql://x/y")))
        .isInstanceOf(ConfigException.class)
        .hasMessage(
            "config key db.url (from environment LINEAGE_DB_URL) has value 'mysql://x/y':"
                + " expected jdbc:postgresql://host[:port]/database");
  }

  @Test
  void load_badDbUrlWithPassword_doesNotPrintThePassword() {
    assertThatThrownBy(
            () ->
                Settings.load(
                    Optional.empty(),
                    Map.of("LINEAGE_DB_URL", "jdbc:postgresql://h/?password=hunter2")))
        .hasMessageNotContaining("hunter2");
  }

  @Test
  void load_unknownYamlKey_listsAllowedKeys() throws Exception {
    Path file = dir.resolve("c.yaml");
    Files.writeString(file, "http:\n  prot: 9000\n");
    assertThatThrownBy(() -> Settings.load(Optional.of(file), Map.of()))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("'http.prot'")
        .hasMessageContaining("http.port");
  }

  @Test
  void toString_withPassword_hidesIt() {
    Settings s = Settings.load(Optional.empty(), Map.of("LINEAGE_DB_PASSWORD", "hunter2"));
    assertThat(s.toString()).doesNotContain("hunter2");
  }

  @Test
  void envName_camelCaseKey_becomesUpperSnake() {
    assertThat(ConfigKey.HTTP_BODY_LIMIT_BYTES.envName())
        .isEqualTo("LINEAGE_HTTP_BODY_LIMIT_BYTES");
    assertThat(ConfigKey.DB_EMBEDDED_PORT.envName()).isEqualTo("LINEAGE_DB_EMBEDDED_PORT");
  }

  @Test
  void readme_documentsEveryKey() throws Exception {
    Path readme = Path.of("..", "README.md");
    String text = Files.readString(readme);
    for (ConfigKey k : ConfigKey.values()) {
      assertThat(text)
          .as("README documents " + k.key)
          .contains("`" + k.key + "`")
          .contains("`" + k.envName() + "`");
    }
  }
}
