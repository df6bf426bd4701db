package io.lineageledger.ingest.mlflow;

import io.lineageledger.platform.Secret;
import java.nio.charset.StandardCharsets;
import java.security.InvalidKeyException;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Base64;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * MLflow's webhook signature: {@code v1,} + base64(HMAC-SHA256(key = secret as UTF-8, message =
 * {@code {delivery id}.{timestamp}.{raw body}})). Verification works on the body bytes as received
 * (MLflow serializes with Python's separators, so a re-serialization would not verify) and compares
 * in constant time.
 */
public final class WebhookSignature {
  private static final String SCHEME = "v1,";

  private WebhookSignature() {}

  /** The signature header value MLflow would send. */
  public static String sign(Secret secret, String deliveryId, String timestamp, byte[] body) {
    return SCHEME + Base64.getEncoder().encodeToString(mac(secret, deliveryId, timestamp, body));
  }

  /**
   * Whether {@code header} carries a valid {@code v1} signature of this delivery. The header may
   * list several space-separated signatures (as during a secret rotation); any valid one suffices.
   */
  public static boolean verify(
      Secret secret, String deliveryId, String timestamp, byte[] body, String header) {
    if (header == null || header.isEmpty()) {
      return false;
    }
    byte[] expected = mac(secret, deliveryId, timestamp, body);
    boolean valid = false;
    for (String candidate : header.trim().split(" +")) {
      if (!candidate.startsWith(SCHEME)) {
        continue;
      }
      byte[] presented;
      try {
        presented = Base64.getDecoder().decode(candidate.substring(SCHEME.length()));
      } catch (IllegalArgumentException notBase64) {
        continue;
      }
      // Every candidate is compared, so the time taken does not tell which one matched.
      valid |= MessageDigest.isEqual(expected, presented);
    }
    return valid;
  }

  private static byte[] mac(Secret secret, String deliveryId, String timestamp, byte[] body) {
    try {
      Mac mac = Mac.getInstance("HmacSHA256");
      mac.init(new SecretKeySpec(secret.reveal().getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
      mac.update(deliveryId.getBytes(StandardCharsets.UTF_8));
      mac.update((byte) '.');
      mac.update(timestamp.getBytes(StandardCharsets.UTF_8));
      mac.update((byte) '.');
      return mac.doFinal(body);
    } catch (NoSuchAlgorithmException | InvalidKeyException e) {
      throw new IllegalStateException("HmacSHA256 is required of every JVM", e);
    }
  }
}
