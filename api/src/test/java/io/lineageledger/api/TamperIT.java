package io.lineageledger.api;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.json.JsonObject;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.Statement;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A hostile database superuser edits a journal row and a tile; the service and the offline verifier
 * notice.
 */
class TamperIT {
  @TempDir Path dir;

  private static int cli(ByteArrayOutputStream out, String... args) {
    return new Cli(
            new PrintStream(out, true, StandardCharsets.UTF_8),
            new PrintStream(out, true, StandardCharsets.UTF_8),
            Map.of(),
            Clock.systemUTC())
        .run(args);
  }

  private Path save(String name, String body) throws Exception {
    Path p = dir.resolve(name);
    Files.writeString(p, body);
    return p;
  }

  @Test
  void tamperedRowAndTile_verifyNamesThem_offlineVerifierRejects() throws Exception {
    TestService service =
        TestService.start(
            Map.of(
                "LINEAGE_LOG_SEQUENCE_INTERVAL_MILLIS",
                "20",
                "LINEAGE_LOG_CHECKPOINT_INTERVAL_MILLIS",
                "0"));
    try {
      JournalClient client = JournalClient.of(service);
      List<Long> ids = new ArrayList<>();
      for (int i = 0; i < 40; i++) {
        ids.add(client.append("tamper-" + i, "value-" + i));
      }
      long victim = ids.get(20);
      JsonObject proof = client.awaitProof(ids.get(39));
      proof = client.awaitProof(victim);
      String auditor = client.auditorKey;
      JsonObject latest = new JsonObject(service.get("/api/v1/checkpoints/latest", auditor).body());
      String vkey = latest.getString("verifierKey");
      Path checkpoint = save("checkpoint.txt", proof.getJsonObject("checkpoint").getString("note"));
      Path proofFile = save("proof.json", proof.encode());
      Path recordFile =
          save("record.json", service.get("/api/v1/records/" + victim, auditor).body());

      ByteArrayOutputStream out = new ByteArrayOutputStream();
      assertThat(
              cli(
                  out,
                  "verify",
                  recordFile.toString(),
                  proofFile.toString(),
                  checkpoint.toString(),
                  "--key",
                  vkey))
          .as(out.toString(StandardCharsets.UTF_8))
          .isZero();
      long leafIndex = proof.getLong("leafIndex");

      try (Connection su = service.database.superuser();
          Statement s = su.createStatement()) {
        s.execute("SET session_replication_role = replica"); // the append-only triggers stop firing
        s.execute(
            "UPDATE journal_records SET canonical = convert_to(replace(convert_from(canonical, 'UTF8'),"
                + " 'value-20', 'value-XX'), 'UTF8') WHERE seq = "
                + victim);
        s.execute(
            "UPDATE journal_tiles SET hashes = overlay(hashes placing '\\xff'::bytea from 1 for 1)"
                + " WHERE level = 0 AND idx = 0");
      }

      // A restarted service: nothing it read before the tampering is still in its caches.
      service = service.restart(Map.of("LINEAGE_LOG_SEQUENCE_INTERVAL_MILLIS", "20"));
      HttpResponse<String> verify = service.get("/api/v1/verify", auditor);
      List<JsonObject> lines = verify.body().lines().map(JsonObject::new).toList();
      JsonObject summary = lines.get(lines.size() - 1);
      assertThat(summary.getBoolean("ok")).isFalse();
      assertThat(summary.getLong("firstBadIndex")).isZero();
      assertThat(lines)
          .anySatisfy(
              l -> {
                assertThat(l.getString("kind")).isEqualTo("leaf-hash");
                assertThat(l.getLong("recordId")).isEqualTo(victim);
                assertThat(l.getLong("leafIndex")).isEqualTo(leafIndex);
              });
      assertThat(lines).anySatisfy(l -> assertThat(l.getString("kind")).isEqualTo("tile"));

      // The tampered record as the service now serves it no longer matches its proof.
      Path tamperedRecord =
          save("tampered.json", service.get("/api/v1/records/" + victim, auditor).body());
      ByteArrayOutputStream out2 = new ByteArrayOutputStream();
      assertThat(
              cli(
                  out2,
                  "verify",
                  tamperedRecord.toString(),
                  proofFile.toString(),
                  checkpoint.toString(),
                  "--key",
                  vkey))
          .isEqualTo(1);
      assertThat(out2.toString(StandardCharsets.UTF_8)).contains("FAIL").contains("NOT VERIFIED");

      // A proof built from the tampered tile does not lead to the signed root.
      HttpResponse<String> fresh =
          service.get(
              "/api/v1/records/" + ids.get(1) + "/proof?treeSize=" + proof.getLong("treeSize"),
              auditor);
      Path freshProof = save("proof2.json", fresh.body());
      Path record1 =
          save("record1.json", service.get("/api/v1/records/" + ids.get(1), auditor).body());
      ByteArrayOutputStream out3 = new ByteArrayOutputStream();
      assertThat(
              cli(
                  out3,
                  "verify",
                  record1.toString(),
                  freshProof.toString(),
                  checkpoint.toString(),
                  "--key",
                  vkey))
          .as(out3.toString(StandardCharsets.UTF_8))
          .isEqualTo(1);
      assertThat(out3.toString(StandardCharsets.UTF_8)).contains("FAIL  inclusion proof");
    } finally {
      service.close();
    }
  }
}
