package io.lineageledger.ingest.mlflow;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.lineageledger.platform.Secret;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Arrays;
import java.util.Base64;
import java.util.Map;
import java.util.Optional;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class WebhookSignatureTest {
  private static final Secret SECRET = Secret.of(Fixtures.RECORDED_SECRET);

  /** The signature computed here from MLflow's documented recipe, independently of the code. */
  private static String independentSignature(String secret, String id, String ts, byte[] body)
      throws Exception {
    byte[] prefix = (id + "." + ts + ".").getBytes(StandardCharsets.UTF_8);
    byte[] message = Arrays.copyOf(prefix, prefix.length + body.length);
    System.arraycopy(body, 0, message, prefix.length, body.length);
    Mac mac = Mac.getInstance("HmacSHA256");
    mac.init(new SecretKeySpec(secret.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
    return "v1," + Base64.getEncoder().encodeToString(mac.doFinal(message));
  }

  @ParameterizedTest
  @ValueSource(strings = {Fixtures.MODEL_VERSION_CREATED, Fixtures.ALIAS_CREATED})
  void recordedDelivery_signatureMatchesIndependentHmacAndVerifies(String fixture)
      throws Exception {
    Fixtures.RecordedDelivery d = Fixtures.delivery(fixture);
    String id = d.header("X-MLflow-Delivery-Id");
    String ts = d.header("X-MLflow-Timestamp");
    String sig = d.header("X-MLflow-Signature");

    assertThat(independentSignature(Fixtures.RECORDED_SECRET, id, ts, d.body())).isEqualTo(sig);
    assertThat(WebhookSignature.sign(SECRET, id, ts, d.body())).isEqualTo(sig);
    assertThat(WebhookSignature.verify(SECRET, id, ts, d.body(), sig)).isTrue();
  }

  @ParameterizedTest
  @ValueSource(strings = {Fixtures.MODEL_VERSION_CREATED, Fixtures.ALIAS_CREATED})
  void recordedDelivery_reserializedBody_doesNotVerify(String fixture) throws Exception {
    Fixtures.RecordedDelivery d = Fixtures.delivery(fixture);
    byte[] compact = new ObjectMapper().writeValueAsBytes(new ObjectMapper().readTree(d.body()));
    assertThat(compact).isNotEqualTo(d.body());
    assertThat(
            WebhookSignature.verify(
                SECRET,
                d.header("X-MLflow-Delivery-Id"),
                d.header("X-MLflow-Timestamp"),
                compact,
                d.header("X-MLflow-Signature")))
        .isFalse();
  }

  @Test
  void verify_tamperedInputs_fail() {
    Fixtures.RecordedDelivery d = Fixtures.delivery(Fixtures.MODEL_VERSION_CREATED);
    String id = d.header("X-MLflow-Delivery-Id");
    String ts = d.header("X-MLflow-Timestamp");
    String sig = d.header("X-MLflow-Signature");
    byte[] body = d.body();
    byte[] flipped = body.clone();
    flipped[flipped.length - 2] ^= 1;

    assertThat(WebhookSignature.verify(Secret.of("other"), id, ts, body, sig)).isFalse();
    assertThat(WebhookSignature.verify(SECRET, id + "x", ts, body, sig)).isFalse();
    assertThat(WebhookSignature.verify(SECRET, id, "1795588305", body, sig)).isFalse();
    assertThat(WebhookSignature.verify(SECRET, id, ts, flipped, sig)).isFalse();
    assertThat(WebhookSignature.verify(SECRET, id, ts, body, "v2," + sig.substring(3))).isFalse();
    assertThat(WebhookSignature.verify(SECRET, id, ts, body, "v1,not base64!")).isFalse();
    assertThat(WebhookSignature.verify(SECRET, id, ts, body, "")).isFalse();
    assertThat(WebhookSignature.verify(SECRET, id, ts, body, null)).isFalse();
  }

  @Test
  void verify_oneOfSeveralSignaturesValid_verifies() {
    Fixtures.RecordedDelivery d = Fixtures.delivery(Fixtures.ALIAS_CREATED);
    String sig = d.header("X-MLflow-Signature");
    assertThat(
            WebhookSignature.verify(
                SECRET,
                d.header("X-MLflow-Delivery-Id"),
                d.header("X-MLflow-Timestamp"),
                d.body(),
                "v1,AAAA " + sig))
        .isTrue();
  }

  private static WebhookVerifier verifierAt(long epochSecond) {
    return new WebhookVerifier(
        Map.of("prod", new MlflowSource("prod", Optional.empty(), SECRET)),
        Clock.fixed(Instant.ofEpochSecond(epochSecond), ZoneOffset.UTC),
        Duration.ofMinutes(5));
  }

  private static WebhookVerifier.Reason verdict(
      WebhookVerifier v, String source, String id, String ts, String sig) {
    Fixtures.RecordedDelivery d = Fixtures.delivery(Fixtures.MODEL_VERSION_CREATED);
    return v.verify(source, id, ts, sig, d.body()).reason();
  }

  @Test
  void verifier_recordedDeliveryInsideWindow_ok() {
    Fixtures.RecordedDelivery d = Fixtures.delivery(Fixtures.MODEL_VERSION_CREATED);
    String id = d.header("X-MLflow-Delivery-Id");
    String sig = d.header("X-MLflow-Signature");
    assertThat(verdict(verifierAt(1795588304L + 299), "prod", id, "1795588304", sig))
        .isEqualTo(WebhookVerifier.Reason.OK);
    assertThat(verdict(verifierAt(1795588304L - 299), "prod", id, "1795588304", sig))
        .isEqualTo(WebhookVerifier.Reason.OK);
  }

  @Test
  void verifier_badInputs_refusedWithTheirReason() {
    Fixtures.RecordedDelivery d = Fixtures.delivery(Fixtures.MODEL_VERSION_CREATED);
    String id = d.header("X-MLflow-Delivery-Id");
    String sig = d.header("X-MLflow-Signature");
    WebhookVerifier now = verifierAt(1795588304L);
    assertThat(verdict(verifierAt(1795588304L + 301), "prod", id, "1795588304", sig))
        .isEqualTo(WebhookVerifier.Reason.STALE_TIMESTAMP);
    assertThat(verdict(verifierAt(1795588304L - 301), "prod", id, "1795588304", sig))
        .isEqualTo(WebhookVerifier.Reason.STALE_TIMESTAMP);
    assertThat(verdict(now, "staging", id, "1795588304", sig))
        .isEqualTo(WebhookVerifier.Reason.UNKNOWN_SOURCE);
    assertThat(verdict(now, "prod", null, "1795588304", sig))
        .isEqualTo(WebhookVerifier.Reason.MISSING_HEADER);
    assertThat(verdict(now, "prod", id, null, sig))
        .isEqualTo(WebhookVerifier.Reason.MISSING_HEADER);
    assertThat(verdict(now, "prod", id, "1795588304", null))
        .isEqualTo(WebhookVerifier.Reason.MISSING_HEADER);
    assertThat(verdict(now, "prod", id, "17955x", sig))
        .isEqualTo(WebhookVerifier.Reason.MALFORMED_HEADER);
    assertThat(verdict(now, "prod", "bad id with spaces", "1795588304", sig))
        .isEqualTo(WebhookVerifier.Reason.MALFORMED_HEADER);
    assertThat(verdict(now, "prod", id, "1795588304", "v1,AAAA"))
        .isEqualTo(WebhookVerifier.Reason.BAD_SIGNATURE);
  }
}
