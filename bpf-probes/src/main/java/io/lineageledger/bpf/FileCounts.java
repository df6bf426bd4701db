package io.lineageledger.bpf;

/** Cumulative counters of one {@link FileKey} as the kernel aggregated them. */
record FileCounts(
    long bytesRead,
    long bytesWritten,
    long reads,
    long writes,
    long opens,
    long mmaps,
    int openFlags,
    long firstNs,
    long lastNs,
    String path) {

  FileCounts minus(FileCounts before) {
    if (before == null) {
      return this;
    }
    return new FileCounts(
        bytesRead - before.bytesRead,
        bytesWritten - before.bytesWritten,
        reads - before.reads,
        writes - before.writes,
        opens - before.opens,
        mmaps - before.mmaps,
        openFlags,
        firstNs,
        lastNs,
        path);
  }

  boolean isZero() {
    return bytesRead == 0
        && bytesWritten == 0
        && reads == 0
        && writes == 0
        && opens == 0
        && mmaps == 0;
  }
}
