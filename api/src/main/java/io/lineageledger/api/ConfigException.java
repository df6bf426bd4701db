package io.lineageledger.api;

/**
 * A configuration value is invalid; the message names the key, where it came from, the value and
 * what is allowed.
 */
public final class ConfigException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  ConfigException(String message) {
    super(message);
  }

  ConfigException(String message, Throwable cause) {
    super(message, cause);
  }
}
