package io.lineageledger.bpf;

/**
 * One regular file one process touched during a window: byte and call counts of the window, the
 * path as the process opened it (resolved against its working directory when relative) and the
 * file's SHA-256 when the window closed, or why there is none.
 */
public record FileEvidence(
    String path,
    long dev,
    long ino,
    long bytesRead,
    long bytesWritten,
    long reads,
    long writes,
    long opens,
    long mmaps,
    int openFlags,
    String sha256,
    String digestNote) {}
