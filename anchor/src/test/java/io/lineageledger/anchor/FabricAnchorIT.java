package io.lineageledger.anchor;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.grpc.ManagedChannel;
import io.grpc.Server;
import io.grpc.inprocess.InProcessChannelBuilder;
import io.grpc.inprocess.InProcessServerBuilder;
import io.lineageledger.chaincode.AnchorError;
import io.lineageledger.chaincode.LocalIdentity;
import io.lineageledger.ledger.journal.Record;
import io.lineageledger.ledger.journal.SignedCheckpoint;
import io.lineageledger.ledger.journal.TransparencyLog;
import io.lineageledger.ledger.note.Checkpoint;
import io.lineageledger.ledger.note.NoteSigner;
import io.lineageledger.platform.Database;
import io.lineageledger.platform.testing.Await;
import io.lineageledger.platform.testing.SharedPostgres;
import java.nio.file.Path;
import java.security.PrivateKey;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.hyperledger.fabric.protos.peer.TxValidationCode;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * FabricAnchor through the real fabric-gateway SDK against {@link FakeGateway}, an in-process gRPC
 * server speaking gateway.proto that verifies every signature and runs the real contract.
 */
class FabricAnchorIT {
  private static final ObjectMapper JSON = new ObjectMapper();
  @TempDir Path dataDir;

  private final MutableClock clock = new MutableClock(Instant.parse("2026-04-01T00:00:00Z"));
  private final NoteSigner signer = NoteSigner.generate("fabric.test/log");
  private final String serverName = "fake-peer-" + System.nanoTime();
  private final LocalIdentity client =
      LocalIdentity.generate("Org1MSP", "lineage-service", Map.of(), Instant.now());
  private final FakeGateway fake = new FakeGateway(Set.of("Org1MSP"));

  private Server server;
  private ManagedChannel channel;
  private Database db;
  private TransparencyLog log;

  @BeforeEach
  void setUp() throws Exception {
    fake.trust("Org1MSP", client.certificate());
    startServer();
    channel = InProcessChannelBuilder.forName(serverName).build();
    db = Database.open(SharedPostgres.freshDatabase().settings(dataDir));
    log = new TransparencyLog(db.dataSource(), signer, clock, 1000, Duration.ZERO);
  }

  @AfterEach
  void tearDown() throws Exception {
    log.close();
    db.close();
    channel.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
    server.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
  }

  private void startServer() throws Exception {
    server = InProcessServerBuilder.forName(serverName).addService(fake).build().start();
  }

  private FabricAnchor anchor(PrivateKey key, Duration endorseTimeout, int attempts) {
    FabricConfig config =
        new FabricConfig(
            "fake-peer:7051",
            Optional.empty(),
            Optional.empty(),
            "Org1MSP",
            Path.of("unused-cert.pem"),
            Path.of("unused-key.pem"),
            "lineage",
            "lineage-anchor",
            Duration.ofSeconds(2),
            endorseTimeout,
            Duration.ofSeconds(2),
            Duration.ofSeconds(2),
            attempts,
            Duration.ofMillis(10));
    return new FabricAnchor(channel, client.certificate(), key, config, null);
  }

  private FabricAnchor anchor() {
    return anchor(client.privateKey(), Duration.ofSeconds(2), 4);
  }

  private Anchorer anchorer(Anchor anchor) {
    return new Anchorer(
        log, anchor, new AnchorStore(db.dataSource(), clock), clock, Duration.ZERO, 1);
  }

  private void append(String prefix, int n) throws Exception {
    List<Record> batch = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      batch.add(
          Record.of(
              "test", "test.fact", prefix + i, Instant.EPOCH, List.of(), JSON.createObjectNode()));
    }
    log.journal().appendAll(batch);
    log.step();
  }

  @Test
  void anchor_happyPath_commitsWithBlockNumberAndReadsBack() throws Exception {
    FabricAnchor fabric = anchor();
    Anchorer anchorer = anchorer(fabric);
    append("a", 5);
    AnchorReceipt first = anchorer.step().orElseThrow();
    append("b", 3);
    AnchorReceipt second = anchorer.step().orElseThrow();

    assertThat(anchorer.status().lastError()).isEmpty();
    assertThat(first.backend()).isEqualTo("fabric");
    assertThat(first.validationCode()).isEqualTo("VALID");
    assertThat(second.treeSize()).isEqualTo(8);
    assertThat(second.blockNumber().getAsLong()).isGreaterThan(first.blockNumber().getAsLong());
    assertThat(fake.anchorsOf(log.origin())).isEqualTo(2);
    AnchorReceipt onChain = fabric.read(log.origin(), 8).orElseThrow();
    assertThat(onChain.txId()).isEqualTo(second.txId());
    assertThat(onChain.root()).isEqualTo(log.checkpoint(8).orElseThrow().root());
    assertThat(fabric.latest(log.origin()).orElseThrow().treeSize()).isEqualTo(8);
    assertThat(fabric.read(log.origin(), 7)).isEmpty();
  }

  @Test
  void anchor_contractRefusesAtEndorsement_isNotRetriedAndNamesTheReason() throws Exception {
    FabricAnchor fabric = anchor();
    anchorer(fabric).step();
    append("a", 4);
    SignedCheckpoint cp = log.latestCheckpoint().orElseThrow();
    fabric.anchor(cp.note(), List.of());
    byte[] otherRoot = cp.root();
    otherRoot[5] ^= 1;
    String forked = signer.sign(new Checkpoint(log.origin(), cp.size(), otherRoot));
    int before = fake.endorsements.get();

    assertThatThrownBy(() -> fabric.anchor(forked, List.of()))
        .isInstanceOfSatisfying(
            AnchorException.class,
            e -> {
              assertThat(e.kind()).isEqualTo(AnchorException.Kind.REFUSED);
              assertThat(e.error()).contains(AnchorError.FORK);
            })
        .hasMessageContaining("the log forked");
    assertThat(fake.endorsements.get() - before).isEqualTo(1);
  }

  @Test
  void anchor_mvccConflictAtCommit_isRetriedWithANewProposal_andAnchorsOnce() throws Exception {
    FabricAnchor fabric = anchor();
    fabric.register(log.origin(), log.verifierKey());
    append("a", 6);
    AtomicBoolean once = new AtomicBoolean(true);
    // A competing transaction rewrites the registration the anchor read: MVCC_READ_CONFLICT.
    fake.beforeValidation =
        () -> {
          if (once.getAndSet(false)) {
            fake.touch("L\u0001");
          }
        };
    SignedCheckpoint cp = log.latestCheckpoint().orElseThrow();

    AnchorReceipt r = fabric.anchor(cp.note(), List.of());

    assertThat(fake.commitCodes)
        .containsSubsequence(TxValidationCode.MVCC_READ_CONFLICT, TxValidationCode.VALID);
    assertThat(r.validationCode()).isEqualTo("VALID");
    assertThat(fake.anchorsOf(log.origin())).isEqualTo(1);
  }

  @Test
  void anchorer_gatewayDownThenBack_anchorsTheBacklogWithOneCatchUpTransaction() throws Exception {
    Anchorer anchorer = anchorer(anchor());
    append("a", 3);
    anchorer.step().orElseThrow();
    int submissionsBefore = fake.submissions.get();

    server.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
    for (int round = 0; round < 3; round++) {
      append("down" + round + "-", 4);
      assertThat(anchorer.step()).isEmpty();
    }
    assertThat(anchorer.status().lastError())
        .hasValueSatisfying(e -> assertThat(e).contains("UNAVAILABLE"));
    assertThat(anchorer.status().lagEntries()).isEqualTo(12);

    startServer();
    Optional<AnchorReceipt>[] caughtUp = new Optional[] {Optional.empty()};
    Await.until(
        Duration.ofSeconds(60),
        () -> "a catch-up anchor; last error " + anchorer.status().lastError(),
        () -> (caughtUp[0] = anchorer.step()).isPresent());

    assertThat(caughtUp[0].get().treeSize()).isEqualTo(15);
    assertThat(fake.submissions.get() - submissionsBefore).isEqualTo(1);
    assertThat(fake.anchorsOf(log.origin())).isEqualTo(2);
    assertThat(anchorer.status().lagEntries()).isZero();
  }

  @Test
  void anchor_endorseDeadlineExceeded_retriesWithoutAnchoringTwice() throws Exception {
    FabricAnchor fabric = anchor(client.privateKey(), Duration.ofMillis(300), 3);
    fabric.register(log.origin(), log.verifierKey());
    append("a", 2);
    SignedCheckpoint cp = log.latestCheckpoint().orElseThrow();
    fake.slowEndorsements.set(1);
    int before = fake.endorsements.get();

    AnchorReceipt r = fabric.anchor(cp.note(), List.of());

    assertThat(r.treeSize()).isEqualTo(2);
    assertThat(fake.endorsements.get() - before).isEqualTo(2);
    assertThat(fake.anchorsOf(log.origin())).isEqualTo(1);

    append("b", 2);
    SignedCheckpoint next = log.latestCheckpoint().orElseThrow();
    fake.slowEndorsements.set(10);
    assertThatThrownBy(
            () -> fabric.anchor(next.note(), log.consistencyProof(cp.size(), next.size())))
        .isInstanceOfSatisfying(
            AnchorException.class,
            e -> assertThat(e.kind()).isEqualTo(AnchorException.Kind.UNAVAILABLE))
        .hasMessageContaining("DEADLINE_EXCEEDED")
        .hasMessageContaining("after 3 attempts");
  }

  @Test
  void register_signedWithAKeyThatIsNotTheCertificates_isRejectedByTheGateway() {
    PrivateKey wrong =
        LocalIdentity.generate("Org1MSP", "impostor", Map.of(), Instant.now()).privateKey();
    FabricAnchor impostor = anchor(wrong, Duration.ofSeconds(2), 1);

    assertThatThrownBy(() -> impostor.register(log.origin(), log.verifierKey()))
        .isInstanceOf(AnchorException.class)
        .hasMessageContaining("PERMISSION_DENIED")
        .hasMessageContaining("signature does not verify");
    assertThat(fake.stateSize()).isZero();
  }
}
