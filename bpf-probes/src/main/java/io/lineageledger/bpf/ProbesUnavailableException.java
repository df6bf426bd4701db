package io.lineageledger.bpf;

/**
 * Runtime evidence cannot run here: no native artifacts in this build, not root, no kernel BTF, or
 * the kernel refused to load or attach the programs. The message says which.
 */
public final class ProbesUnavailableException extends RuntimeException {
  ProbesUnavailableException(String message) {
    super(message);
  }

  ProbesUnavailableException(String message, Throwable cause) {
    super(message, cause);
  }
}
