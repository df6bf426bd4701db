package io.lineageledger.bpf;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Clock;
import java.time.Duration;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.UUID;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class FileEvidenceTest {
  @TempDir Path dir;

  @BeforeEach
  void probes() {
    Privileged.requireProbes();
  }

  private static ProbeOptions options() {
    return ProbeOptions.defaults().withWindow(Duration.ofSeconds(10));
  }

  private static String sha256(byte[] b) throws Exception {
    return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(b));
  }

  private static long ino(Path p) throws Exception {
    return ((Number) Files.getAttribute(p, "unix:ino")).longValue();
  }

  @Test
  void closeWindow_execEventStillInRingBuffer_countsWaitOneWindowForTheRunId() throws Exception {
    Path dataset = Files.write(dir.resolve("lagged.bin"), new byte[5000]);
    long dsIno = ino(dataset);
    String runId = "run-" + UUID.randomUUID().toString().substring(0, 8);
    try (RuntimeEvidence rt = RuntimeEvidence.start(options(), Clock.systemUTC(), x -> {}, false)) {
      // A lagging poller: the workload's exec and exit stay in the ring buffer past the cut.
      rt.session().stopEvents();
      assertThat(Workloads.sh(dir, Map.of("MLFLOW_RUN_ID", runId), "cat lagged.bin > /dev/null"))
          .isZero();
      EvidenceWindow first = rt.cut();
      assertThat(first.processes())
          .as("counts of a process user space does not know yet are not reported without it")
          .allSatisfy(p -> assertThat(p.files()).noneMatch(f -> f.ino() == dsIno));
      rt.drainEvents(); // restarts the poller
      rt.drainEvents(); // and hands over what it has not delivered yet
      EvidenceWindow second = rt.cut();
      long read =
          second.processes().stream()
              .filter(p -> runId.equals(p.runId()))
              .flatMap(p -> p.files().stream())
              .filter(f -> f.ino() == dsIno)
              .mapToLong(FileEvidence::bytesRead)
              .sum();
      assertThat(read).isEqualTo(5000);
    }
  }

  @Test
  void runIdTree_readsDatasetWritesModel_exactBytesDigestsAndGrandchild() throws Exception {
    byte[] data = new byte[100_000];
    new Random(7).nextBytes(data);
    Path dataset = Files.write(dir.resolve("dataset.bin"), data);
    Path model = dir.resolve("model.bin");
    String runId = "run-" + UUID.randomUUID().toString().substring(0, 8);

    EvidenceWindow w;
    try (RuntimeEvidence rt = RuntimeEvidence.start(options(), Clock.systemUTC(), x -> {}, false)) {
      // cat reads the dataset once; the inner sh's child (a grandchild) reads it twice into the
      // model
      int code =
          Workloads.sh(
              dir,
              Map.of("MLFLOW_RUN_ID", runId),
              "cat dataset.bin > /dev/null; sh -c 'cat dataset.bin dataset.bin > model.bin; true'; true");
      assertThat(code).isZero();
      rt.drainEvents();
      w = rt.cut();
    }
    List<ProcessEvidence> run =
        w.processes().stream().filter(p -> runId.equals(p.runId())).toList();
    assertThat(run).isNotEmpty();
    long dsIno = ino(dataset);
    long modelIno = ino(model);
    long read =
        run.stream()
            .flatMap(p -> p.files().stream())
            .filter(f -> f.ino() == dsIno)
            .mapToLong(FileEvidence::bytesRead)
            .sum();
    long written =
        run.stream()
            .flatMap(p -> p.files().stream())
            .filter(f -> f.ino() == modelIno)
            .mapToLong(FileEvidence::bytesWritten)
            .sum();
    assertThat(read).isEqualTo(300_000);
    assertThat(written).isEqualTo(200_000);

    FileEvidence ds =
        run.stream()
            .flatMap(p -> p.files().stream())
            .filter(f -> f.ino() == dsIno)
            .findFirst()
            .get();
    assertThat(ds.path()).isEqualTo(dataset.toString());
    assertThat(ds.sha256()).isEqualTo(sha256(data));
    byte[] twice = new byte[200_000];
    System.arraycopy(data, 0, twice, 0, 100_000);
    System.arraycopy(data, 0, twice, 100_000, 100_000);
    ProcessEvidence writer =
        run.stream()
            .filter(
                p -> p.files().stream().anyMatch(f -> f.ino() == modelIno && f.bytesWritten() > 0))
            .findFirst()
            .get();
    FileEvidence m = writer.files().stream().filter(f -> f.ino() == modelIno).findFirst().get();
    assertThat(m.sha256())
        .as("digest of %s: %s in %s", m.path(), m.digestNote(), run)
        .isEqualTo(sha256(twice));
    assertThat(m.path()).isEqualTo(model.toString());

    // the writer is a grandchild of the shell that carried MLFLOW_RUN_ID, which inherited it
    ProcessEvidence root = run.stream().filter(p -> p.parent() == null).findFirst().get();
    ProcessEvidence parent =
        run.stream().filter(p -> p.proc().equals(writer.parent())).findFirst().get();
    assertThat(parent.parent()).isEqualTo(root.proc());
    assertThat(root.exitStatus()).isZero();
    assertThat(w.eventsLost()).isZero();
    assertThat(w.updatesLost()).isZero();
  }

  @Test
  void trackedCommandName_noEnv_trackedFromExec() throws Exception {
    byte[] data = new byte[4321];
    new Random(9).nextBytes(data);
    Path dataset = Files.write(dir.resolve("cmd.bin"), data);
    Path tool = Files.createSymbolicLink(dir.resolve("lnprobecat"), Path.of("/bin/cat"));
    EvidenceWindow w;
    try (RuntimeEvidence rt =
        RuntimeEvidence.start(
            options().withCommands(List.of("lnprobecat")), Clock.systemUTC(), x -> {}, false)) {
      assertThat(Workloads.sh(dir, Map.of(), tool + " cmd.bin > /dev/null; true")).isZero();
      rt.drainEvents();
      w = rt.cut();
    }
    long dsIno = ino(dataset);
    ProcessEvidence cat =
        w.processes().stream()
            .filter(p -> p.files().stream().anyMatch(f -> f.ino() == dsIno))
            .findFirst()
            .orElseThrow();
    assertThat(cat.comm()).isEqualTo("lnprobecat");
    assertThat(cat.trackedBecause()).isEqualTo("command");
    assertThat(cat.runId()).isNull();
    assertThat(
            cat.files().stream()
                .filter(f -> f.ino() == dsIno)
                .mapToLong(FileEvidence::bytesRead)
                .sum())
        .isEqualTo(4321);
    // the shell that started it was not tracked
    assertThat(w.processes()).noneMatch(p -> "sh".equals(p.comm()));
  }

  @Test
  void untrackedProcess_producesNoEvidence() throws Exception {
    byte[] data = new byte[10_000];
    new Random(8).nextBytes(data);
    Path dataset = Files.write(dir.resolve("plain.bin"), data);
    long dsIno = ino(dataset);
    EvidenceWindow w;
    Map<Integer, Long> trackedDuring;
    try (RuntimeEvidence rt = RuntimeEvidence.start(options(), Clock.systemUTC(), x -> {}, false)) {
      Workloads.sh(dir, Map.of("NOT_TRACKED", "1"), "cat plain.bin plain.bin > copy.bin");
      trackedDuring = rt.session().tracked();
      rt.drainEvents();
      w = rt.cut();
    }
    assertThat(
            w.processes().stream()
                .flatMap(p -> p.files().stream())
                .filter(
                    f ->
                        f.ino() == dsIno
                            || f.path() != null && f.path().startsWith(dir.toString())))
        .isEmpty();
    assertThat(w.processes()).noneMatch(p -> p.args().contains("plain.bin"));
    assertThat(trackedDuring.keySet()).doesNotContain((int) ProcessHandle.current().pid());
  }

  @Test
  void pathPrefixes_fileOutsidePrefix_noFileEvidence() throws Exception {
    Path in = Files.createDirectories(dir.resolve("in/sub"));
    Path out = Files.createDirectories(dir.resolve("out"));
    Path inside = Files.write(in.resolve("inside.bin"), new byte[1234]);
    Path outside = Files.write(out.resolve("outside.bin"), new byte[5678]);
    // reached through a symlink that lives outside the prefix: still the prefix's file
    Path viaLink = Files.write(in.resolve("linked.bin"), new byte[99]);
    Files.createSymbolicLink(dir.resolve("alias"), dir.resolve("in"));
    String runId = "run-" + UUID.randomUUID().toString().substring(0, 8);
    EvidenceWindow w;
    try (RuntimeEvidence rt =
        RuntimeEvidence.start(
            options().withPathPrefixes(List.of(dir.resolve("in"))),
            Clock.systemUTC(),
            x -> {},
            false)) {
      int code =
          Workloads.sh(
              dir,
              Map.of("MLFLOW_RUN_ID", runId),
              "cat in/sub/inside.bin out/outside.bin alias/sub/linked.bin > /dev/null");
      assertThat(code).isZero();
      rt.drainEvents();
      w = rt.cut();
    }
    List<ProcessEvidence> run =
        w.processes().stream().filter(p -> runId.equals(p.runId())).toList();
    List<FileEvidence> files = run.stream().flatMap(p -> p.files().stream()).toList();
    long insideIno = ino(inside);
    long linkedIno = ino(viaLink);
    assertThat(files.stream().filter(f -> f.ino() == insideIno).mapToLong(FileEvidence::bytesRead))
        .containsExactly(1234L);
    assertThat(files.stream().filter(f -> f.ino() == linkedIno).mapToLong(FileEvidence::bytesRead))
        .containsExactly(99L);
    // the file outside, and everything else cat and sh opened (libraries, /dev/null), is filtered
    assertThat(files)
        .as("files outside %s (outside.bin is ino %d)", dir.resolve("in"), ino(outside))
        .allMatch(f -> f.ino() == insideIno || f.ino() == linkedIno);
    assertThat(w.updatesLost()).isZero();
  }

  @Test
  void pathPrefixes_missingDirectory_probesOffNamingIt() {
    Path missing = dir.resolve("not-there");
    assertThatThrownBy(
            () ->
                RuntimeEvidence.start(
                    options().withPathPrefixes(List.of(missing)),
                    Clock.systemUTC(),
                    x -> {},
                    false))
        .isInstanceOf(ProbesUnavailableException.class)
        .hasMessageContaining(missing.toString())
        .hasMessageContaining("not an existing directory");
  }
}
