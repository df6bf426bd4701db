package io.lineageledger.platform;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.lineageledger.platform.testing.SharedPostgres;
import io.lineageledger.platform.testing.SharedPostgres.FreshDatabase;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DatabaseIT {
  @TempDir Path dataDir;

  @Test
  void open_freshDatabase_appliesMigrationsAndRunsAsAppRole() throws Exception {
    FreshDatabase fresh = SharedPostgres.freshDatabase();
    try (Database db = Database.open(fresh.settings(dataDir))) {
      assertThat(db.migrationVersion()).isNotBlank();
      assertThat(db.currentMigrationVersion()).isEqualTo(db.migrationVersion());
      try (Connection c = db.dataSource().getConnection();
          Statement s = c.createStatement();
          var rs = s.executeQuery("SELECT current_user")) {
        rs.next();
        assertThat(rs.getString(1)).isEqualTo(Database.APP_ROLE);
      }
    }
  }

  @Test
  void accessLog_updateOrDelete_refusedForAppRoleAndSuperuser() throws Exception {
    FreshDatabase fresh = SharedPostgres.freshDatabase();
    try (Database db = Database.open(fresh.settings(dataDir))) {
      try (Connection c = db.dataSource().getConnection();
          PreparedStatement insert =
              c.prepareStatement(
                  "INSERT INTO access_log (at, method, path, params, status, duration_us)"
                      + " VALUES (now(), 'GET', '/x', '{}'::jsonb, 200, 1)")) {
        insert.executeUpdate();
        assertThatThrownBy(() -> c.createStatement().execute("UPDATE access_log SET status = 500"))
            .isInstanceOf(SQLException.class)
            .hasMessageContaining("permission denied");
        assertThatThrownBy(() -> c.createStatement().execute("DELETE FROM access_log"))
            .isInstanceOf(SQLException.class)
            .hasMessageContaining("permission denied");
      }
      try (Connection su = fresh.superuser();
          Statement s = su.createStatement()) {
        assertThatThrownBy(() -> s.execute("UPDATE access_log SET status = 500"))
            .hasMessageContaining("append-only");
        assertThatThrownBy(() -> s.execute("DELETE FROM access_log"))
            .hasMessageContaining("append-only");
        assertThatThrownBy(() -> s.execute("TRUNCATE access_log"))
            .hasMessageContaining("append-only");
        var rs = s.executeQuery("SELECT count(*) FROM access_log");
        rs.next();
        assertThat(rs.getLong(1)).isEqualTo(1);
      }
    }
  }

  @Test
  void open_unreachableServer_failsNamingTheUrl() {
    DatabaseSettings settings =
        new DatabaseSettings(
            Optional.of("jdbc:postgresql://127.0.0.1:1/nowhere"),
            "postgres",
            Secret.of("hunter2"),
            2,
            dataDir,
            0);
    assertThatThrownBy(() -> Database.open(settings))
        .isInstanceOf(DatabaseException.class)
        .hasMessageContaining("jdbc:postgresql://127.0.0.1:1/nowhere")
        .satisfies(e -> assertThat(e.getMessage()).doesNotContain("hunter2"));
  }

  @Test
  void open_embeddedTwice_reusesDataDirectoryWithoutReapplyingMigrations() throws Exception {
    DatabaseSettings settings =
        new DatabaseSettings(Optional.empty(), "postgres", Secret.of(""), 2, dataDir, 0);
    String historyQuery =
        "SELECT string_agg(version || '@' || installed_on, ',' ORDER BY installed_rank)"
            + " FROM flyway_schema_history";
    String history;
    try (Database db = Database.open(settings);
        Connection c = db.dataSource().getConnection();
        Statement s = c.createStatement()) {
      s.execute(
          "INSERT INTO access_log (at, method, path, params, status, duration_us)"
              + " VALUES (now(), 'GET', '/kept', '{}'::jsonb, 200, 1)");
      var rs = s.executeQuery(historyQuery);
      rs.next();
      history = rs.getString(1);
    }
    try (Database db = Database.open(settings);
        Connection c = db.dataSource().getConnection();
        Statement s = c.createStatement()) {
      var rs = s.executeQuery("SELECT count(*) FROM access_log WHERE path = '/kept'");
      rs.next();
      assertThat(rs.getLong(1)).isEqualTo(1);
      var again = s.executeQuery(historyQuery);
      again.next();
      assertThat(again.getString(1)).isEqualTo(history).isNotBlank();
    }
  }

  @Test
  void open_embeddedWithSharedBuffers_serverRunsWithThem() throws Exception {
    DatabaseSettings settings =
        new DatabaseSettings(Optional.empty(), "postgres", Secret.of(""), 2, dataDir, 0, 48);
    try (Database db = Database.open(settings);
        Connection c = db.dataSource().getConnection();
        Statement s = c.createStatement()) {
      var rs = s.executeQuery("SHOW shared_buffers");
      rs.next();
      assertThat(rs.getString(1)).isEqualTo("48MB");
    }
  }

  @Test
  void settings_sharedBuffersOutOfRange_refusedNamingKeyAndRange() {
    assertThatThrownBy(
            () ->
                new DatabaseSettings(Optional.empty(), "postgres", Secret.of(""), 2, dataDir, 0, 8))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("db.embedded.sharedBuffersMb 8 is not allowed: expected 16..65536");
  }
}
