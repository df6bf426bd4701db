package io.lineageledger.ingest.mlflow;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.lineageledger.ledger.journal.Record;
import io.lineageledger.platform.Secret;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** Deliveries that need nothing from MLflow: no journal or database is touched here. */
class EnricherTest {
  private final Enricher enricher =
      new Enricher(
          new MlflowSource("hooks", Optional.empty(), Secret.of("s")),
          Optional.empty(),
          null,
          null,
          Clock.systemUTC());

  private List<Record> process(byte[] body) throws Exception {
    List<Record> deferred = new ArrayList<>();
    enricher.process("d-1", body, Instant.parse("2026-11-25T10:00:00Z"), deferred);
    return deferred;
  }

  @Test
  void process_unknownEvent_deferredAsUnknownEventWithRawBody() throws Exception {
    FakeMlflow.Delivery d =
        FakeMlflow.delivery(
            "experiment",
            "renamed",
            Map.of("name", "x"),
            "s",
            Instant.parse("2026-11-25T10:00:00Z"));
    List<Record> records = process(d.body());
    assertThat(records).hasSize(1);
    Record r = records.get(0);
    assertThat(r.kind()).isEqualTo("mlflow.unknown_event");
    assertThat(r.source()).isEqualTo("mlflow:hooks");
    assertThat(r.sourceRef()).isEqualTo("deliveries/d-1");
    assertThat(r.raw()).isEqualTo(d.body());
    assertThat(r.payload().path("event").path("action").asText()).isEqualTo("renamed");
    assertThat(r.observedAt()).isEqualTo(Instant.parse("2026-11-25T10:00:00Z"));
  }

  @Test
  void process_eventLargerThanARecord_keptInRawWithTruncatedPayload() throws Exception {
    FakeMlflow.Delivery d =
        FakeMlflow.delivery(
            "prompt",
            "created",
            Map.of("name", "big", "template", "x".repeat(100_000)),
            "s",
            Instant.now());
    Record r = process(d.body()).get(0);
    assertThat(r.kind()).isEqualTo("mlflow.event");
    assertThat(r.canonicalBytes().length).isLessThan(65_536);
    assertThat(r.payload().has("event")).isFalse();
    assertThat(r.payload().path("truncated").asText()).contains("raw");
    assertThat(r.raw()).isEqualTo(d.body());
  }

  @Test
  void process_notAnEvent_refusedForGood() {
    assertThatThrownBy(() -> process("[1, 2]".getBytes(StandardCharsets.UTF_8)))
        .isInstanceOf(BadDeliveryException.class)
        .hasMessageContaining("d-1")
        .hasMessageContaining("'entity' and 'action'");
    assertThatThrownBy(
            () ->
                process(
                    "{\"entity\": \"model_version_alias\", \"action\": \"created\", \"data\": {}}"
                        .getBytes(StandardCharsets.UTF_8)))
        .isInstanceOf(BadDeliveryException.class)
        .hasMessageContaining("data.name");
  }
}
