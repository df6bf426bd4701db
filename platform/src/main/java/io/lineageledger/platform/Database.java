package io.lineageledger.platform;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Properties;
import javax.sql.DataSource;
import org.flywaydb.core.Flyway;
import org.flywaydb.core.api.FlywayException;

/**
 * The service's PostgreSQL: started (embedded) or reached (external), migrated by Flyway from
 * {@code classpath:db/migration}, and pooled. Connections handed out run as the restricted role
 * {@value #APP_ROLE}, which cannot rewrite append-only tables.
 */
public final class Database implements AutoCloseable {
  /** The role every pooled connection assumes; created and granted by the migrations. */
  public static final String APP_ROLE = "lineage_app";

  static final String EMBEDDED_DATABASE = "lineage";

  private final EmbeddedServer embedded;
  private final HikariDataSource pool;
  private final String ownerUrl;
  private final String user;
  private final Secret password;
  private final String migrationVersion;

  private Database(
      EmbeddedServer embedded,
      HikariDataSource pool,
      String ownerUrl,
      String user,
      Secret password,
      String migrationVersion) {
    this.embedded = embedded;
    this.pool = pool;
    this.ownerUrl = ownerUrl;
    this.user = user;
    this.password = password;
    this.migrationVersion = migrationVersion;
  }

  /**
   * Starts or reaches the database, applies pending migrations and opens the pool. Blocking.
   *
   * @throws DatabaseException naming the step that failed and why
   */
  public static Database open(DatabaseSettings settings) {
    return open(settings, false);
  }

  /**
   * Like {@link #open(DatabaseSettings)} for command-line tools: with an embedded database that a
   * running service already owns, connects to that server instead of failing.
   */
  public static Database openForTool(DatabaseSettings settings) {
    return open(settings, true);
  }

  private static Database open(DatabaseSettings settings, boolean attach) {
    EmbeddedServer embedded = null;
    try {
      String url;
      String user;
      Secret password;
      if (settings.embedded()) {
        embedded =
            attach
                ? EmbeddedServer.attachOrStart(
                    settings.dataDir(), settings.embeddedPort(), settings.embeddedSharedBuffersMb())
                : EmbeddedServer.start(
                    settings.dataDir(),
                    settings.embeddedPort(),
                    settings.embeddedSharedBuffersMb());
        createDatabaseIfMissing(embedded.ownerJdbcUrl("postgres"), EMBEDDED_DATABASE);
        url = embedded.ownerJdbcUrl(EMBEDDED_DATABASE);
        user = "postgres";
        password = Secret.of("");
      } else {
        url = settings.jdbcUrl().orElseThrow();
        user = settings.user();
        password = settings.password();
      }
      String version = migrate(url, user, password);
      HikariDataSource pool = pool(url, user, password, settings.poolSize());
      return new Database(embedded, pool, url, user, password, version);
    } catch (RuntimeException e) {
      if (embedded != null) {
        embedded.close();
      }
      throw e;
    }
  }

  private static void createDatabaseIfMissing(String adminUrl, String name) {
    try (Connection c = DriverManager.getConnection(adminUrl, "postgres", "");
        PreparedStatement exists =
            c.prepareStatement("SELECT 1 FROM pg_database WHERE datname = ?")) {
      exists.setString(1, name);
      try (ResultSet rs = exists.executeQuery()) {
        if (rs.next()) {
          return;
        }
      }
      try (Statement create = c.createStatement()) {
        create.execute("CREATE DATABASE " + name);
      }
    } catch (SQLException e) {
      throw new DatabaseException(
          "creating database '" + name + "' on the embedded server failed", e);
    }
  }

  private static String migrate(String url, String user, Secret password) {
    try {
      Flyway flyway =
          Flyway.configure()
              .dataSource(url, user, password.reveal())
              .locations("classpath:db/migration")
              .failOnMissingLocations(true)
              .load();
      flyway.migrate();
      var current = flyway.info().current();
      if (current == null) {
        throw new DatabaseException("no migrations found on the classpath under db/migration");
      }
      return current.getVersion().getVersion();
    } catch (FlywayException e) {
      throw new DatabaseException(
          "migrating " + redact(url) + " as '" + user + "' failed: " + e.getMessage(), e);
    }
  }

  private static HikariDataSource pool(String url, String user, Secret password, int size) {
    HikariConfig config = new HikariConfig();
    config.setJdbcUrl(url);
    config.setUsername(user);
    config.setPassword(password.reveal());
    config.setMaximumPoolSize(size);
    config.setMinimumIdle(Math.min(2, size));
    config.setPoolName("lineage");
    config.setConnectionInitSql("SET ROLE " + APP_ROLE);
    config.setInitializationFailTimeout(10_000);
    Properties props = new Properties();
    props.setProperty("reWriteBatchedInserts", "true");
    config.setDataSourceProperties(props);
    try {
      return new HikariDataSource(config);
    } catch (RuntimeException e) {
      throw new DatabaseException(
          "opening the connection pool to " + redact(url) + " failed: " + e.getMessage(), e);
    }
  }

  /** JDBC URLs may carry credentials in their query; never print those. */
  static String redact(String url) {
    int q = url.indexOf('?');
    return q < 0 ? url : url.substring(0, q) + "?…";
  }

  /** Pooled connections running as {@value #APP_ROLE}. */
  public DataSource dataSource() {
    return pool;
  }

  /** The schema version Flyway reached at start-up. */
  public String migrationVersion() {
    return migrationVersion;
  }

  /** The latest successfully applied migration, read live from the database. */
  public String currentMigrationVersion() throws SQLException {
    try (Connection c = pool.getConnection();
        Statement s = c.createStatement();
        ResultSet rs =
            s.executeQuery(
                "SELECT version FROM flyway_schema_history WHERE success AND version IS NOT NULL"
                    + " ORDER BY installed_rank DESC LIMIT 1")) {
      return rs.next() ? rs.getString(1) : "none";
    }
  }

  public boolean embedded() {
    return embedded != null;
  }

  /** Where the database is, safe to print. */
  public String describe() {
    return (embedded != null ? "embedded PostgreSQL on port " + embedded.port() + ", " : "")
        + redact(ownerUrl);
  }

  @Override
  public void close() {
    pool.close();
    if (embedded != null) {
      embedded.close();
    }
  }
}
