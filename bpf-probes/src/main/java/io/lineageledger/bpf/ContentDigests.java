package io.lineageledger.bpf;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * SHA-256 of files the probes saw, computed in user space when a window closes: what the file holds
 * then, which for a file being written is its content after the writes. A digest is only given when
 * the path still names the same inode the kernel reported; files beyond the size bound get none.
 * Digests are cached by (dev, ino, size, mtime).
 */
final class ContentDigests {
  record Result(String sha256, String note) {}

  private record CacheKey(long dev, long ino, long size, FileTime mtime) {}

  private final long maxBytes;
  private final Map<CacheKey, String> cache;

  ContentDigests(long maxBytes, int cacheEntries) {
    this.maxBytes = maxBytes;
    this.cache =
        new LinkedHashMap<>(16, 0.75f, true) {
          @Override
          protected boolean removeEldestEntry(Map.Entry<CacheKey, String> e) {
            return size() > cacheEntries;
          }
        };
  }

  synchronized Result digest(Path path, long statDev, long ino) {
    if (path == null) {
      return new Result(null, "path unknown");
    }
    Map<String, Object> a;
    try {
      a = Files.readAttributes(path, "unix:dev,ino,size,lastModifiedTime");
    } catch (IOException | UnsupportedOperationException e) {
      return new Result(null, "not readable now: " + e.getMessage());
    }
    long dev = ((Number) a.get("dev")).longValue();
    long fileIno = ((Number) a.get("ino")).longValue();
    if (fileIno != ino || dev != statDev) {
      return new Result(null, "the path now names another file than the one the kernel saw");
    }
    long size = ((Number) a.get("size")).longValue();
    if (size > maxBytes) {
      return new Result(null, "larger than the digest bound of " + maxBytes + " bytes");
    }
    CacheKey key = new CacheKey(dev, ino, size, (FileTime) a.get("lastModifiedTime"));
    String hit = cache.get(key);
    if (hit != null) {
      return new Result(hit, null);
    }
    try (InputStream in = Files.newInputStream(path)) {
      MessageDigest md = MessageDigest.getInstance("SHA-256");
      byte[] buf = new byte[1 << 16];
      long total = 0;
      for (int n; (n = in.read(buf)) > 0; ) {
        md.update(buf, 0, n);
        total += n;
        if (total > maxBytes) {
          return new Result(null, "grew beyond the digest bound while being read");
        }
      }
      String hex = HexFormat.of().formatHex(md.digest());
      cache.put(key, hex);
      return new Result(hex, null);
    } catch (IOException e) {
      return new Result(null, "not readable now: " + e.getMessage());
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is a required JDK algorithm", e);
    }
  }
}
