package io.lineageledger.chaincode;

import java.util.Arrays;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * Who may register logs: a client of one of the admin MSPs, or any client whose certificate carries
 * the Fabric CA attribute {@code lineage.admin=true}.
 *
 * @param adminMsps MSP ids whose clients are admins; may be empty (attribute only)
 */
public record AdminPolicy(Set<String> adminMsps) {
  /** The certificate attribute (Fabric CA {@code hf.*}-style attrs extension) that grants admin. */
  public static final String ATTRIBUTE = "lineage.admin";

  /** The chaincode container's policy: {@code LINEAGE_ADMIN_MSPS}, comma-separated. */
  static final String ENV = "LINEAGE_ADMIN_MSPS";

  public AdminPolicy {
    adminMsps = Set.copyOf(adminMsps);
  }

  static AdminPolicy fromEnvironment() {
    String v = System.getenv(ENV);
    return new AdminPolicy(
        v == null
            ? Set.of()
            : Arrays.stream(v.split(","))
                .map(String::trim)
                .filter(s -> !s.isEmpty())
                .collect(Collectors.toSet()));
  }

  boolean admits(String mspId, String adminAttribute) {
    return adminMsps.contains(mspId) || "true".equals(adminAttribute);
  }
}
