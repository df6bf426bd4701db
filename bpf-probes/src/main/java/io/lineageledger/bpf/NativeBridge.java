package io.lineageledger.bpf;

import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;

/**
 * The JNI bridge over libbpf (src/main/c/bridge.c). Handles are native session pointers; every
 * failure is an {@link IllegalStateException} carrying libbpf's message and errno.
 */
final class NativeBridge {
  private NativeBridge() {}

  static final String OBJECT = "lineage.bpf.o";
  private static final String LIBRARY = "liblineagebpf.so";
  private static Path extracted;

  /** Batches from the poller thread: records packed as 4-byte length, bytes, padding to 8. */
  interface BatchSink {
    void onBatch(int bytes);
  }

  /**
   * Extracts the packaged object and library into a private temporary directory once and loads the
   * library; returns the path of the object.
   *
   * @throws ProbesUnavailableException when this build carries no native artifacts
   */
  static synchronized Path extract() {
    if (extracted != null) {
      return extracted.resolve(OBJECT);
    }
    try {
      Path dir = Files.createTempDirectory("lineage-bpf");
      dir.toFile().deleteOnExit();
      for (String name : new String[] {OBJECT, LIBRARY}) {
        try (InputStream in = NativeBridge.class.getResourceAsStream("native/" + name)) {
          if (in == null) {
            throw new ProbesUnavailableException(
                "this build carries no "
                    + name
                    + " (built without clang/bpftool/libbpf or kernel BTF)");
          }
          Path target = dir.resolve(name);
          Files.copy(in, target, StandardCopyOption.REPLACE_EXISTING);
          target.toFile().deleteOnExit();
        }
      }
      try {
        System.load(dir.resolve(LIBRARY).toString());
      } catch (UnsatisfiedLinkError e) {
        throw new ProbesUnavailableException("cannot load the JNI bridge: " + e.getMessage(), e);
      }
      extracted = dir;
      return dir.resolve(OBJECT);
    } catch (IOException e) {
      throw new ProbesUnavailableException("cannot extract the native artifacts: " + e, e);
    }
  }

  static native long open(String objectPath);

  /** The BTF layout of a struct ("size:N" then "member:offset:size" lines), or null if absent. */
  static native String layout(long handle, String struct);

  static native void load(long handle, int ringBytes);

  static native void attach(long handle);

  static native void update(long handle, String map, byte[] key, byte[] value);

  static native boolean delete(long handle, String map, byte[] key);

  /**
   * Entries as key bytes then value bytes; negative = -(entries) when {@code out} was too small.
   */
  static native int dump(long handle, String map, ByteBuffer out);

  static native long[] counters(long handle);

  /** Attaches one program that {@link #attach} leaves out (the benchmark's bench_* programs). */
  static native void attachProgram(long handle, String program);

  /** Turns on the kernel's per-program run time accounting until the session closes. */
  static native void enableStats(long handle);

  /** One line per program: "name run_cnt run_time_ns" (counted only while stats are enabled). */
  static native String programStats(long handle);

  /** Runs a SEC("syscall") program once (BPF_PROG_RUN) with {@code {count, 0}} as context. */
  static native void runProgram(long handle, String program, int count);

  static native void startPolling(long handle, ByteBuffer buffer, BatchSink sink);

  /** Returns after every record still in the ring buffer has been handed to the sink. */
  static native void stopPolling(long handle);

  static native void close(long handle);
}
