package io.lineageledger.bpf;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class FlowEvidenceTest {
  @TempDir Path dir;

  @BeforeEach
  void probes() {
    Privileged.requireProbes();
  }

  /** Accepts one client, reads exactly {@code expect} bytes, answers {@code reply} bytes. */
  private static CompletableFuture<Integer> serveOnce(ServerSocket server, int expect, int reply) {
    return CompletableFuture.supplyAsync(
        () -> {
          try (Socket s = server.accept()) {
            InputStream in = s.getInputStream();
            byte[] got = in.readNBytes(expect);
            if (got.length != expect) {
              throw new IllegalStateException("server got " + got.length + " of " + expect);
            }
            OutputStream out = s.getOutputStream();
            out.write(new byte[reply]);
            out.flush();
            return s.getPort();
          } catch (Exception e) {
            throw new IllegalStateException(e);
          }
        });
  }

  @Test
  void trackedClient_loopbackFlow_portsAddressesAndBytes() throws Exception {
    String runId = "run-" + UUID.randomUUID().toString().substring(0, 8);
    EvidenceWindow w;
    int clientPort;
    int serverPort;
    try (ServerSocket server = new ServerSocket(0, 1, InetAddress.getByName("127.0.0.1"));
        RuntimeEvidence rt =
            RuntimeEvidence.start(ProbeOptions.defaults(), Clock.systemUTC(), x -> {}, false)) {
      serverPort = server.getLocalPort();
      CompletableFuture<Integer> accepted = serveOnce(server, 1000, 5000);
      // bash's /dev/tcp: connect, send 1000 bytes, read the 5000-byte answer to the end
      int code =
          Workloads.sh(
              dir,
              Map.of("MLFLOW_RUN_ID", runId),
              "exec bash -c 'exec 3<>/dev/tcp/127.0.0.1/"
                  + serverPort
                  + "; head -c 1000 /dev/zero >&3; cat <&3 > reply.bin'");
      assertThat(code).isZero();
      clientPort = accepted.get();
      rt.drainEvents();
      w = rt.cut();
    }
    List<FlowEvidence> flows =
        w.processes().stream()
            .filter(p -> runId.equals(p.runId()))
            .flatMap(p -> p.flows().stream())
            .filter(f -> f.remotePort() == serverPort)
            .toList();
    assertThat(flows).isNotEmpty();
    long sent = flows.stream().mapToLong(FlowEvidence::bytesSent).sum();
    long received = flows.stream().mapToLong(FlowEvidence::bytesReceived).sum();
    assertThat(sent).isEqualTo(1000);
    assertThat(received).isEqualTo(5000);
    for (FlowEvidence f : flows) {
      assertThat(f.family()).isEqualTo("ipv4");
      assertThat(f.localAddress()).isEqualTo("127.0.0.1");
      assertThat(f.remoteAddress()).isEqualTo("127.0.0.1");
      assertThat(f.localPort()).isEqualTo(clientPort);
      assertThat(f.remotePort()).isEqualTo(serverPort);
    }
    assertThat(flows.stream().flatMap(f -> f.states().stream())).contains("ESTABLISHED");
  }

  /**
   * read/write on a socket and on regular files, interleaved, of the same sizes: the socket's go to
   * the flow only (sys_exit resolves the fd and skips what is no regular file), the files' to the
   * files only.
   */
  @Test
  void trackedClient_fileToSocketAndSocketToFile_bothCountedExactly() throws Exception {
    String runId = "run-" + UUID.randomUUID().toString().substring(0, 8);
    Files.write(dir.resolve("data.bin"), new byte[1000]);
    EvidenceWindow w;
    int serverPort;
    try (ServerSocket server = new ServerSocket(0, 1, InetAddress.getByName("127.0.0.1"));
        RuntimeEvidence rt =
            RuntimeEvidence.start(ProbeOptions.defaults(), Clock.systemUTC(), x -> {}, false)) {
      serverPort = server.getLocalPort();
      // the reply is as long as the request: file and socket calls move the same byte counts
      CompletableFuture<Integer> accepted = serveOnce(server, 1000, 1000);
      int code =
          Workloads.sh(
              dir,
              Map.of("MLFLOW_RUN_ID", runId),
              "exec bash -c 'exec 3<>/dev/tcp/127.0.0.1/"
                  + serverPort
                  + "; head -c 1000 data.bin >&3; head -c 1000 <&3 > reply.bin'");
      assertThat(code).isZero();
      accepted.get();
      rt.drainEvents();
      w = rt.cut();
    }
    // by inode: head writes reply.bin through a descriptor bash opened, so its entry has no path
    long dataIno = ((Number) Files.getAttribute(dir.resolve("data.bin"), "unix:ino")).longValue();
    long replyIno = ((Number) Files.getAttribute(dir.resolve("reply.bin"), "unix:ino")).longValue();
    List<ProcessEvidence> run =
        w.processes().stream().filter(p -> runId.equals(p.runId())).toList();
    List<FlowEvidence> toServer =
        run.stream()
            .flatMap(p -> p.flows().stream())
            .filter(f -> f.remotePort() == serverPort)
            .toList();
    assertThat(toServer.stream().mapToLong(FlowEvidence::bytesSent).sum()).isEqualTo(1000);
    assertThat(toServer.stream().mapToLong(FlowEvidence::bytesReceived).sum()).isEqualTo(1000);
    List<FileEvidence> files = run.stream().flatMap(p -> p.files().stream()).toList();
    assertThat(
            files.stream().filter(f -> f.ino() == dataIno).mapToLong(FileEvidence::bytesRead).sum())
        .isEqualTo(1000);
    assertThat(
            files.stream()
                .filter(f -> f.ino() == replyIno)
                .mapToLong(FileEvidence::bytesWritten)
                .sum())
        .isEqualTo(1000);
  }

  @Test
  void untrackedClient_loopbackFlow_noEvidence() throws Exception {
    EvidenceWindow w;
    int serverPort;
    try (ServerSocket server = new ServerSocket(0, 1, InetAddress.getByName("127.0.0.1"));
        RuntimeEvidence rt =
            RuntimeEvidence.start(ProbeOptions.defaults(), Clock.systemUTC(), x -> {}, false)) {
      serverPort = server.getLocalPort();
      CompletableFuture<Integer> accepted = serveOnce(server, 10, 10);
      Workloads.sh(
          dir,
          Map.of(),
          "exec bash -c 'exec 3<>/dev/tcp/127.0.0.1/"
              + serverPort
              + "; head -c 10 /dev/zero >&3; cat <&3 > /dev/null'");
      accepted.get();
      rt.drainEvents();
      w = rt.cut();
    }
    assertThat(
            w.processes().stream()
                .flatMap(p -> p.flows().stream())
                .filter(f -> f.remotePort() == serverPort || f.localPort() == serverPort))
        .isEmpty();
  }

  @Test
  void serverPorts_flowOnUnconfiguredPort_noEvidence() throws Exception {
    String runId = "run-" + UUID.randomUUID().toString().substring(0, 8);
    EvidenceWindow w;
    int kept;
    int dropped;
    try (ServerSocket keep = new ServerSocket(0, 1, InetAddress.getByName("127.0.0.1"));
        ServerSocket drop = new ServerSocket(0, 1, InetAddress.getByName("127.0.0.1"))) {
      kept = keep.getLocalPort();
      dropped = drop.getLocalPort();
      try (RuntimeEvidence rt =
          RuntimeEvidence.start(
              ProbeOptions.defaults().withServerPorts(List.of(kept)),
              Clock.systemUTC(),
              x -> {},
              false)) {
        CompletableFuture<Integer> a = serveOnce(keep, 100, 300);
        CompletableFuture<Integer> b = serveOnce(drop, 200, 400);
        int code =
            Workloads.sh(
                dir,
                Map.of("MLFLOW_RUN_ID", runId),
                "exec bash -c 'exec 3<>/dev/tcp/127.0.0.1/"
                    + kept
                    + "; head -c 100 /dev/zero >&3; cat <&3 > a.bin;"
                    + " exec 4<>/dev/tcp/127.0.0.1/"
                    + dropped
                    + "; head -c 200 /dev/zero >&4; cat <&4 > b.bin'");
        assertThat(code).isZero();
        a.get();
        b.get();
        rt.drainEvents();
        w = rt.cut();
      }
    }
    List<FlowEvidence> flows =
        w.processes().stream()
            .filter(p -> runId.equals(p.runId()))
            .flatMap(p -> p.flows().stream())
            .toList();
    List<FlowEvidence> toKept = flows.stream().filter(f -> f.remotePort() == kept).toList();
    assertThat(toKept.stream().mapToLong(FlowEvidence::bytesSent).sum()).isEqualTo(100);
    assertThat(toKept.stream().mapToLong(FlowEvidence::bytesReceived).sum()).isEqualTo(300);
    assertThat(flows)
        .as("flows of %s with port %d not configured", runId, dropped)
        .noneMatch(f -> f.remotePort() == dropped || f.localPort() == dropped);
  }
}
