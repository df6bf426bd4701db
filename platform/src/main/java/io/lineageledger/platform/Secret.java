package io.lineageledger.platform;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.Objects;

/**
 * A secret value (password, API key, webhook secret, private key text). It never prints itself:
 * {@link #toString()} and any logging of the object reveal only that a value is present. Callers
 * that truly need the value use {@link #reveal()} and keep the result out of logs and API answers.
 */
public final class Secret {
  private final String value;

  private Secret(String value) {
    this.value = value;
  }

  /** Wraps {@code value}; an empty secret is allowed (e.g. a password-less local database). */
  public static Secret of(String value) {
    return new Secret(Objects.requireNonNull(value, "secret value"));
  }

  /** The secret itself. Never log it or put it in an answer. */
  public String reveal() {
    return value;
  }

  public boolean isEmpty() {
    return value.isEmpty();
  }

  /** Constant-time comparison, so a caller's timing does not reveal how much of a guess matched. */
  public boolean matches(String candidate) {
    return candidate != null
        && MessageDigest.isEqual(
            value.getBytes(StandardCharsets.UTF_8), candidate.getBytes(StandardCharsets.UTF_8));
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof Secret other && matches(other.value);
  }

  @Override
  public int hashCode() {
    return 0;
  }

  @Override
  public String toString() {
    return value.isEmpty() ? "Secret[empty]" : "Secret[***]";
  }
}
