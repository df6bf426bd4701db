package io.lineageledger.api;

import io.lineageledger.platform.testing.SharedPostgres;
import io.lineageledger.platform.testing.SharedPostgres.FreshDatabase;
import io.vertx.core.Vertx;
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
import java.time.Clock;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/**
 * The real service, in process, on a random port, against a fresh database of the shared server.
 */
final class TestService implements AutoCloseable {
  final FreshDatabase database;
  final Vertx vertx;
  final ApiVerticle verticle;
  final String base;
  final String adminKey;
  final ByteArrayOutputStream stdout;
  final Path dataDir;
  private final HttpClient http = HttpClient.newHttpClient();

  private TestService(
      FreshDatabase database,
      Vertx vertx,
      ApiVerticle verticle,
      ByteArrayOutputStream stdout,
      Path dataDir,
      String knownAdminKey) {
    this.database = database;
    this.vertx = vertx;
    this.verticle = verticle;
    this.base = "http://127.0.0.1:" + verticle.port();
    this.adminKey =
        knownAdminKey != null ? knownAdminKey : verticle.bootstrapKey().orElseThrow().reveal();
    this.stdout = stdout;
    this.dataDir = dataDir;
  }

  static TestService start(Map<String, String> extraEnv) throws Exception {
    return start(extraEnv, Clock.systemUTC());
  }

  /** The service on {@code clock} (e.g. one set to when recorded webhooks were signed). */
  static TestService start(Map<String, String> extraEnv, Clock clock) throws Exception {
    return start(
        SharedPostgres.freshDatabase(),
        Files.createTempDirectory("lineage-it"),
        extraEnv,
        null,
        clock);
  }

  /**
   * Stops this service and starts a new one on the same database and data directory, as an
   * operator's restart does; caches die with the old process.
   */
  TestService restart(Map<String, String> extraEnv) throws Exception {
    close();
    return start(database, dataDir, extraEnv, adminKey, Clock.systemUTC());
  }

  private static TestService start(
      FreshDatabase db,
      Path dataDir,
      Map<String, String> extraEnv,
      String knownAdminKey,
      Clock clock)
      throws Exception {
    Map<String, String> env = new HashMap<>();
    env.put("LINEAGE_DB_URL", db.jdbcUrl());
    env.put("LINEAGE_DATA_DIR", dataDir.toString());
    env.put("LINEAGE_HTTP_PORT", "0");
    env.put("LINEAGE_ACCESS_LOG_FLUSH_MILLIS", "20");
    // eBPF probes are for the tests that ask for them (RuntimeEvidenceIT)
    env.put("LINEAGE_EVIDENCE_ENABLED", "false");
    env.putAll(extraEnv);
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    Vertx vertx = Cli.newVertx();
    ApiVerticle verticle =
        new ApiVerticle(
            Optional.empty(), env, clock, new PrintStream(out, true, StandardCharsets.UTF_8));
    vertx
        .deployVerticle(verticle)
        .toCompletionStage()
        .toCompletableFuture()
        .get(2, TimeUnit.MINUTES);
    return new TestService(db, vertx, verticle, out, dataDir, knownAdminKey);
  }

  HttpResponse<String> get(String path, String key) throws IOException, InterruptedException {
    return send(request(path, key).GET().build());
  }

  HttpResponse<String> send(String method, String path, String key, String body)
      throws IOException, InterruptedException {
    HttpRequest.Builder b = request(path, key).header("Content-Type", "application/json");
    return send(
        b.method(
                method,
                body == null
                    ? HttpRequest.BodyPublishers.noBody()
                    : HttpRequest.BodyPublishers.ofString(body))
            .build());
  }

  private HttpRequest.Builder request(String path, String key) {
    HttpRequest.Builder b =
        HttpRequest.newBuilder(URI.create(base + path)).timeout(Duration.ofSeconds(30));
    if (key != null) {
      b.header("Authorization", "Bearer " + key);
    }
    return b;
  }

  HttpResponse<String> send(HttpRequest request) throws IOException, InterruptedException {
    return http.send(request, HttpResponse.BodyHandlers.ofString());
  }

  @Override
  public void close() throws Exception {
    vertx.close().toCompletionStage().toCompletableFuture().get(1, TimeUnit.MINUTES);
  }
}
