package io.lineageledger.bpf;

/** A Java codec does not read a struct the way the compiled BPF object lays it out. */
public final class LayoutMismatchException extends IllegalStateException {
  LayoutMismatchException(String message) {
    super(message);
  }
}
