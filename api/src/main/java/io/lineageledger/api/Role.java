package io.lineageledger.api;

import java.util.Arrays;
import java.util.Locale;

/** What an API key may do. A key has exactly one role; routes list the roles they admit. */
public enum Role {
  /** Sources pushing lineage and evidence. */
  INGEST,
  /** Reads records, proofs and lineage; runs verification. */
  AUDITOR,
  /** Reads lineage and export reports. */
  REGULATOR,
  /** Manages keys and everything an auditor may do. */
  ADMIN;

  String wire() {
    return name().toLowerCase(Locale.ROOT);
  }

  static Role parse(String s) {
    for (Role r : values()) {
      if (r.wire().equals(s)) {
        return r;
      }
    }
    throw new IllegalArgumentException(
        "role '"
            + s
            + "' is not allowed: expected one of "
            + Arrays.stream(values()).map(Role::wire).toList());
  }
}
