package io.lineageledger.platform.testing;

import io.lineageledger.platform.DatabaseSettings;
import io.lineageledger.platform.Secret;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The one embedded PostgreSQL a test JVM uses: started on first use, stopped when the JVM exits.
 * Each caller of {@link #freshDatabase()} gets its own empty database on it, so test classes do not
 * see each other's rows; the real migrations are applied by {@code Database.open} as in production.
 */
public final class SharedPostgres {
  private static final AtomicInteger COUNTER = new AtomicInteger();
  private static EmbeddedPostgres server;

  private SharedPostgres() {}

  private static synchronized EmbeddedPostgres server() {
    if (server == null) {
      try {
        Path dir = Files.createTempDirectory("lineage-test-pg");
        server =
            EmbeddedPostgres.builder()
                .setDataDirectory(dir.resolve("data"))
                .setOverrideWorkingDirectory(dir.resolve("bin").toFile())
                .setPGStartupWait(Duration.ofSeconds(60))
                .setServerConfig("max_connections", "300")
                // Test data is disposable; skipping fsync keeps the suite fast on 2 cores.
                .setServerConfig("fsync", "off")
                .setServerConfig("synchronous_commit", "off")
                .start();
        EmbeddedPostgres started = server;
        Runtime.getRuntime()
            .addShutdownHook(
                new Thread(
                    () -> {
                      try {
                        started.close();
                      } catch (IOException ignored) {
                        // the JVM is exiting; nothing more to do
                      }
                    }));
      } catch (IOException e) {
        throw new UncheckedIOException("starting the shared test PostgreSQL", e);
      }
    }
    return server;
  }

  /** A new, empty database; migrations are applied when the code under test opens it. */
  public static FreshDatabase freshDatabase() {
    String name = "t" + ProcessHandle.current().pid() + "_" + COUNTER.incrementAndGet();
    try (Connection c = DriverManager.getConnection(superuserUrl("postgres"), "postgres", "");
        Statement s = c.createStatement()) {
      s.execute("CREATE DATABASE " + name);
    } catch (SQLException e) {
      throw new IllegalStateException("creating test database " + name, e);
    }
    return new FreshDatabase(name, superuserUrl(name));
  }

  static String superuserUrl(String database) {
    return server().getJdbcUrl("postgres", database);
  }

  /**
   * A database of the shared server.
   *
   * @param name database name
   * @param jdbcUrl URL to reach it (user postgres, no password)
   */
  public record FreshDatabase(String name, String jdbcUrl) {
    /** Settings as an operator would configure an external server. */
    public DatabaseSettings settings(Path dataDir) {
      return new DatabaseSettings(Optional.of(jdbcUrl), "postgres", Secret.of(""), 8, dataDir, 0);
    }

    /** A superuser connection, for tests that must act as a hostile operator. */
    public Connection superuser() throws SQLException {
      return DriverManager.getConnection(jdbcUrl, "postgres", "");
    }
  }
}
