package io.lineageledger.ingest.mlflow;

import java.time.Clock;
import java.time.Duration;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * Decides whether a webhook delivery is MLflow's: known source, the three MLflow headers present
 * and well-formed, a timestamp inside the window, and a signature over the raw body that verifies
 * with that source's secret. It reads no database and writes nothing.
 */
public final class WebhookVerifier {
  public static final String DELIVERY_ID = "X-MLflow-Delivery-Id";
  public static final String TIMESTAMP = "X-MLflow-Timestamp";
  public static final String SIGNATURE = "X-MLflow-Signature";

  private static final Pattern DELIVERY = Pattern.compile("[A-Za-z0-9._:-]{1,128}");
  private static final Pattern SECONDS = Pattern.compile("[0-9]{1,12}");

  private final Map<String, MlflowSource> sources;
  private final Clock clock;
  private final Duration tolerance;

  public WebhookVerifier(Map<String, MlflowSource> sources, Clock clock, Duration tolerance) {
    this.sources = Map.copyOf(sources);
    this.clock = Objects.requireNonNull(clock, "clock");
    if (tolerance.isNegative() || tolerance.isZero()) {
      throw new IllegalArgumentException(
          "webhook timestamp tolerance " + tolerance + " is not allowed: expected > 0");
    }
    this.tolerance = tolerance;
  }

  /** Why a delivery was refused; {@code OK} when it was not. */
  public enum Reason {
    OK,
    UNKNOWN_SOURCE,
    MISSING_HEADER,
    MALFORMED_HEADER,
    STALE_TIMESTAMP,
    BAD_SIGNATURE
  }

  /**
   * The outcome. {@code detail} says what was wrong without echoing secrets or expected signatures.
   */
  public record Verdict(Reason reason, String detail, long timestamp) {
    public boolean ok() {
      return reason == Reason.OK;
    }
  }

  public Optional<MlflowSource> source(String id) {
    return Optional.ofNullable(sources.get(id));
  }

  public Verdict verify(
      String sourceId, String deliveryId, String timestamp, String signature, byte[] body) {
    MlflowSource source = sources.get(sourceId);
    if (source == null) {
      return new Verdict(
          Reason.UNKNOWN_SOURCE, "no MLflow source '" + sourceId + "' is configured", 0);
    }
    String[][] required = {
      {DELIVERY_ID, deliveryId}, {TIMESTAMP, timestamp}, {SIGNATURE, signature}
    };
    for (String[] h : required) {
      if (h[1] == null || h[1].isEmpty()) {
        return new Verdict(Reason.MISSING_HEADER, "header " + h[0] + " is missing", 0);
      }
    }
    if (!DELIVERY.matcher(deliveryId).matches()) {
      return new Verdict(
          Reason.MALFORMED_HEADER,
          "header " + DELIVERY_ID + " must be 1..128 of A-Z a-z 0-9 . _ : -",
          0);
    }
    if (!SECONDS.matcher(timestamp).matches()) {
      return new Verdict(
          Reason.MALFORMED_HEADER, "header " + TIMESTAMP + " must be Unix seconds", 0);
    }
    long ts = Long.parseLong(timestamp);
    long now = clock.instant().getEpochSecond();
    if (Math.abs(now - ts) > tolerance.toSeconds()) {
      return new Verdict(
          Reason.STALE_TIMESTAMP,
          "header "
              + TIMESTAMP
              + " is "
              + (now - ts)
              + " s from the service's clock; at most "
              + tolerance.toSeconds()
              + " s is allowed",
          ts);
    }
    if (!WebhookSignature.verify(source.webhookSecret(), deliveryId, timestamp, body, signature)) {
      return new Verdict(
          Reason.BAD_SIGNATURE,
          "the signature does not verify with source '" + sourceId + "''s secret",
          ts);
    }
    return new Verdict(Reason.OK, "verified", ts);
  }
}
