package io.lineageledger.api;

import io.lineageledger.platform.Secret;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import javax.sql.DataSource;

/**
 * API keys: 256-bit random secrets shown once at creation and stored only as SHA-256 hashes.
 * Blocking (JDBC); callers on an event loop run it on a worker.
 */
final class ApiKeys {
  static final String PREFIX = "llk_";
  private static final SecureRandom RANDOM = new SecureRandom();

  private final DataSource db;
  private final Clock clock;

  ApiKeys(DataSource db, Clock clock) {
    this.db = db;
    this.clock = clock;
  }

  /** A key as stored: never the secret. */
  record KeyInfo(
      UUID id, String name, Role role, Instant createdAt, String createdBy, Instant revokedAt) {}

  /** A key just created: the only moment its secret exists outside the caller's hands. */
  record NewKey(KeyInfo info, Secret key) {}

  NewKey create(String name, Role role, String createdBy) throws SQLException {
    if (name == null || !name.matches("[A-Za-z0-9._@-]{1,64}")) {
      throw new IllegalArgumentException(
          "key name '" + name + "' is not allowed: expected 1..64 of A-Z a-z 0-9 . _ @ -");
    }
    byte[] raw = new byte[32];
    RANDOM.nextBytes(raw);
    String key = PREFIX + Base64.getUrlEncoder().withoutPadding().encodeToString(raw);
    UUID id = UUID.randomUUID();
    Instant now = clock.instant();
    try (Connection c = db.getConnection();
        PreparedStatement ps =
            c.prepareStatement(
                "INSERT INTO api_keys (id, name, role, key_hash, created_at, created_by)"
                    + " VALUES (?, ?, ?, ?, ?, ?)")) {
      ps.setObject(1, id);
      ps.setString(2, name);
      ps.setString(3, role.wire());
      ps.setBytes(4, hash(key));
      ps.setTimestamp(5, Timestamp.from(now));
      ps.setString(6, createdBy);
      ps.executeUpdate();
    } catch (SQLException e) {
      if ("23505".equals(e.getSQLState())) {
        throw new IllegalStateException("an active key named '" + name + "' already exists", e);
      }
      throw e;
    }
    return new NewKey(new KeyInfo(id, name, role, now, createdBy, null), Secret.of(key));
  }

  List<KeyInfo> list() throws SQLException {
    try (Connection c = db.getConnection();
        PreparedStatement ps =
            c.prepareStatement(
                "SELECT id, name, role, created_at, created_by, revoked_at FROM api_keys"
                    + " ORDER BY created_at, name");
        ResultSet rs = ps.executeQuery()) {
      List<KeyInfo> out = new ArrayList<>();
      while (rs.next()) {
        out.add(info(rs));
      }
      return out;
    }
  }

  /**
   * Revokes the active key with this id or name.
   *
   * @return the revoked key, or empty when no active key matches
   */
  Optional<KeyInfo> revoke(String idOrName, String revokedBy) throws SQLException {
    UUID id = parseUuid(idOrName);
    try (Connection c = db.getConnection();
        PreparedStatement ps =
            c.prepareStatement(
                "UPDATE api_keys SET revoked_at = ?, revoked_by = ?"
                    + " WHERE revoked_at IS NULL AND "
                    + (id != null ? "id = ?" : "name = ?")
                    + " RETURNING id, name, role, created_at, created_by, revoked_at")) {
      ps.setTimestamp(1, Timestamp.from(clock.instant()));
      ps.setString(2, revokedBy);
      if (id != null) {
        ps.setObject(3, id);
      } else {
        ps.setString(3, idOrName);
      }
      try (ResultSet rs = ps.executeQuery()) {
        return rs.next() ? Optional.of(info(rs)) : Optional.empty();
      }
    }
  }

  boolean hasActiveAdmin() throws SQLException {
    try (Connection c = db.getConnection();
        PreparedStatement ps =
            c.prepareStatement(
                "SELECT 1 FROM api_keys WHERE role = 'admin' AND revoked_at IS NULL LIMIT 1");
        ResultSet rs = ps.executeQuery()) {
      return rs.next();
    }
  }

  /** The active key's principal, or empty for an unknown, malformed or revoked key. */
  Optional<Principal> authenticate(String presented) throws SQLException {
    if (presented == null || !presented.startsWith(PREFIX) || presented.length() > 128) {
      return Optional.empty();
    }
    byte[] digest = hash(presented);
    try (Connection c = db.getConnection();
        PreparedStatement ps =
            c.prepareStatement(
                "SELECT id, name, role, key_hash FROM api_keys"
                    + " WHERE key_hash = ? AND revoked_at IS NULL")) {
      ps.setBytes(1, digest);
      try (ResultSet rs = ps.executeQuery()) {
        // The index lookup finds the row; the constant-time compare is the actual check.
        if (rs.next() && MessageDigest.isEqual(rs.getBytes(4), digest)) {
          return Optional.of(
              new Principal(
                  rs.getObject(1, UUID.class), rs.getString(2), Role.parse(rs.getString(3))));
        }
        return Optional.empty();
      }
    }
  }

  private static KeyInfo info(ResultSet rs) throws SQLException {
    Timestamp revoked = rs.getTimestamp(6);
    return new KeyInfo(
        rs.getObject(1, UUID.class),
        rs.getString(2),
        Role.parse(rs.getString(3)),
        rs.getTimestamp(4).toInstant(),
        rs.getString(5),
        revoked == null ? null : revoked.toInstant());
  }

  private static UUID parseUuid(String s) {
    try {
      return UUID.fromString(s);
    } catch (IllegalArgumentException e) {
      return null;
    }
  }

  static byte[] hash(String key) {
    try {
      return MessageDigest.getInstance("SHA-256").digest(key.getBytes(StandardCharsets.UTF_8));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is required of every JVM", e);
    }
  }
}
