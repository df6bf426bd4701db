package io.lineageledger.bpf;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.lineageledger.ledger.journal.AppendResult;
import io.lineageledger.ledger.journal.Journal;
import io.lineageledger.ledger.journal.StoredRecord;
import io.lineageledger.platform.Database;
import io.lineageledger.platform.testing.SharedPostgres;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class EvidenceJournalIT {
  @TempDir Path dir;

  @Test
  void window_journaled_recordsPerProcessIdempotent() throws Exception {
    Privileged.requireProbes();
    Files.writeString(dir.resolve("data.csv"), "a,b\n1,2\n");
    String runId = "run-" + UUID.randomUUID().toString().substring(0, 8);
    EvidenceWindow w;
    try (RuntimeEvidence rt =
        RuntimeEvidence.start(ProbeOptions.defaults(), Clock.systemUTC(), x -> {}, false)) {
      Workloads.sh(dir, Map.of("MLFLOW_RUN_ID", runId), "cat data.csv > /dev/null; true");
      rt.drainEvents();
      w = rt.cut();
    }
    try (Database db = Database.open(SharedPostgres.freshDatabase().settings(dir.resolve("pg")))) {
      EvidenceJournal journal =
          new EvidenceJournal(new Journal(db.dataSource(), Clock.systemUTC()));
      List<AppendResult> first = journal.append(w);
      assertThat(first).hasSize(w.processes().size() + 1);
      assertThat(first).allMatch(r -> r.status() == AppendResult.Status.CREATED);
      List<AppendResult> again = journal.append(w);
      assertThat(again).allMatch(r -> r.status() == AppendResult.Status.EXISTING);

      Journal j = new Journal(db.dataSource(), Clock.systemUTC());
      boolean found = false;
      for (AppendResult r : first) {
        StoredRecord s = j.record(r.id()).orElseThrow();
        String canonical = new String(s.canonical(), StandardCharsets.UTF_8);
        JsonNode record = new ObjectMapper().readTree(canonical);
        for (JsonNode f : record.path("payload").path("files")) {
          if (f.path("path").asText().equals(dir.resolve("data.csv").toString())) {
            found = true;
            assertThat(record.get("source").asText()).isEqualTo("ebpf");
            assertThat(record.get("kind").asText()).isEqualTo("ebpf.process");
            assertThat(record.get("subjects").toString()).contains("mlflow-run:" + runId);
            assertThat(f.get("bytesRead").asLong()).isEqualTo(8);
            assertThat(f.get("sha256").asText()).hasSize(64);
          }
        }
      }
      assertThat(found).as("a journaled record names the run and its dataset").isTrue();
    }
  }
}
