package io.lineageledger.api;

import static org.assertj.core.api.Assertions.assertThat;

import io.lineageledger.platform.testing.Await;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Start-up as an operator sees it: config errors, and restarts after clean and unclean exits. */
class StartupIT {
  @TempDir Path dataDir;

  private static int serve(Map<String, String> env, ByteArrayOutputStream err) {
    return new Cli(
            new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8),
            new PrintStream(err, true, StandardCharsets.UTF_8),
            env,
            Clock.systemUTC())
        .run(new String[] {"serve"});
  }

  @Test
  void serve_badPort_stopsWithDocumentedMessage() {
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    int code =
        serve(Map.of("LINEAGE_HTTP_PORT", "-1", "LINEAGE_DATA_DIR", dataDir.toString()), err);
    assertThat(code).isEqualTo(1);
    assertThat(err.toString(StandardCharsets.UTF_8))
        .contains(
            "start-up failed: config key http.port (from environment LINEAGE_HTTP_PORT) has value '-1':"
                + " an integer 0..65535");
  }

  @Test
  void serve_unreachableDbUrl_stopsNamingTheDatabase() {
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    int code =
        serve(
            Map.of(
                "LINEAGE_DB_URL", "jdbc:postgresql://127.0.0.1:1/lineage",
                "LINEAGE_DB_PASSWORD", "hunter2",
                "LINEAGE_DATA_DIR", dataDir.toString(),
                "LINEAGE_HTTP_PORT", "0"),
            err);
    assertThat(code).isEqualTo(1);
    assertThat(err.toString(StandardCharsets.UTF_8))
        .contains(
            "start-up failed: migrating jdbc:postgresql://127.0.0.1:1/lineage as 'postgres' failed")
        .doesNotContain("hunter2");
  }

  @Test
  void serve_malformedDbUrl_stopsWithDocumentedMessage() {
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    int code =
        serve(
            Map.of("LINEAGE_DB_URL", "postgres://x", "LINEAGE_DATA_DIR", dataDir.toString()), err);
    assertThat(code).isEqualTo(1);
    assertThat(err.toString(StandardCharsets.UTF_8))
        .contains("config key db.url (from environment LINEAGE_DB_URL) has value 'postgres://x'");
  }

  /** The service as a separate JVM, as {@code ./lineage up} runs it, its output in a file. */
  private static final class Child {
    final Process process;
    final Path log;

    Child(Path dataDir, String name) throws IOException {
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
      process = pb.start();
    }

    List<String> lines() {
      try {
        return Files.readAllLines(log, StandardCharsets.UTF_8);
      } catch (IOException e) {
        return List.of();
      }
    }

    String awaitLine(Pattern p, Duration limit) {
      Await.until(
          limit,
          () ->
              "a line matching "
                  + p
                  + " from the service (alive: "
                  + process.isAlive()
                  + "); saw "
                  + lines(),
          () -> lines().stream().anyMatch(l -> p.matcher(l).find()));
      return lines().stream().filter(l -> p.matcher(l).find()).findFirst().orElseThrow();
    }

    static String group(String line, Pattern p) {
      Matcher m = p.matcher(line);
      assertThat(m.find()).isTrue();
      return m.group(1);
    }
  }

  private static final Pattern LISTENING =
      Pattern.compile("listening on (http://\\S+) \\(database: embedded PostgreSQL on port (\\d+)");
  private static final Pattern ADMIN_KEY = Pattern.compile("Admin API key .*: (llk_\\S+)");

  private static HttpResponse<String> get(String url, String key) throws Exception {
    HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(20));
    if (key != null) {
      b.header("Authorization", "Bearer " + key);
    }
    return HttpClient.newHttpClient().send(b.build(), HttpResponse.BodyHandlers.ofString());
  }

  private static List<String> migrationHistory(int pgPort) throws Exception {
    try (Connection c =
            DriverManager.getConnection(
                "jdbc:postgresql://127.0.0.1:" + pgPort + "/lineage", "postgres", "");
        Statement s = c.createStatement();
        ResultSet rs =
            s.executeQuery(
                "SELECT version || '@' || installed_on FROM flyway_schema_history ORDER BY installed_rank")) {
      List<String> out = new ArrayList<>();
      while (rs.next()) {
        out.add(rs.getString(1));
      }
      return out;
    }
  }

  @Test
  void restart_afterKill9AndAfterSigterm_keepsDataAndDoesNotReapplyMigrations() throws Exception {
    Child first = new Child(dataDir, "first");
    String line = first.awaitLine(LISTENING, Duration.ofMinutes(3));
    String base = Child.group(line, LISTENING);
    String adminKey = Child.group(first.awaitLine(ADMIN_KEY, Duration.ofSeconds(5)), ADMIN_KEY);
    int pgPort =
        Integer.parseInt(LISTENING.matcher(line).results().findFirst().orElseThrow().group(2));
    assertThat(get(base + "/health", null).statusCode()).isEqualTo(200);
    assertThat(get(base + "/api/v1/whoami", adminKey).statusCode()).isEqualTo(200);
    List<String> history = migrationHistory(pgPort);
    assertThat(history).isNotEmpty();

    first.process.destroyForcibly(); // SIGKILL: no shutdown hook, the postmaster is orphaned
    assertThat(first.process.waitFor(30, TimeUnit.SECONDS)).isTrue();

    Child second = new Child(dataDir, "second");
    String line2 = second.awaitLine(LISTENING, Duration.ofMinutes(2));
    String base2 = Child.group(line2, LISTENING);
    int pgPort2 =
        Integer.parseInt(LISTENING.matcher(line2).results().findFirst().orElseThrow().group(2));
    assertThat(get(base2 + "/health", null).statusCode()).isEqualTo(200);
    assertThat(get(base2 + "/api/v1/whoami", adminKey).statusCode())
        .as("key from before the kill")
        .isEqualTo(200);
    assertThat(second.lines()).noneMatch(l -> ADMIN_KEY.matcher(l).find());
    assertThat(migrationHistory(pgPort2)).isEqualTo(history);

    second.process.destroy(); // SIGTERM: graceful
    assertThat(second.process.waitFor(60, TimeUnit.SECONDS)).isTrue();
    second.awaitLine(Pattern.compile("Lineage Ledger stopped"), Duration.ofSeconds(10));
    assertThat(Files.exists(dataDir.resolve("postgres").resolve("postmaster.pid")))
        .as("embedded PostgreSQL stopped with the service")
        .isFalse();
  }
}
