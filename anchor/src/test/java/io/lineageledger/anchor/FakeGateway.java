package io.lineageledger.anchor;

import com.google.protobuf.Any;
import com.google.protobuf.ByteString;
import com.google.protobuf.InvalidProtocolBufferException;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.protobuf.StatusProto;
import io.grpc.stub.StreamObserver;
import io.lineageledger.chaincode.AdminPolicy;
import io.lineageledger.chaincode.AnchorContract;
import io.lineageledger.chaincode.LocalStub;
import io.lineageledger.chaincode.LocalTransactions;
import io.lineageledger.chaincode.StateReader;
import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.Signature;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import org.hyperledger.fabric.protos.common.ChannelHeader;
import org.hyperledger.fabric.protos.common.Envelope;
import org.hyperledger.fabric.protos.common.Header;
import org.hyperledger.fabric.protos.common.Payload;
import org.hyperledger.fabric.protos.common.SignatureHeader;
import org.hyperledger.fabric.protos.gateway.CommitStatusRequest;
import org.hyperledger.fabric.protos.gateway.CommitStatusResponse;
import org.hyperledger.fabric.protos.gateway.EndorseRequest;
import org.hyperledger.fabric.protos.gateway.EndorseResponse;
import org.hyperledger.fabric.protos.gateway.ErrorDetail;
import org.hyperledger.fabric.protos.gateway.EvaluateRequest;
import org.hyperledger.fabric.protos.gateway.EvaluateResponse;
import org.hyperledger.fabric.protos.gateway.GatewayGrpc;
import org.hyperledger.fabric.protos.gateway.SignedCommitStatusRequest;
import org.hyperledger.fabric.protos.gateway.SubmitRequest;
import org.hyperledger.fabric.protos.gateway.SubmitResponse;
import org.hyperledger.fabric.protos.msp.SerializedIdentity;
import org.hyperledger.fabric.protos.peer.ChaincodeAction;
import org.hyperledger.fabric.protos.peer.ChaincodeActionPayload;
import org.hyperledger.fabric.protos.peer.ChaincodeEndorsedAction;
import org.hyperledger.fabric.protos.peer.ChaincodeInvocationSpec;
import org.hyperledger.fabric.protos.peer.ChaincodeProposalPayload;
import org.hyperledger.fabric.protos.peer.Proposal;
import org.hyperledger.fabric.protos.peer.ProposalResponsePayload;
import org.hyperledger.fabric.protos.peer.Response;
import org.hyperledger.fabric.protos.peer.SignedProposal;
import org.hyperledger.fabric.protos.peer.Transaction;
import org.hyperledger.fabric.protos.peer.TransactionAction;
import org.hyperledger.fabric.protos.peer.TxValidationCode;
import org.hyperledger.fabric.shim.ChaincodeException;

/**
 * A Fabric peer's Gateway service (gateway.proto: Evaluate, Endorse, Submit, CommitStatus) for
 * tests, built on the real wire format: it decodes each signed proposal, checks its ECDSA signature
 * against the creator's X.509 certificate (which must be one it was told to trust for that MSP),
 * runs the real {@link AnchorContract} over an in-memory versioned world state, returns a prepared
 * transaction envelope the SDK can parse, checks the envelope's signature at Submit, validates the
 * read set at commit (MVCC) and answers CommitStatus with a block number.
 */
final class FakeGateway extends GatewayGrpc.GatewayImplBase {
  private record Versioned(byte[] value, long version) {}

  private record Pending(
      String txId, Map<String, Long> readVersions, Map<String, byte[]> writes, byte[] creator) {}

  private record Committed(TxValidationCode code, long block) {}

  private final TreeMap<String, Versioned> state = new TreeMap<>();
  private final Map<String, X509Certificate> trusted = new ConcurrentHashMap<>();
  private final Map<String, Pending> pending = new ConcurrentHashMap<>();
  private final Map<String, Committed> committed = new ConcurrentHashMap<>();
  private final LocalTransactions contract;
  private long nextBlock = 10;
  private long nextVersion = 1;

  final AtomicInteger endorsements = new AtomicInteger();
  final AtomicInteger submissions = new AtomicInteger();
  final List<TxValidationCode> commitCodes = new ArrayList<>();

  /** Endorse calls that sleep this long first (to exceed a client deadline), counted down. */
  final AtomicInteger slowEndorsements = new AtomicInteger();

  Duration slowness = Duration.ofSeconds(2);

  /** Runs between a Submit's arrival and its validation: lets a test commit a competing write. */
  volatile Runnable beforeValidation = () -> {};

  FakeGateway(Set<String> adminMsps) {
    this.contract = new LocalTransactions(new AnchorContract(new AdminPolicy(adminMsps), 100));
  }

  void trust(String mspId, X509Certificate cert) {
    trusted.put(mspId + "/" + cert.getSerialNumber(), cert);
  }

  /** Rewrites a key with its own value: a competing transaction touched it. */
  synchronized void touch(String keyPrefix) {
    for (Map.Entry<String, Versioned> e : state.entrySet()) {
      if (e.getKey().startsWith(keyPrefix)) {
        e.setValue(new Versioned(e.getValue().value(), nextVersion++));
      }
    }
  }

  synchronized int stateSize() {
    return state.size();
  }

  synchronized long anchorsOf(String origin) {
    return state.keySet().stream().filter(k -> k.startsWith("A\u0001" + origin + "\u0001")).count();
  }

  @Override
  public void evaluate(EvaluateRequest request, StreamObserver<EvaluateResponse> out) {
    try {
      Simulation sim = simulate(request.getProposedTransaction());
      out.onNext(
          EvaluateResponse.newBuilder()
              .setResult(Response.newBuilder().setStatus(200).setPayload(utf8(sim.result)))
              .build());
      out.onCompleted();
    } catch (StatusRuntimeException e) {
      out.onError(e);
    }
  }

  @Override
  public void endorse(EndorseRequest request, StreamObserver<EndorseResponse> out) {
    endorsements.incrementAndGet();
    if (slowEndorsements.getAndUpdate(n -> Math.max(0, n - 1)) > 0) {
      try {
        Thread.sleep(slowness.toMillis());
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
    try {
      SignedProposal sp = request.getProposedTransaction();
      Simulation sim = simulate(sp);
      Proposal proposal = Proposal.parseFrom(sp.getProposalBytes());
      Header header = Header.parseFrom(proposal.getHeader());
      ChaincodeAction action =
          ChaincodeAction.newBuilder()
              .setResponse(Response.newBuilder().setStatus(200).setPayload(utf8(sim.result)))
              .build();
      ProposalResponsePayload prp =
          ProposalResponsePayload.newBuilder()
              .setProposalHash(ByteString.copyFrom(sha256(sp.getProposalBytes().toByteArray())))
              .setExtension(action.toByteString())
              .build();
      ChaincodeActionPayload cap =
          ChaincodeActionPayload.newBuilder()
              .setChaincodeProposalPayload(proposal.getPayload())
              .setAction(
                  ChaincodeEndorsedAction.newBuilder()
                      .setProposalResponsePayload(prp.toByteString()))
              .build();
      Transaction tx =
          Transaction.newBuilder()
              .addActions(
                  TransactionAction.newBuilder()
                      .setHeader(header.getSignatureHeader())
                      .setPayload(cap.toByteString()))
              .build();
      Payload payload = Payload.newBuilder().setHeader(header).setData(tx.toByteString()).build();
      synchronized (this) {
        pending.put(
            sim.txId, new Pending(sim.txId, sim.readVersions, sim.stub.writes(), sim.creator));
      }
      out.onNext(
          EndorseResponse.newBuilder()
              .setPreparedTransaction(Envelope.newBuilder().setPayload(payload.toByteString()))
              .build());
      out.onCompleted();
    } catch (StatusRuntimeException e) {
      out.onError(e);
    } catch (InvalidProtocolBufferException e) {
      out.onError(Status.INVALID_ARGUMENT.withDescription(e.getMessage()).asRuntimeException());
    }
  }

  @Override
  public void submit(SubmitRequest request, StreamObserver<SubmitResponse> out) {
    submissions.incrementAndGet();
    try {
      Envelope env = request.getPreparedTransaction();
      Payload payload = Payload.parseFrom(env.getPayload());
      ChannelHeader ch = ChannelHeader.parseFrom(payload.getHeader().getChannelHeader());
      SignatureHeader sh = SignatureHeader.parseFrom(payload.getHeader().getSignatureHeader());
      verifySignature(
          sh.getCreator(), env.getPayload(), env.getSignature(), "transaction envelope");
      beforeValidation.run();
      synchronized (this) {
        if (committed.containsKey(ch.getTxId())) {
          // A re-submitted transaction id is recorded once, as a real ledger does.
          out.onNext(SubmitResponse.getDefaultInstance());
          out.onCompleted();
          return;
        }
        Pending p = pending.remove(ch.getTxId());
        if (p == null) {
          throw Status.FAILED_PRECONDITION
              .withDescription("transaction " + ch.getTxId() + " was never endorsed here")
              .asRuntimeException();
        }
        TxValidationCode code = TxValidationCode.VALID;
        for (Map.Entry<String, Long> r : p.readVersions.entrySet()) {
          Versioned now = state.get(r.getKey());
          Long version = now == null ? null : now.version();
          if (!java.util.Objects.equals(version, r.getValue())) {
            code = TxValidationCode.MVCC_READ_CONFLICT;
          }
        }
        long block = nextBlock++;
        if (code == TxValidationCode.VALID) {
          for (Map.Entry<String, byte[]> w : p.writes.entrySet()) {
            state.put(w.getKey(), new Versioned(w.getValue(), nextVersion++));
          }
        }
        commitCodes.add(code);
        committed.put(ch.getTxId(), new Committed(code, block));
      }
      out.onNext(SubmitResponse.getDefaultInstance());
      out.onCompleted();
    } catch (StatusRuntimeException e) {
      out.onError(e);
    } catch (InvalidProtocolBufferException e) {
      out.onError(Status.INVALID_ARGUMENT.withDescription(e.getMessage()).asRuntimeException());
    }
  }

  @Override
  public void commitStatus(
      SignedCommitStatusRequest request, StreamObserver<CommitStatusResponse> out) {
    try {
      CommitStatusRequest r = CommitStatusRequest.parseFrom(request.getRequest());
      verifySignature(
          r.getIdentity(), request.getRequest(), request.getSignature(), "commit status");
      Committed c = committed.get(r.getTransactionId());
      if (c == null) {
        throw Status.NOT_FOUND
            .withDescription("transaction " + r.getTransactionId() + " is not committed")
            .asRuntimeException();
      }
      out.onNext(
          CommitStatusResponse.newBuilder().setResult(c.code).setBlockNumber(c.block).build());
      out.onCompleted();
    } catch (StatusRuntimeException e) {
      out.onError(e);
    } catch (InvalidProtocolBufferException e) {
      out.onError(Status.INVALID_ARGUMENT.withDescription(e.getMessage()).asRuntimeException());
    }
  }

  private static final class Simulation {
    String txId;
    byte[] creator;
    LocalStub stub;
    Map<String, Long> readVersions;
    String result;
  }

  /** Decodes and authenticates the proposal, then runs the contract on committed state. */
  private Simulation simulate(SignedProposal sp) {
    try {
      Proposal proposal = Proposal.parseFrom(sp.getProposalBytes());
      Header header = Header.parseFrom(proposal.getHeader());
      ChannelHeader ch = ChannelHeader.parseFrom(header.getChannelHeader());
      SignatureHeader sh = SignatureHeader.parseFrom(header.getSignatureHeader());
      verifySignature(sh.getCreator(), sp.getProposalBytes(), sp.getSignature(), "proposal");
      ChaincodeProposalPayload cpp = ChaincodeProposalPayload.parseFrom(proposal.getPayload());
      ChaincodeInvocationSpec spec = ChaincodeInvocationSpec.parseFrom(cpp.getInput());
      List<ByteString> args = spec.getChaincodeSpec().getInput().getArgsList();
      List<String> params = new ArrayList<>();
      for (int i = 1; i < args.size(); i++) {
        params.add(args.get(i).toStringUtf8());
      }
      Simulation sim = new Simulation();
      sim.txId = ch.getTxId();
      sim.creator = sh.getCreator().toByteArray();
      sim.readVersions = new HashMap<>();
      Instant ts =
          Instant.ofEpochSecond(ch.getTimestamp().getSeconds(), ch.getTimestamp().getNanos());
      String msp = SerializedIdentity.parseFrom(sh.getCreator()).getMspid();
      synchronized (this) {
        sim.stub =
            new LocalStub(
                new RecordingState(sim.readVersions),
                ch.getChannelId(),
                ch.getTxId(),
                ts,
                sim.creator,
                msp,
                args.get(0).toStringUtf8(),
                params);
        try {
          sim.result = contract.invoke(sim.stub);
        } catch (ChaincodeException e) {
          throw chaincodeError(e.getMessage());
        }
      }
      return sim;
    } catch (InvalidProtocolBufferException e) {
      throw Status.INVALID_ARGUMENT.withDescription(e.getMessage()).asRuntimeException();
    }
  }

  /** Reads committed state and notes each key's version (absent = null) for MVCC at commit. */
  private final class RecordingState implements StateReader {
    private final Map<String, Long> versions;

    RecordingState(Map<String, Long> versions) {
      this.versions = versions;
    }

    @Override
    public byte[] get(String key) {
      Versioned v = state.get(key);
      versions.put(key, v == null ? null : v.version());
      return v == null ? null : v.value();
    }

    @Override
    public Iterator<Map.Entry<String, byte[]>> range(String start, String end) {
      Iterator<Map.Entry<String, Versioned>> it =
          new TreeMap<>(state.subMap(start, end)).entrySet().iterator();
      return new Iterator<>() {
        @Override
        public boolean hasNext() {
          return it.hasNext();
        }

        @Override
        public Map.Entry<String, byte[]> next() {
          Map.Entry<String, Versioned> e = it.next();
          versions.put(e.getKey(), e.getValue().version());
          return Map.entry(e.getKey(), e.getValue().value());
        }
      };
    }
  }

  private void verifySignature(
      ByteString creator, ByteString message, ByteString signature, String what) {
    try {
      SerializedIdentity id = SerializedIdentity.parseFrom(creator);
      X509Certificate cert =
          (X509Certificate)
              CertificateFactory.getInstance("X.509")
                  .generateCertificate(new ByteArrayInputStream(id.getIdBytes().toByteArray()));
      if (!trusted.containsKey(id.getMspid() + "/" + cert.getSerialNumber())) {
        throw Status.PERMISSION_DENIED
            .withDescription("creator is not a member of " + id.getMspid())
            .asRuntimeException();
      }
      Signature verifier = Signature.getInstance("SHA256withECDSA");
      verifier.initVerify(cert.getPublicKey());
      verifier.update(message.toByteArray());
      if (!verifier.verify(signature.toByteArray())) {
        throw Status.PERMISSION_DENIED
            .withDescription(what + " signature does not verify with the creator's certificate")
            .asRuntimeException();
      }
    } catch (InvalidProtocolBufferException | GeneralSecurityException e) {
      throw Status.PERMISSION_DENIED
          .withDescription(what + " signature check failed: " + e.getMessage())
          .asRuntimeException();
    }
  }

  /** How a peer's gateway reports a chaincode error: ABORTED with per-endorser details. */
  private static StatusRuntimeException chaincodeError(String message) {
    return StatusProto.toStatusRuntimeException(
        com.google.rpc.Status.newBuilder()
            .setCode(Status.Code.ABORTED.value())
            .setMessage("failed to endorse transaction, see attached details for more info")
            .addDetails(
                Any.pack(
                    ErrorDetail.newBuilder()
                        .setAddress("peer0.org1.example.com:7051")
                        .setMspId("Org1MSP")
                        .setMessage("chaincode response 500, " + message)
                        .build()))
            .build());
  }

  private static ByteString utf8(String s) {
    return ByteString.copyFrom(s, StandardCharsets.UTF_8);
  }

  private static byte[] sha256(byte[] b) {
    try {
      return MessageDigest.getInstance("SHA-256").digest(b);
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException(e);
    }
  }
}
