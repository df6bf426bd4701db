package io.lineageledger.platform;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * An exclusive OS lock on {@code <dataDir>/lineage.lock}. Only the holder may start, stop or reap
 * the embedded server, so a second process (a CLI command while the service runs, or a second
 * service) can never stop a database that is in use. The OS drops the lock when its holder dies,
 * even by {@code kill -9}.
 */
final class DataDirLock implements AutoCloseable {
  private final FileChannel channel;
  private final FileLock lock;

  private DataDirLock(FileChannel channel, FileLock lock) {
    this.channel = channel;
    this.lock = lock;
  }

  static DataDirLock acquire(Path dataDir) {
    Path file = dataDir.resolve("lineage.lock");
    FileChannel channel = null;
    try {
      Files.createDirectories(dataDir);
      channel =
          FileChannel.open(
              file, StandardOpenOption.CREATE, StandardOpenOption.READ, StandardOpenOption.WRITE);
      FileLock lock;
      try {
        lock = channel.tryLock();
      } catch (OverlappingFileLockException e) {
        lock = null;
      }
      if (lock == null) {
        String holder = Files.readString(file, StandardCharsets.US_ASCII).trim();
        channel.close();
        throw new InUseException(
            "data directory "
                + dataDir
                + " is in use by another Lineage Ledger process"
                + (holder.isEmpty() ? "" : " (pid " + holder + ")")
                + "; stop it first or point this one at another data directory");
      }
      channel.truncate(0);
      channel.write(
          StandardCharsets.US_ASCII.encode(Long.toString(ProcessHandle.current().pid())), 0);
      return new DataDirLock(channel, lock);
    } catch (IOException e) {
      closeQuietly(channel);
      throw new DatabaseException("cannot lock data directory " + dataDir + ": " + e, e);
    }
  }

  /** Another live process holds the data directory. */
  static final class InUseException extends DatabaseException {
    private static final long serialVersionUID = 1L;

    InUseException(String message) {
      super(message);
    }
  }

  private static void closeQuietly(FileChannel channel) {
    if (channel != null) {
      try {
        channel.close();
      } catch (IOException ignored) {
        // already failing; the first error is the one worth reporting
      }
    }
  }

  @Override
  public void close() {
    try {
      lock.release();
    } catch (IOException ignored) {
      // closing the channel releases it too
    }
    closeQuietly(channel);
  }
}
