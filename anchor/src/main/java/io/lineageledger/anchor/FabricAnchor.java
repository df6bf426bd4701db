package io.lineageledger.anchor;

import io.grpc.ChannelCredentials;
import io.grpc.Grpc;
import io.grpc.InsecureChannelCredentials;
import io.grpc.ManagedChannel;
import io.grpc.ManagedChannelBuilder;
import io.grpc.Status;
import io.grpc.TlsChannelCredentials;
import io.lineageledger.chaincode.AnchorError;
import io.lineageledger.ledger.note.Checkpoint;
import java.io.IOException;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.PrivateKey;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.concurrent.TimeUnit;
import org.hyperledger.fabric.client.CallOption;
import org.hyperledger.fabric.client.CommitStatusException;
import org.hyperledger.fabric.client.Contract;
import org.hyperledger.fabric.client.EndorseException;
import org.hyperledger.fabric.client.Gateway;
import org.hyperledger.fabric.client.GatewayException;
import org.hyperledger.fabric.client.SubmitException;
import org.hyperledger.fabric.client.SubmittedTransaction;
import org.hyperledger.fabric.client.Transaction;
import org.hyperledger.fabric.client.identity.Identities;
import org.hyperledger.fabric.client.identity.Signers;
import org.hyperledger.fabric.client.identity.X509Identity;
import org.hyperledger.fabric.protos.gateway.ErrorDetail;
import org.hyperledger.fabric.protos.peer.TxValidationCode;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Anchors through a Hyperledger Fabric peer's Gateway service (fabric-gateway SDK): endorse →
 * {@code submitAsync()} → {@code getStatus()}, each call with its own deadline (the SDK sets none).
 *
 * <p>Retries, with doubling backoff, on UNAVAILABLE and DEADLINE_EXCEEDED and on an MVCC or phantom
 * read conflict at commit. It never anchors a checkpoint twice: a transaction whose fate is unknown
 * is asked for its status again (or re-submitted under the same transaction id, which the ledger
 * commits at most once), and before endorsing a new proposal after a failure it reads {@code
 * getAnchor} to see whether the checkpoint is on the chain already. The contract itself makes a
 * repeated anchor a no-op, so even a lost answer cannot write twice.
 */
public final class FabricAnchor implements Anchor {
  private static final Logger log = LoggerFactory.getLogger(FabricAnchor.class);
  static final String BACKEND = "fabric";

  private final FabricConfig config;
  private final Gateway gateway;
  private final Contract contract;
  private final ManagedChannel ownedChannel;

  FabricAnchor(
      io.grpc.Channel channel,
      X509Certificate certificate,
      PrivateKey key,
      FabricConfig config,
      ManagedChannel ownedChannel) {
    this.config = config;
    this.ownedChannel = ownedChannel;
    this.gateway =
        Gateway.newInstance()
            .identity(new X509Identity(config.mspId(), certificate))
            .signer(Signers.newPrivateKeySigner(key))
            .hash(FabricAnchor::sha256)
            .connection(channel)
            .connect();
    this.contract = gateway.getNetwork(config.channel()).getContract(config.chaincode());
  }

  /** Connects to the configured peer (TLS unless no CA file is configured). */
  public static FabricAnchor connect(FabricConfig config, Clock clock) {
    X509Certificate cert;
    PrivateKey key;
    try (Reader certIn = Files.newBufferedReader(config.certFile(), StandardCharsets.US_ASCII);
        Reader keyIn = Files.newBufferedReader(config.keyFile(), StandardCharsets.US_ASCII)) {
      cert = Identities.readX509Certificate(certIn);
      key = Identities.readPrivateKey(keyIn);
    } catch (IOException | GeneralSecurityException e) {
      throw new IllegalStateException(
          "reading the Fabric identity ("
              + config.certFile()
              + ", key "
              + config.keyFile()
              + "): "
              + e.getMessage(),
          e);
    }
    ChannelCredentials credentials;
    try {
      credentials =
          config.tlsCaFile().isPresent()
              ? TlsChannelCredentials.newBuilder()
                  .trustManager(config.tlsCaFile().get().toFile())
                  .build()
              : InsecureChannelCredentials.create();
    } catch (IOException e) {
      throw new IllegalStateException(
          "reading the Fabric TLS CA " + config.tlsCaFile().get() + ": " + e.getMessage(), e);
    }
    ManagedChannelBuilder<?> b = Grpc.newChannelBuilder(config.peerEndpoint(), credentials);
    config.serverNameOverride().ifPresent(b::overrideAuthority);
    ManagedChannel channel = b.build();
    return new FabricAnchor(channel, cert, key, config, channel);
  }

  @Override
  public String backend() {
    return BACKEND;
  }

  @Override
  public boolean independent() {
    return true;
  }

  @Override
  public void register(String origin, String vkey) throws AnchorException {
    try {
      Transaction tx =
          contract
              .newProposal("registerLog")
              .addArguments(origin, vkey)
              .build()
              .endorse(deadline(config.endorseTimeout()));
      if (new String(tx.getResult(), StandardCharsets.UTF_8).contains("already-registered")) {
        return;
      }
      org.hyperledger.fabric.client.Status st =
          tx.submitAsync(deadline(config.submitTimeout()))
              .getStatus(deadline(config.commitStatusTimeout()));
      if (!st.isSuccessful()) {
        throw new AnchorException(
            AnchorException.Kind.FAILED,
            "registerLog transaction " + st.getTransactionId() + " invalidated: " + st.getCode(),
            null);
      }
    } catch (GatewayException e) {
      throw translate("registerLog", e);
    }
  }

  @Override
  public AnchorReceipt anchor(String checkpointNote, List<byte[]> consistencyProof)
      throws AnchorException {
    Checkpoint cp = bodyOf(checkpointNote);
    String proof = ContractAnswers.proofArgument(consistencyProof);
    Transaction endorsed = null;
    SubmittedTransaction submitted = null;
    AnchorException last = null;
    for (int attempt = 1; attempt <= config.maxAttempts(); attempt++) {
      if (attempt > 1) {
        backoff(attempt, last);
      }
      try {
        if (submitted == null) {
          if (attempt > 1) {
            // An earlier attempt may have reached the ledger: never anchor twice.
            Optional<AnchorReceipt> there = read(cp.origin(), cp.size());
            if (there.isPresent()) {
              return sameRootOrFail(there.get(), cp);
            }
          }
          if (endorsed == null) {
            endorsed =
                contract
                    .newProposal("anchor")
                    .addArguments(checkpointNote, proof)
                    .build()
                    .endorse(deadline(config.endorseTimeout()));
            String result = new String(endorsed.getResult(), StandardCharsets.UTF_8);
            if (ContractAnswers.alreadyAnchored(result)) {
              // Nothing to write: the answer names the original transaction.
              return ContractAnswers.receipt(BACKEND, result, OptionalLong.empty(), "VALID");
            }
          }
          // Re-submitting the same endorsed transaction keeps its id: committed at most once.
          submitted = endorsed.submitAsync(deadline(config.submitTimeout()));
        }
        org.hyperledger.fabric.client.Status st =
            submitted.getStatus(deadline(config.commitStatusTimeout()));
        if (st.isSuccessful()) {
          return ContractAnswers.receipt(
              BACKEND,
              new String(submitted.getResult(), StandardCharsets.UTF_8),
              OptionalLong.of(st.getBlockNumber()),
              st.getCode().name());
        }
        if (st.getCode() == TxValidationCode.MVCC_READ_CONFLICT
            || st.getCode() == TxValidationCode.PHANTOM_READ_CONFLICT) {
          last =
              new AnchorException(
                  AnchorException.Kind.UNAVAILABLE,
                  "transaction " + st.getTransactionId() + " invalidated by " + st.getCode(),
                  null);
          endorsed = null;
          submitted = null;
          continue;
        }
        throw new AnchorException(
            AnchorException.Kind.FAILED,
            "anchor transaction "
                + st.getTransactionId()
                + " of "
                + cp.origin()
                + "@"
                + cp.size()
                + " was invalidated in block "
                + Long.toUnsignedString(st.getBlockNumber())
                + ": "
                + st.getCode(),
            null);
      } catch (EndorseException e) {
        last = translate("endorse anchor", e);
        endorsed = null;
        if (!retryable(e.getStatus())) {
          throw last;
        }
      } catch (SubmitException e) {
        last = translate("submit anchor", e);
        if (!retryable(e.getStatus())) {
          throw last;
        }
      } catch (CommitStatusException e) {
        // The transaction is out there; ask for its status again next time.
        last = translate("commit status of " + submitted.getTransactionId(), e);
        if (!retryable(e.getStatus())) {
          throw last;
        }
      } catch (AnchorException e) {
        if (e.kind() != AnchorException.Kind.UNAVAILABLE) {
          throw e;
        }
        last = e;
      }
    }
    throw new AnchorException(
        AnchorException.Kind.UNAVAILABLE,
        "gave up anchoring "
            + cp.origin()
            + "@"
            + cp.size()
            + " after "
            + config.maxAttempts()
            + " attempts; last: "
            + (last == null ? "?" : last.getMessage()),
        last);
  }

  @Override
  public Optional<AnchorReceipt> read(String origin, long treeSize) throws AnchorException {
    try {
      byte[] answer =
          contract
              .newProposal("getAnchor")
              .addArguments(origin, Long.toString(treeSize))
              .build()
              .evaluate(deadline(config.evaluateTimeout()));
      return Optional.of(
          ContractAnswers.receipt(
              BACKEND, new String(answer, StandardCharsets.UTF_8), OptionalLong.empty(), "VALID"));
    } catch (GatewayException e) {
      AnchorException a = translate("getAnchor", e);
      if (a.error().orElse(null) == AnchorError.NOT_FOUND) {
        return Optional.empty();
      }
      throw a;
    }
  }

  @Override
  public Optional<AnchorReceipt> latest(String origin) throws AnchorException {
    try {
      String answer =
          new String(
              contract
                  .newProposal("latest")
                  .addArguments(origin)
                  .build()
                  .evaluate(deadline(config.evaluateTimeout())),
              StandardCharsets.UTF_8);
      if (ContractAnswers.nonEmpty(answer).isEmpty()) {
        return Optional.empty();
      }
      return Optional.of(ContractAnswers.receipt(BACKEND, answer, OptionalLong.empty(), "VALID"));
    } catch (GatewayException e) {
      throw translate("latest", e);
    }
  }

  @Override
  public void close() {
    gateway.close();
    if (ownedChannel != null) {
      ownedChannel.shutdownNow();
      try {
        ownedChannel.awaitTermination(5, TimeUnit.SECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
  }

  private static CallOption deadline(Duration d) {
    return CallOption.deadlineAfter(d.toMillis(), TimeUnit.MILLISECONDS);
  }

  private static boolean retryable(Status s) {
    return s.getCode() == Status.Code.UNAVAILABLE || s.getCode() == Status.Code.DEADLINE_EXCEEDED;
  }

  private void backoff(int attempt, AnchorException last) throws AnchorException {
    long millis = config.retryBackoff().toMillis() << Math.min(attempt - 2, 16);
    log.info(
        "anchor attempt {} in {} ms after: {}",
        attempt,
        millis,
        last == null ? "?" : last.getMessage());
    try {
      Thread.sleep(millis);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AnchorException(
          AnchorException.Kind.UNAVAILABLE, "interrupted while backing off", e);
    }
  }

  /** Maps a Gateway failure: a contract refusal, or an unreachable / slow peer. */
  static AnchorException translate(String what, GatewayException e) {
    List<String> messages = new ArrayList<>();
    messages.add(e.getMessage());
    for (ErrorDetail d : e.getDetails()) {
      messages.add(d.getMspId() + "@" + d.getAddress() + ": " + d.getMessage());
    }
    String all = String.join("; ", messages);
    Optional<AnchorError> refusal = ContractAnswers.errorIn(all);
    if (refusal.isPresent()) {
      return new AnchorException(
          AnchorException.Kind.REFUSED, refusal.get(), what + " refused: " + all, e);
    }
    AnchorException.Kind kind =
        retryable(e.getStatus()) ? AnchorException.Kind.UNAVAILABLE : AnchorException.Kind.FAILED;
    return new AnchorException(kind, what + " failed (" + e.getStatus().getCode() + "): " + all, e);
  }

  private static AnchorReceipt sameRootOrFail(AnchorReceipt there, Checkpoint cp)
      throws AnchorException {
    if (!MessageDigest.isEqual(there.root(), cp.rootHash())) {
      throw new AnchorException(
          AnchorException.Kind.REFUSED,
          AnchorError.FORK,
          "the chain holds " + there + " for this size, not the checkpoint being anchored",
          null);
    }
    return there;
  }

  private static Checkpoint bodyOf(String note) throws AnchorException {
    int end = note.indexOf("\n\n");
    try {
      return Checkpoint.parse(note.substring(0, end + 1));
    } catch (RuntimeException e) {
      throw new AnchorException(
          AnchorException.Kind.REFUSED,
          AnchorError.MALFORMED,
          "not a checkpoint note: " + e.getMessage(),
          e);
    }
  }

  private static byte[] sha256(byte[] message) {
    return AnchorBlock.sha256(message);
  }
}
