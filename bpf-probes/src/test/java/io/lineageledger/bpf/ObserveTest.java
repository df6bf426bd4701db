package io.lineageledger.bpf;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ObserveTest {
  @TempDir Path dir;

  @Test
  void observe_command_printsItsTreeEvidenceAndReturnsItsExitCode() throws Exception {
    Privileged.requireProbes();
    Path data = Files.writeString(dir.resolve("in.txt"), "hello evidence\n");
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    List<EvidenceWindow> journaled = new ArrayList<>();
    int code =
        Observe.run(
            List.of("/bin/sh", "-c", "cat " + data + " > /dev/null; exit 3"),
            ProbeOptions.defaults(),
            new PrintStream(out, true, StandardCharsets.UTF_8),
            journaled::add);
    assertThat(code).isEqualTo(3);
    String json = out.toString(StandardCharsets.UTF_8);
    assertThat(json).contains("\"path\" : \"" + data + "\"").contains("\"bytesRead\" : 15");
    assertThat(journaled).hasSize(1);
    EvidenceWindow w = journaled.get(0);
    assertThat(w.processes()).isNotEmpty();
    assertThat(w.processes()).allMatch(p -> p.env().containsKey(Observe.MARKER));
  }
}
