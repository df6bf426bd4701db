package io.lineageledger.anchor;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Objects;
import java.util.Optional;

/**
 * How {@link FabricAnchor} reaches the Gateway peer and who it is there.
 *
 * @param peerEndpoint {@code host:port} of a peer running the Gateway service
 * @param tlsCaFile the peer's TLS CA (PEM); empty = plaintext, for tests only
 * @param serverNameOverride TLS host name to expect when it differs from the endpoint's host
 * @param certFile PEM certificate of the service's identity in {@code mspId}
 * @param keyFile PEM private key of that identity
 * @param maxAttempts attempts per anchor on UNAVAILABLE, DEADLINE_EXCEEDED, MVCC_READ_CONFLICT
 * @param retryBackoff first delay between attempts, doubled each time
 */
public record FabricConfig(
    String peerEndpoint,
    Optional<Path> tlsCaFile,
    Optional<String> serverNameOverride,
    String mspId,
    Path certFile,
    Path keyFile,
    String channel,
    String chaincode,
    Duration evaluateTimeout,
    Duration endorseTimeout,
    Duration submitTimeout,
    Duration commitStatusTimeout,
    int maxAttempts,
    Duration retryBackoff) {
  public FabricConfig {
    Objects.requireNonNull(peerEndpoint, "peerEndpoint");
    if (!peerEndpoint.matches("[^\\s:]+:[0-9]{1,5}")) {
      throw new IllegalArgumentException(
          "Fabric peer endpoint '" + peerEndpoint + "' is not host:port");
    }
    if (maxAttempts < 1) {
      throw new IllegalArgumentException("maxAttempts " + maxAttempts + " must be >= 1");
    }
    for (Duration d :
        new Duration[] {
          evaluateTimeout, endorseTimeout, submitTimeout, commitStatusTimeout, retryBackoff
        }) {
      if (d.isNegative() || d.isZero()) {
        throw new IllegalArgumentException("Fabric deadlines and backoff must be positive: " + d);
      }
    }
  }
}
