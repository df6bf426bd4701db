package io.lineageledger.api;

import static org.assertj.core.api.Assertions.assertThat;

import io.lineageledger.platform.testing.Await;
import io.vertx.core.json.JsonObject;
import java.net.http.HttpResponse;
import java.sql.Connection;
import java.sql.Statement;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The embedded anchor through the API: proofs name their anchor and say it is not independent,
 * /health shows anchor lag, anchoring survives a restart, and an edited anchor block is found by
 * /api/v1/verify.
 */
class AnchorApiIT {
  private static final Map<String, String> ENV =
      Map.of(
          "LINEAGE_LOG_SEQUENCE_INTERVAL_MILLIS", "20",
          "LINEAGE_LOG_CHECKPOINT_INTERVAL_MILLIS", "0",
          "LINEAGE_ANCHOR_INTERVAL_SECONDS", "0",
          "LINEAGE_ANCHOR_CHECK_MILLIS", "20");

  private static JsonObject awaitAnchoredProof(TestService service, String key, long id) {
    JsonObject[] out = new JsonObject[1];
    Await.until(
        Duration.ofSeconds(30),
        () -> "an anchored proof of record " + id + ", last: " + out[0],
        () -> {
          HttpResponse<String> r = service.get("/api/v1/records/" + id + "/proof", key);
          if (r.statusCode() != 200) {
            return false;
          }
          out[0] = new JsonObject(r.body());
          return out[0].getJsonObject("anchor").getBoolean("anchored");
        });
    return out[0];
  }

  @Test
  void embeddedAnchor_proofsHealthRestartAndTamperedBlock() throws Exception {
    TestService service = TestService.start(ENV);
    try {
      JournalClient client = JournalClient.of(service);
      long first = client.append("anchor-1", "a");
      JsonObject proof = awaitAnchoredProof(service, client.auditorKey, first);
      JsonObject anchor = proof.getJsonObject("anchor");
      assertThat(anchor.getString("backend")).isEqualTo("embedded");
      assertThat(anchor.getBoolean("independent")).isFalse();
      assertThat(anchor.getString("note")).contains("tamper-evident").contains("NOT independent");
      assertThat(anchor.getString("txId")).matches("[0-9a-f]{64}");
      assertThat(Long.parseUnsignedLong(anchor.getString("blockNumber"))).isPositive();
      assertThat(anchor.getLong("treeSize")).isGreaterThan(proof.getLong("leafIndex"));

      JsonObject health = new JsonObject(service.get("/health", null).body());
      JsonObject anchorHealth = health.getJsonObject("checks").getJsonObject("anchor");
      assertThat(anchorHealth.getString("backend")).isEqualTo("embedded");
      assertThat(anchorHealth.getLong("lagEntries")).isNotNull();
      assertThat(anchorHealth.getLong("lagSeconds")).isNotNull();

      service = service.restart(ENV);
      client = JournalClient.of(service);
      long second = client.append("anchor-2", "b");
      JsonObject later =
          awaitAnchoredProof(service, client.auditorKey, second).getJsonObject("anchor");
      assertThat(Long.parseUnsignedLong(later.getString("blockNumber")))
          .as("anchoring after a restart continues the same chain")
          .isGreaterThan(Long.parseUnsignedLong(anchor.getString("blockNumber")));
      JsonObject again =
          new JsonObject(
                  service.get("/api/v1/records/" + first + "/proof", client.auditorKey).body())
              .getJsonObject("anchor");
      assertThat(again.getString("txId")).isEqualTo(anchor.getString("txId"));
      long to = later.getLong("treeSize");
      JsonObject consistency =
          new JsonObject(
              service.get("/api/v1/proofs/consistency?from=1&to=" + to, client.auditorKey).body());
      assertThat(consistency.getJsonObject("anchor").getLong("treeSize")).isEqualTo(to);
      assertThat(verify(service, client.auditorKey).get(0).getBoolean("ok")).isTrue();

      try (Connection su = service.database.superuser();
          Statement s = su.createStatement()) {
        s.execute("SET session_replication_role = replica"); // the append-only triggers stop firing
        s.execute(
            "UPDATE anchor_blocks SET body = convert_to(replace(convert_from(body, 'UTF8'),"
                + " 'function anchor', 'function anchor '), 'UTF8') WHERE number = "
                + anchor.getString("blockNumber"));
      }
      List<JsonObject> lines = verify(service, client.auditorKey);
      assertThat(lines.get(0).getBoolean("ok")).isFalse();
      assertThat(lines)
          .anySatisfy(
              l -> {
                assertThat(l.getString("kind")).isEqualTo("anchor-block");
                assertThat(l.getLong("anchorBlock"))
                    .isEqualTo(Long.parseLong(anchor.getString("blockNumber")));
                assertThat(l.getString("detail")).contains("the block was edited");
              });
    } finally {
      service.close();
    }
  }

  /** The summary first, then the mismatch lines. */
  private static List<JsonObject> verify(TestService service, String key) throws Exception {
    List<JsonObject> lines =
        service.get("/api/v1/verify", key).body().lines().map(JsonObject::new).toList();
    JsonObject summary = lines.get(lines.size() - 1);
    assertThat(summary.getString("type")).isEqualTo("summary");
    List<JsonObject> mismatches =
        lines.stream().filter(l -> "mismatch".equals(l.getString("type"))).toList();
    return java.util.stream.Stream.concat(java.util.stream.Stream.of(summary), mismatches.stream())
        .toList();
  }
}
