package io.lineageledger.ledger.canonical;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * Turns JSON into its RFC 8785 (JCS) canonical form: UTF-8, no insignificant whitespace, object
 * members sorted by their UTF-16 code units, numbers written as ECMAScript writes IEEE-754 doubles,
 * strings with only the mandatory escapes. Two inputs that denote the same JSON value give the same
 * bytes, so the output can be hashed and signed.
 *
 * <p>Inputs must be I-JSON (RFC 7493): the top-level value is an object or an array, names are
 * unique within an object, numbers are finite doubles and strings hold no lone surrogates. Numbers
 * are doubles, as RFC 8785 requires, so integers beyond ±2<sup>53</sup> lose precision; values that
 * must stay exact belong in strings. Anything else fails with a {@link CanonicalizationException}.
 * Implementations are stateless and safe to share between threads.
 */
public interface Canonicalizer {

  /** The RFC 8785 canonicalizer. */
  static Canonicalizer rfc8785() {
    return JcsCanonicalizer.INSTANCE;
  }

  /**
   * Canonicalizes a JSON text.
   *
   * @param utf8Json the JSON text, UTF-8 encoded without a byte order mark
   * @return the canonical UTF-8 bytes, a fresh array owned by the caller
   * @throws CanonicalizationException if the input is not well-formed UTF-8 I-JSON
   */
  byte[] canonicalize(byte[] utf8Json);

  /**
   * Canonicalizes a Jackson tree.
   *
   * @param json an object or array node
   * @return the canonical UTF-8 bytes, a fresh array owned by the caller
   * @throws CanonicalizationException if the tree is not I-JSON (e.g. holds NaN or is a scalar)
   */
  byte[] canonicalize(JsonNode json);
}
