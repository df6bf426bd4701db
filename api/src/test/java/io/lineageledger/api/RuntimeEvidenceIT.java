package io.lineageledger.api;

import static org.assertj.core.api.Assertions.assertThat;

import io.lineageledger.platform.testing.Await;
import io.vertx.core.json.JsonObject;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class RuntimeEvidenceIT {
  @TempDir Path dir;

  private static JsonObject evidenceCheck(TestService s) throws Exception {
    JsonObject body = new JsonObject(s.get("/health", null).body());
    assertThat(body.getString("status")).isEqualTo("UP");
    return body.getJsonObject("checks").getJsonObject("runtimeEvidence");
  }

  @Test
  void evidenceDisabled_serviceUp_healthSaysOffAndWhy() throws Exception {
    TestService s = TestService.start(Map.of());
    try {
      JsonObject check = evidenceCheck(s);
      assertThat(check.getString("status")).isEqualTo("OFF");
      assertThat(check.getString("reason")).contains("evidence.enabled=false");
    } finally {
      s.close();
    }
  }

  @Test
  void evidenceEnabled_trackedWorkload_journaledAsEbpfRecords() throws Exception {
    Privileged.requireProbes();
    TestService s =
        TestService.start(
            Map.of("LINEAGE_EVIDENCE_ENABLED", "true", "LINEAGE_EVIDENCE_WINDOW_SECONDS", "1"));
    try {
      JsonObject check = evidenceCheck(s);
      assertThat(check.getString("status")).as(check.encode()).isEqualTo("ON");
      Files.writeString(dir.resolve("train.csv"), "x,y\n1,2\n");
      String runId = "run-" + UUID.randomUUID().toString().substring(0, 8);
      ProcessBuilder pb = new ProcessBuilder(List.of("/bin/sh", "-c", "cat train.csv; true"));
      pb.directory(dir.toFile()).environment().put("MLFLOW_RUN_ID", runId);
      Process p = pb.redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
      assertThat(p.waitFor(30, TimeUnit.SECONDS)).isTrue();
      Await.until(
          Duration.ofSeconds(30),
          "an ebpf record naming run " + runId,
          () -> countEbpfRecords(s, runId) > 0);
    } finally {
      s.close();
    }
  }

  private static int countEbpfRecords(TestService s, String runId) throws Exception {
    try (Connection c = s.verticle.database().dataSource().getConnection();
        PreparedStatement st =
            c.prepareStatement(
                "SELECT count(*) FROM journal_records WHERE source = 'ebpf'"
                    + " AND kind = 'ebpf.process' AND position(? in convert_from(canonical, 'UTF8')) > 0")) {
      st.setString(1, "mlflow-run:" + runId);
      try (ResultSet rs = st.executeQuery()) {
        rs.next();
        return rs.getInt(1);
      }
    }
  }
}
