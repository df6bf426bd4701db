package io.lineageledger.ledger.journal;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.lineageledger.ledger.merkle.Hashes;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.security.MessageDigest;
import java.security.MessageDigestSpi;
import java.security.NoSuchAlgorithmException;
import java.security.Provider;
import java.security.Security;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.Callable;

/**
 * In-memory Merkle integration ({@link TileIntegration#integrate}, right edge kept in a map as the
 * Verifier does) against raw SHA-256 of exactly the messages integration hashes. The message count
 * and sizes are measured, not assumed: one untimed pass runs with a counting SHA-256 provider ahead
 * of the JDK's, which {@link TreeHashing}'s per-thread digest picks up in a fresh thread.
 */
final class MerkleRate {
  private MerkleRate() {}

  static ObjectNode run(int leafCount, int batch, int repeats) throws Exception {
    SplittableRandom random = new SplittableRandom(7);
    byte[][] leaves = new byte[leafCount][Hashes.SIZE];
    for (byte[] leaf : leaves) {
      random.nextBytes(leaf);
    }
    List<byte[]> all = List.of(leaves);

    // Load Hashes first: its static empty-root digest must not be counted as a node message.
    Hashes.emptyRoot();
    Counting.install();
    long[] counted;
    try {
      counted =
          inFreshThread(
              () -> {
                integrateAll(all, batch);
                return new long[] {Counting.digests, Counting.bytes};
              });
    } finally {
      Security.removeProvider(Counting.NAME);
    }
    long digests = counted[0];
    long bytes = counted[1];
    if (bytes != digests * 65) {
      throw new IllegalStateException(
          "expected only 65-byte node messages; got "
              + bytes
              + " bytes in "
              + digests
              + " digests");
    }

    // Best of several interleaved runs, each in a fresh thread (the JDK's SHA-256 again), timed by
    // the thread's CPU time: other processes on a busy 2-core machine then cost little accuracy.
    long integrate = Long.MAX_VALUE;
    long raw = Long.MAX_VALUE;
    long integrateWall = Long.MAX_VALUE;
    long rawWall = Long.MAX_VALUE;
    for (int r = 0; r < repeats; r++) {
      long[] i = inFreshThread(() -> timed(() -> integrateAll(all, batch)));
      long[] h = inFreshThread(() -> timed(() -> rawSha256(digests)));
      integrate = Math.min(integrate, i[1]);
      raw = Math.min(raw, h[1]);
      integrateWall = Math.min(integrateWall, i[0]);
      rawWall = Math.min(rawWall, h[0]);
    }
    ObjectNode out = JsonNodeFactory.instance.objectNode();
    out.put("leaves", leafCount);
    out.put("batch", batch);
    out.put("repeatsBestOf", repeats);
    out.put("sha256Messages", digests);
    out.put("sha256Bytes", bytes);
    // A tree of n leaves has n - 1 interior nodes; the excess is the root recomputed per batch.
    out.put("treeInteriorNodes", leafCount - 1L);
    out.put("messagesBeyondInteriorNodes", Stats.round((double) digests / (leafCount - 1L) - 1, 3));
    out.put("timing", "thread CPU time, best of " + repeats);
    out.put("integrationSeconds", Stats.round(integrate / 1e9, 4));
    out.put("integrationWallSeconds", Stats.round(integrateWall / 1e9, 4));
    out.put("integrationLeavesPerSecond", Math.round(leafCount / (integrate / 1e9)));
    out.put("rawSha256Seconds", Stats.round(raw / 1e9, 4));
    out.put("rawSha256WallSeconds", Stats.round(rawWall / 1e9, 4));
    out.put("rawSha256MessagesPerSecond", Math.round(digests / (raw / 1e9)));
    out.put("rawSha256MBPerSecond", Stats.round(bytes / (raw / 1e9) / 1e6, 1));
    out.put("rawEquivalentLeavesPerSecond", Math.round(leafCount / (raw / 1e9)));
    out.put("ratioIntegrationToRawSha256", Stats.round((double) raw / integrate, 3));
    out.put("ratioByWallTime", Stats.round((double) rawWall / integrateWall, 3));
    return out;
  }

  private static void integrateAll(List<byte[]> leaves, int batch) {
    Map<Integer, byte[][]> edge = new HashMap<>();
    long size = 0;
    for (int from = 0; from < leaves.size(); from += batch) {
      List<byte[]> chunk = leaves.subList(from, Math.min(leaves.size(), from + batch));
      TileIntegration.Result r =
          TileIntegration.integrate(size, level -> edge.getOrDefault(level, new byte[0][]), chunk);
      for (Tile t : r.tiles()) {
        edge.put(t.level(), t.width() == Tile.WIDTH ? new byte[0][] : t.hashes());
      }
      size = r.size();
    }
  }

  /** The same number of node messages, hashed the way TreeHashing.node does. */
  private static void rawSha256(long digests) throws NoSuchAlgorithmException {
    MessageDigest d = MessageDigest.getInstance("SHA-256");
    byte[] left = new byte[Hashes.SIZE];
    byte[] right = new byte[Hashes.SIZE];
    for (long i = 0; i < digests; i++) {
      d.update((byte) 1);
      d.update(left);
      right = d.digest(right);
    }
  }

  private interface Body {
    void run() throws Exception;
  }

  /** Wall and CPU nanoseconds of the calling thread. */
  private static long[] timed(Body body) throws Exception {
    ThreadMXBean mx = ManagementFactory.getThreadMXBean();
    long cpu = mx.getCurrentThreadCpuTime();
    long t = System.nanoTime();
    body.run();
    return new long[] {System.nanoTime() - t, mx.getCurrentThreadCpuTime() - cpu};
  }

  private static <T> T inFreshThread(Callable<T> task) throws Exception {
    Object[] result = new Object[1];
    Exception[] failure = new Exception[1];
    Thread t =
        new Thread(
            () -> {
              try {
                result[0] = task.call();
              } catch (Exception e) {
                failure[0] = e;
              }
            },
            "bench-merkle");
    t.start();
    t.join();
    if (failure[0] != null) {
      throw failure[0];
    }
    @SuppressWarnings("unchecked")
    T r = (T) result[0];
    return r;
  }

  /** SHA-256 that counts messages and bytes (single counting thread; read after join). */
  static final class Counting extends MessageDigestSpi {
    static final String NAME = "LineageBenchCountingSha256";
    static long digests;
    static long bytes;
    private final MessageDigest real;

    Counting() {
      try {
        real = MessageDigest.getInstance("SHA-256", "SUN");
      } catch (Exception e) {
        throw new IllegalStateException(e);
      }
    }

    static void install() {
      Security.insertProviderAt(new CountingProvider(), 1);
    }

    @Override
    protected int engineGetDigestLength() {
      return real.getDigestLength();
    }

    @Override
    protected void engineUpdate(byte input) {
      bytes++;
      real.update(input);
    }

    @Override
    protected void engineUpdate(byte[] input, int offset, int len) {
      bytes += len;
      real.update(input, offset, len);
    }

    @Override
    protected byte[] engineDigest() {
      digests++;
      return real.digest();
    }

    @Override
    protected void engineReset() {
      real.reset();
    }
  }

  /** Provides {@link Counting} as SHA-256, ahead of the JDK's while installed. */
  private static final class CountingProvider extends Provider {
    private static final long serialVersionUID = 1L;

    CountingProvider() {
      super(Counting.NAME, "1.0", "counts SHA-256 use for the benchmark");
      putService(
          new Service(this, "MessageDigest", "SHA-256", Counting.class.getName(), null, null) {
            @Override
            public Object newInstance(Object constructorParameter) {
              return new Counting();
            }
          });
    }
  }
}
