package io.lineageledger.ledger.canonical;

/**
 * The input given to a {@link Canonicalizer} is not canonicalizable JSON. The message names the
 * problem and, where it is known, where in the input it was found.
 */
public final class CanonicalizationException extends IllegalArgumentException {

  CanonicalizationException(String message) {
    super(message);
  }

  CanonicalizationException(String message, Throwable cause) {
    super(message, cause);
  }
}
