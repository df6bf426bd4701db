package io.lineageledger.platform;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The embedded PostgreSQL 17 server with a persistent data directory.
 *
 * <p>The postmaster is a child process, so it outlives a JVM killed with {@code kill -9}. The next
 * start finds it through {@code postmaster.pid}, stops it (its clients died with the JVM, so a
 * smart shutdown completes) and starts afresh; PostgreSQL's own WAL recovery does the rest.
 */
final class EmbeddedServer implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(EmbeddedServer.class);
  private static final Duration STARTUP_WAIT = Duration.ofSeconds(60);
  private static final Duration ORPHAN_STOP_WAIT = Duration.ofSeconds(30);

  /** Null when attached to a server another process owns. */
  private final EmbeddedPostgres postgres;

  private final DataDirLock lock;
  private final int port;

  private EmbeddedServer(EmbeddedPostgres postgres, DataDirLock lock, int port) {
    this.postgres = postgres;
    this.lock = lock;
    this.port = port;
  }

  /**
   * For tools (the CLI): uses the server of the service that holds the data directory when one
   * runs, else starts one of its own.
   */
  static EmbeddedServer attachOrStart(Path dataDir, int port, int sharedBuffersMb) {
    try {
      return start(dataDir, port, sharedBuffersMb);
    } catch (DataDirLock.InUseException inUse) {
      Path pidFile = dataDir.resolve("postgres").resolve("postmaster.pid");
      try {
        // postmaster.pid: line 1 pid, line 4 port (PostgreSQL's documented layout).
        var lines = Files.readAllLines(pidFile, StandardCharsets.US_ASCII);
        int runningPort = Integer.parseInt(lines.get(3).trim());
        return new EmbeddedServer(null, null, runningPort);
      } catch (IOException | RuntimeException e) {
        throw new DatabaseException(
            inUse.getMessage() + ", and its embedded PostgreSQL cannot be found via " + pidFile, e);
      }
    }
  }

  /**
   * Starts the server, holding the data directory's lock until {@link #close()}.
   *
   * @throws DatabaseException when another process holds the lock or PostgreSQL cannot start
   */
  static EmbeddedServer start(Path dataDir, int port, int sharedBuffersMb) {
    DataDirLock lock = DataDirLock.acquire(dataDir);
    try {
      EmbeddedPostgres pg = startLocked(dataDir, port, sharedBuffersMb);
      return new EmbeddedServer(pg, lock, pg.getPort());
    } catch (RuntimeException e) {
      lock.close();
      throw e;
    }
  }

  private static EmbeddedPostgres startLocked(Path dataDir, int port, int sharedBuffersMb) {
    Path pgData = dataDir.resolve("postgres");
    Path binaries = dataDir.resolve("pg-binaries");
    try {
      Files.createDirectories(pgData);
      Files.createDirectories(binaries);
      stopOrphan(pgData);
      EmbeddedPostgres.Builder builder =
          EmbeddedPostgres.builder()
              .setDataDirectory(pgData)
              .setCleanDataDirectory(false)
              .setOverrideWorkingDirectory(binaries.toFile())
              .setPGStartupWait(STARTUP_WAIT)
              .setRegisterShutdownHook(false)
              .setServerConfig("listen_addresses", "127.0.0.1")
              .setServerConfig("max_connections", "100")
              // zonky starts postgres with -F (fsync off), meant for throwaway test databases. A
              // later -c wins, and acknowledged data must survive a crash of the machine too.
              .setServerConfig("fsync", "on")
              .setServerConfig("synchronous_commit", "on")
              .setServerConfig("full_page_writes", "on")
              // PostgreSQL's default (128 MB) is sized for a shared host; at 1M records the graph
              // queries spent most of their database time copying pages back from the OS cache.
              .setServerConfig("shared_buffers", sharedBuffersMb + "MB");
      if (port > 0) {
        builder.setPort(port);
      }
      return builder.start();
    } catch (IOException | RuntimeException e) {
      throw new DatabaseException(
          "embedded PostgreSQL failed to start in "
              + pgData
              + ": "
              + e.getMessage()
              + " (is the directory writable and not used by another running service?)",
          e);
    }
  }

  /** Stops a postmaster left running by a JVM that died without closing it. */
  private static void stopOrphan(Path pgData) throws IOException {
    Path pidFile = pgData.resolve("postmaster.pid");
    if (!Files.exists(pidFile)) {
      return;
    }
    String first =
        Files.readAllLines(pidFile, StandardCharsets.US_ASCII).stream().findFirst().orElse("");
    long pid;
    try {
      pid = Long.parseLong(first.trim());
    } catch (NumberFormatException e) {
      return; // unreadable pid file: pg_ctl will judge it
    }
    Optional<ProcessHandle> handle = ProcessHandle.of(pid);
    if (handle.isEmpty() || !handle.get().isAlive()) {
      return;
    }
    String command = handle.get().info().command().orElse("");
    if (!command.endsWith("postgres")) {
      return; // pid reused by an unrelated process; postgres itself handles a stale pid file
    }
    log.warn(
        "embedded PostgreSQL (pid {}) was left running by an earlier unclean exit; stopping it",
        pid);
    handle.get().destroy();
    try {
      handle.get().onExit().get(ORPHAN_STOP_WAIT.toSeconds(), TimeUnit.SECONDS);
    } catch (TimeoutException e) {
      throw new DatabaseException(
          "embedded PostgreSQL pid "
              + pid
              + " left by an earlier run did not stop within "
              + ORPHAN_STOP_WAIT.toSeconds()
              + " s; stop it by hand");
    } catch (Exception e) {
      throw new DatabaseException("waiting for stale embedded PostgreSQL pid " + pid, e);
    }
  }

  String ownerJdbcUrl(String database) {
    return "jdbc:postgresql://127.0.0.1:" + port + "/" + database;
  }

  int port() {
    return port;
  }

  @Override
  public void close() {
    if (postgres == null) {
      return; // attached: the owning process stops it
    }
    try {
      postgres.close();
    } catch (IOException e) {
      log.warn("embedded PostgreSQL did not stop cleanly: {}", e.toString());
    } finally {
      lock.close();
    }
  }
}
