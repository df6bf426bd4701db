package io.lineageledger.bpf;

import static org.assertj.core.api.Assertions.assertThat;

import io.lineageledger.ledger.journal.Record;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

class EvidenceWindowTest {
  private static final Instant T0 = Instant.parse("2026-11-25T10:00:00Z");

  private static ProcessEvidence process(int files) {
    List<FileEvidence> fs = new ArrayList<>();
    for (int i = 0; i < files; i++) {
      fs.add(
          new FileEvidence(
              "/data/" + "d".repeat(200) + "/file-" + i,
              2049,
              1000 + i,
              i,
              0,
              1,
              0,
              1,
              0,
              0,
              "ab".repeat(32),
              null));
    }
    return new ProcessEvidence(
        new ProcKey(42, 123_456_789_012_345L),
        1,
        null,
        "python",
        "/usr/bin/python3",
        List.of("python", "train.py"),
        Map.of("MLFLOW_RUN_ID", "run-1"),
        "env",
        0,
        5L,
        fs,
        List.of());
  }

  @Test
  void toRecords_manyFiles_splitIntoPartsUnderTheRecordBound() {
    EvidenceWindow w =
        new EvidenceWindow("boot/1", T0, T0.plusSeconds(10), 5, 0, 0, List.of(process(1000)));
    List<Record> records = w.toRecords();
    assertThat(records).hasSize(1 + (1000 + EvidenceWindow.PER_PART - 1) / EvidenceWindow.PER_PART);
    Set<String> refs = new HashSet<>();
    int files = 0;
    for (Record r : records) {
      assertThat(r.canonicalBytes().length).isLessThan(65_536);
      assertThat(refs.add(r.sourceRef())).isTrue();
      files += r.payload().path("files").size();
    }
    assertThat(files).isEqualTo(1000);
    assertThat(records.get(1).sourceRef()).isEqualTo("boot/1/42-123456789012345/1-of-16");
    assertThat(records.get(1).subjects()).contains("mlflow-run:run-1", "env:MLFLOW_RUN_ID=run-1");
  }

  @Test
  void toRecords_sameWindowTwice_identicalRecords() {
    EvidenceWindow w =
        new EvidenceWindow("boot/2", T0, T0.plusSeconds(10), 5, 1, 0, List.of(process(3)));
    List<Record> a = w.toRecords();
    List<Record> b = w.toRecords();
    assertThat(a).hasSize(2);
    for (int i = 0; i < a.size(); i++) {
      assertThat(a.get(i).canonicalBytes()).isEqualTo(b.get(i).canonicalBytes());
    }
    assertThat(a.get(0).kind()).isEqualTo("ebpf.window");
    assertThat(a.get(0).payload().get("complete").asBoolean()).isFalse();
    assertThat(a.get(1).sourceRef()).isEqualTo("boot/2/42-123456789012345");
    assertThat(a.get(1).payload().get("proc").asText()).isEqualTo("42@123456789012345");
  }
}
