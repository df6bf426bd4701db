package io.lineageledger.chaincode;

import static org.assertj.core.api.Assertions.assertThat;

import io.lineageledger.platform.testing.Await;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.jar.JarFile;
import org.junit.jupiter.api.Test;

/** The packaged chaincode jar starts as chaincode-as-a-service on its own, as a peer expects. */
class ChaincodeServiceIT {
  private static final Path JAR = Path.of("target/lineage-chaincode-service.jar");

  @Test
  void serviceJar_startsContractRouterAsServer_withTheAnchorContract() throws Exception {
    try (JarFile jar = new JarFile(JAR.toFile())) {
      assertThat(jar.getManifest().getMainAttributes().getValue("Main-Class"))
          .isEqualTo("org.hyperledger.fabric.contract.ContractRouter");
      // The shared verification code travels inside the jar.
      assertThat(jar.getEntry("io/lineageledger/ledger/merkle/ProofVerifier.class")).isNotNull();
    }
    int port;
    try (ServerSocket s = new ServerSocket(0)) {
      port = s.getLocalPort();
    }
    Path out = Files.createTempFile("chaincode", ".log");
    ProcessBuilder pb =
        new ProcessBuilder(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-jar",
                JAR.toString())
            .redirectErrorStream(true)
            .redirectOutput(out.toFile());
    pb.environment().put("CHAINCODE_SERVER_ADDRESS", "127.0.0.1:" + port);
    pb.environment().put("CORE_CHAINCODE_ID_NAME", "lineage-anchor:test");
    pb.environment().put("CORE_PEER_TLS_ENABLED", "false");
    Process p = pb.start();
    try {
      Await.until(
          Duration.ofSeconds(60),
          () -> "chaincode server listening on port " + port + "; log: " + read(out),
          () -> {
            try (Socket s = new Socket()) {
              s.connect(new InetSocketAddress("127.0.0.1", port), 200);
              return true;
            }
          });
      assertThat(read(out))
          .contains("Found class: io.lineageledger.chaincode.AnchorContract")
          .contains("Starting chaincode as server");
    } finally {
      p.destroy();
      p.waitFor();
    }
  }

  private static String read(Path p) {
    try {
      return Files.readString(p);
    } catch (IOException e) {
      return "(unreadable: " + e + ")";
    }
  }
}
