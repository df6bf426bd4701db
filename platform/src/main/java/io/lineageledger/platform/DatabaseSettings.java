package io.lineageledger.platform;

import java.nio.file.Path;
import java.util.Objects;
import java.util.Optional;

/**
 * Where the service's PostgreSQL is. With no {@code jdbcUrl} an embedded server is started whose
 * data lives under {@code dataDir}/postgres and survives restarts.
 *
 * @param jdbcUrl external server ({@code jdbc:postgresql://host:port/db}); empty = embedded
 * @param user owner role that applies migrations (the service itself then runs as lineage_app)
 * @param password the owner's password
 * @param poolSize maximum pooled connections, 1..200
 * @param dataDir the service's data directory (embedded database, keys)
 * @param embeddedPort port for the embedded server, 0 = any free port
 * @param embeddedSharedBuffersMb the embedded server's {@code shared_buffers}, 16..65536 MB
 */
public record DatabaseSettings(
    Optional<String> jdbcUrl,
    String user,
    Secret password,
    int poolSize,
    Path dataDir,
    int embeddedPort,
    int embeddedSharedBuffersMb) {

  /** The service's default {@code db.embedded.sharedBuffersMb}. */
  public static final int DEFAULT_EMBEDDED_SHARED_BUFFERS_MB = 1024;

  /**
   * With the default shared buffers (tools, tests and benchmarks measure what the service runs).
   */
  public DatabaseSettings(
      Optional<String> jdbcUrl,
      String user,
      Secret password,
      int poolSize,
      Path dataDir,
      int embeddedPort) {
    this(
        jdbcUrl,
        user,
        password,
        poolSize,
        dataDir,
        embeddedPort,
        DEFAULT_EMBEDDED_SHARED_BUFFERS_MB);
  }

  public DatabaseSettings {
    Objects.requireNonNull(jdbcUrl, "jdbcUrl");
    Objects.requireNonNull(user, "user");
    Objects.requireNonNull(password, "password");
    Objects.requireNonNull(dataDir, "dataDir");
    jdbcUrl.ifPresent(
        url -> {
          if (!url.startsWith("jdbc:postgresql://")) {
            throw new IllegalArgumentException(
                "db.url '"
                    + url
                    + "' is not allowed: expected jdbc:postgresql://host[:port]/database");
          }
        });
    if (poolSize < 1 || poolSize > 200) {
      throw new IllegalArgumentException(
          "db.poolSize " + poolSize + " is not allowed: expected 1..200");
    }
    if (embeddedPort < 0 || embeddedPort > 65535) {
      throw new IllegalArgumentException(
          "db.embedded.port " + embeddedPort + " is not allowed: expected 0..65535");
    }
    if (embeddedSharedBuffersMb < 16 || embeddedSharedBuffersMb > 65536) {
      throw new IllegalArgumentException(
          "db.embedded.sharedBuffersMb "
              + embeddedSharedBuffersMb
              + " is not allowed: expected 16..65536");
    }
  }

  /** True when no external server is configured. */
  public boolean embedded() {
    return jdbcUrl.isEmpty();
  }
}
