package io.lineageledger.api;

import static org.assertj.core.api.Assertions.assertThat;

import io.lineageledger.ingest.mlflow.FakeMlflow;
import io.lineageledger.platform.testing.Await;
import io.vertx.core.Vertx;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A webhook answered 2xx survives {@code kill -9} of the service before it was processed: the
 * restarted service processes it, once.
 */
class MlflowCrashIT {
  private static final Pattern LISTENING =
      Pattern.compile("listening on (http://\\S+) \\(database: embedded PostgreSQL on port (\\d+)");

  @TempDir Path dataDir;

  /** The service as its own JVM, as {@code ./lineage up} runs it. */
  private static final class Child {
    final Process process;
    final Path log;

    Child(Path dataDir, String name, Map<String, String> env) throws IOException {
      String java = ProcessHandle.current().info().command().orElse("java");
      log = dataDir.resolveSibling(dataDir.getFileName() + "-" + name + ".log");
      ProcessBuilder pb =
          new ProcessBuilder(
                  java, "-cp", System.getProperty("java.class.path"), Main.class.getName(), "serve")
              .redirectErrorStream(true)
              .redirectOutput(log.toFile());
      pb.environment().keySet().removeIf(k -> k.startsWith("LINEAGE_"));
      pb.environment().put("LINEAGE_DATA_DIR", dataDir.toString());
      pb.environment().put("LINEAGE_HTTP_PORT", "0");
      pb.environment().putAll(env);
      process = pb.start();
    }

    List<String> lines() {
      try {
        return Files.readAllLines(log, StandardCharsets.UTF_8);
      } catch (IOException e) {
        return List.of();
      }
    }

    Matcher awaitListening() {
      Await.until(
          Duration.ofMinutes(3),
          () -> "the service listening (alive: " + process.isAlive() + "); saw " + lines(),
          () -> lines().stream().anyMatch(l -> LISTENING.matcher(l).find()));
      String line =
          lines().stream().filter(l -> LISTENING.matcher(l).find()).findFirst().orElseThrow();
      Matcher m = LISTENING.matcher(line);
      assertThat(m.find()).isTrue();
      return m;
    }
  }

  private static long count(int pgPort, String sql, Object... args) throws Exception {
    try (Connection c =
            DriverManager.getConnection(
                "jdbc:postgresql://127.0.0.1:" + pgPort + "/lineage", "postgres", "");
        PreparedStatement ps = c.prepareStatement(sql)) {
      for (int i = 0; i < args.length; i++) {
        ps.setObject(i + 1, args[i]);
      }
      try (ResultSet rs = ps.executeQuery()) {
        rs.next();
        return rs.getLong(1);
      }
    }
  }

  @Test
  void kill9AfterAcceptingBeforeProcessing_restartProcessesDeliveryOnce() throws Exception {
    Vertx vertx = Vertx.vertx();
    try (FakeMlflow mlflow = FakeMlflow.recorded(vertx)) {
      Map<String, String> env =
          Map.of(
              "LINEAGE_MLFLOW_SOURCES", "prod=" + mlflow.url(),
              "LINEAGE_MLFLOW_WEBHOOK_SECRETS", "prod=crash-secret",
              "LINEAGE_MLFLOW_SYNC_INTERVAL_SECONDS", "0",
              "LINEAGE_MLFLOW_INBOX_POLL_MILLIS", "50",
              "LINEAGE_MLFLOW_REQUEST_TIMEOUT_MILLIS", "600000");
      // MLflow takes the enrichment calls and never answers: the delivery is accepted and its
      // processing is under way, uncommitted, when the service dies.
      mlflow.mode(FakeMlflow.Mode.HANG);
      Child first = new Child(dataDir, "first", env);
      Matcher m = first.awaitListening();
      String base = m.group(1);
      int pgPort = Integer.parseInt(m.group(2));

      FakeMlflow.Delivery d =
          FakeMlflow.delivery(
              "model_version",
              "created",
              Map.of(
                  "name",
                  FakeMlflow.RECORDED_MODEL,
                  "version",
                  "1",
                  "run_id",
                  FakeMlflow.RECORDED_RUN,
                  "source",
                  "models:/" + FakeMlflow.RECORDED_LOGGED_MODEL),
              "crash-secret",
              Instant.now());
      assertThat(mlflow.post(base + "/api/v1/ingest/mlflow/prod/webhook", d)).isEqualTo(202);
      Await.until(Duration.ofSeconds(30), "enrichment under way", () -> mlflow.hung() > 0);

      first.process.destroyForcibly(); // SIGKILL: nothing gets to finish or flush
      assertThat(first.process.waitFor(30, TimeUnit.SECONDS)).isTrue();
      mlflow.mode(FakeMlflow.Mode.NORMAL);

      Child second = new Child(dataDir, "second", env);
      int pgPort2 = Integer.parseInt(second.awaitListening().group(2));
      try {
        Await.until(
            Duration.ofSeconds(60),
            "the delivery processed after the restart",
            () ->
                count(
                        pgPort2,
                        "SELECT count(*) FROM mlflow_delivery_state s JOIN mlflow_deliveries d"
                            + " ON d.id = s.delivery WHERE d.delivery_id = ? AND s.status = 'done'",
                        d.deliveryId())
                    == 1);
        assertThat(count(pgPort2, "SELECT count(*) FROM mlflow_deliveries")).isEqualTo(1);
        assertThat(
                count(
                    pgPort2,
                    "SELECT attempts FROM mlflow_delivery_state s JOIN mlflow_deliveries d"
                        + " ON d.id = s.delivery WHERE d.delivery_id = ?",
                    d.deliveryId()))
            .as("the killed attempt left no trace; one committed attempt")
            .isEqualTo(1);
        assertThat(
                count(
                    pgPort2,
                    "SELECT count(*) FROM journal_records WHERE source = 'mlflow:prod'"
                        + " AND kind = 'mlflow.model_version'"))
            .isEqualTo(1);
        assertThat(
                count(
                    pgPort2,
                    "SELECT count(*) FROM journal_records WHERE source = 'mlflow:prod'"
                        + " AND kind = 'mlflow.run'"))
            .isEqualTo(1);
        assertThat(pgPort2).isNotZero();
        assertThat(pgPort).isNotZero();
      } finally {
        second.process.destroy();
        second.process.waitFor(60, TimeUnit.SECONDS);
      }
    } finally {
      vertx.close().await();
    }
  }
}
