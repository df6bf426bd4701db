package io.lineageledger.chaincode;

import io.lineageledger.ledger.merkle.ProofVerificationException;
import io.lineageledger.ledger.merkle.ProofVerifier;
import io.lineageledger.ledger.note.Checkpoint;
import io.lineageledger.ledger.note.NoteVerificationException;
import io.lineageledger.ledger.note.NoteVerifier;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import org.hyperledger.fabric.contract.ClientIdentity;
import org.hyperledger.fabric.contract.Context;
import org.hyperledger.fabric.contract.ContractInterface;
import org.hyperledger.fabric.contract.annotation.Contract;
import org.hyperledger.fabric.contract.annotation.Default;
import org.hyperledger.fabric.contract.annotation.Info;
import org.hyperledger.fabric.contract.annotation.Transaction;
import org.hyperledger.fabric.shim.ChaincodeException;
import org.hyperledger.fabric.shim.ChaincodeStub;
import org.hyperledger.fabric.shim.ledger.KeyValue;
import org.hyperledger.fabric.shim.ledger.QueryResultsIterator;
import org.json.JSONArray;
import org.json.JSONException;
import org.json.JSONObject;

/**
 * Anchors signed checkpoints of transparency logs so that the chain itself refuses a rewritten
 * history: a checkpoint is accepted only if its Ed25519 signed note verifies with the log's
 * registered key and an RFC 9162 consistency proof shows it extends the newest anchored checkpoint
 * of that log. Re-anchoring an anchored checkpoint is a successful no-op. Every accepted anchor
 * emits one chaincode event {@value #EVENT} whose payload is the anchor's JSON.
 *
 * <p>Answers are JSON strings: an anchor is {@code {origin, treeSize, rootHash (base64),
 * checkpoint, txId, anchoredAt, previousSize}}; refusals are {@link ChaincodeException}s whose
 * payload is an {@link AnchorError} name.
 */
@Contract(
    name = "lineage-anchor",
    info = @Info(title = "Lineage Ledger checkpoint anchoring", version = "1"))
@Default
public final class AnchorContract implements ContractInterface {
  /** The chaincode event name of an accepted anchor. */
  public static final String EVENT = "lineage.anchor";

  static final int DEFAULT_PAGE_SIZE = 100;

  private final AdminPolicy admins;
  private final int pageSize;

  /** As deployed on a peer: admin MSPs from {@code LINEAGE_ADMIN_MSPS}. */
  public AnchorContract() {
    this(AdminPolicy.fromEnvironment(), DEFAULT_PAGE_SIZE);
  }

  /**
   * @param pageSize how many anchors one {@code history} call returns at most
   */
  public AnchorContract(AdminPolicy admins, int pageSize) {
    if (pageSize < 1 || pageSize > 10_000) {
      throw new IllegalArgumentException("page size " + pageSize + " is outside 1..10000");
    }
    this.admins = admins;
    this.pageSize = pageSize;
  }

  /**
   * Registers a log (admin only). Registering the same origin with the same key again is a no-op;
   * with a different key it is refused — a log keeps its key for life here.
   */
  @Transaction(intent = Transaction.TYPE.SUBMIT)
  public String registerLog(Context ctx, String origin, String vkey) {
    requireAdmin(ctx);
    String originProblem = AnchorKeys.problemWithOrigin(origin);
    if (originProblem != null) {
      throw refused(AnchorError.MALFORMED, originProblem);
    }
    NoteVerifier verifier;
    try {
      verifier = NoteVerifier.fromVerifierKey(vkey);
    } catch (IllegalArgumentException e) {
      throw refused(AnchorError.MALFORMED, "verifier key for " + origin + ": " + e.getMessage());
    }
    ChaincodeStub stub = ctx.getStub();
    String key = AnchorKeys.log(origin);
    byte[] existing = stub.getState(key);
    if (existing != null && existing.length > 0) {
      JSONObject log = json(existing);
      if (!log.getString("vkey").equals(verifier.vkey())) {
        throw refused(
            AnchorError.ALREADY_REGISTERED,
            "log "
                + origin
                + " is registered with verifier key "
                + log.getString("vkey")
                + "; refusing to replace it with "
                + verifier.vkey());
      }
      return log.put("status", "already-registered").toString();
    }
    JSONObject log =
        new JSONObject()
            .put("origin", origin)
            .put("vkey", verifier.vkey())
            .put("registeredBy", ctx.getClientIdentity().getMSPID())
            .put("registeredAt", stub.getTxTimestamp().toString())
            .put("txId", stub.getTxId());
    stub.putState(key, bytes(log));
    return log.put("status", "registered").toString();
  }

  /**
   * Anchors a checkpoint.
   *
   * @param checkpointNote the C2SP signed note of a tlog-checkpoint
   * @param consistencyProof JSON array of base64 hashes: the RFC 9162 consistency proof from the
   *     newest anchored checkpoint of the origin to this one ({@code []} for the first anchor)
   */
  @Transaction(intent = Transaction.TYPE.SUBMIT)
  public String anchor(Context ctx, String checkpointNote, String consistencyProof) {
    ChaincodeStub stub = ctx.getStub();
    Checkpoint cp = uncheckedCheckpoint(checkpointNote);
    NoteVerifier verifier = registered(stub, cp.origin());
    try {
      cp = verifier.verifyCheckpoint(checkpointNote);
    } catch (NoteVerificationException e) {
      throw refused(
          AnchorError.BAD_SIGNATURE,
          "checkpoint " + cp.origin() + "@" + cp.size() + " refused: " + e.getMessage());
    }
    List<byte[]> proof = parseProof(consistencyProof);

    byte[] same = stub.getState(AnchorKeys.anchor(cp.origin(), cp.size()));
    if (same != null && same.length > 0) {
      JSONObject anchored = json(same);
      if (!anchored.getString("rootHash").equals(b64(cp.rootHash()))) {
        throw fork(cp, anchored);
      }
      return anchored.put("status", "already-anchored").toString();
    }
    JSONObject newest = newest(stub, cp.origin());
    long previousSize = -1;
    if (newest != null) {
      previousSize = newest.getLong("treeSize");
      if (cp.size() < previousSize) {
        throw refused(
            AnchorError.SMALLER_THAN_ANCHORED,
            "checkpoint "
                + cp.origin()
                + "@"
                + cp.size()
                + " is smaller than the newest anchored checkpoint (size "
                + previousSize
                + ") and was never anchored itself");
      }
      if (cp.size() == previousSize) {
        // Unreachable unless the index and the anchor keys disagree; refuse rather than guess.
        throw fork(cp, newest);
      }
      byte[] previousRoot = Base64.getDecoder().decode(newest.getString("rootHash"));
      try {
        ProofVerifier.verifyConsistency(
            previousSize, cp.size(), previousRoot, cp.rootHash(), proof);
      } catch (ProofVerificationException e) {
        throw refused(
            AnchorError.INCONSISTENT,
            "checkpoint "
                + cp.origin()
                + "@"
                + cp.size()
                + " is not proven to extend the anchored checkpoint of size "
                + previousSize
                + ": "
                + e.getMessage());
      }
    } else if (!proof.isEmpty()) {
      throw refused(
          AnchorError.MALFORMED,
          "first anchor of "
              + cp.origin()
              + " takes an empty consistency proof, got "
              + proof.size()
              + " hashes");
    }
    JSONObject anchor =
        new JSONObject()
            .put("origin", cp.origin())
            .put("treeSize", cp.size())
            .put("rootHash", b64(cp.rootHash()))
            .put("checkpoint", checkpointNote)
            .put("txId", stub.getTxId())
            .put("anchoredAt", stub.getTxTimestamp().toString())
            .put("previousSize", previousSize);
    byte[] value = bytes(anchor);
    stub.putState(AnchorKeys.anchor(cp.origin(), cp.size()), value);
    stub.putState(
        AnchorKeys.index(cp.origin(), cp.size()),
        String.valueOf(cp.size()).getBytes(StandardCharsets.UTF_8));
    stub.setEvent(EVENT, value);
    return anchor.put("status", "anchored").toString();
  }

  /** The anchor of {@code origin} at {@code treeSize}, refused with NOT_FOUND when absent. */
  @Transaction(intent = Transaction.TYPE.EVALUATE)
  public String getAnchor(Context ctx, String origin, long treeSize) {
    registered(ctx.getStub(), origin);
    byte[] v = ctx.getStub().getState(AnchorKeys.anchor(origin, treeSize));
    if (v == null || v.length == 0) {
      throw refused(AnchorError.NOT_FOUND, "no anchor of " + origin + " at tree size " + treeSize);
    }
    return new String(v, StandardCharsets.UTF_8);
  }

  /** The newest anchor of {@code origin}, or {@code {}} if it has none yet. */
  @Transaction(intent = Transaction.TYPE.EVALUATE)
  public String latest(Context ctx, String origin) {
    registered(ctx.getStub(), origin);
    JSONObject newest = newest(ctx.getStub(), origin);
    return newest == null ? "{}" : newest.toString();
  }

  /**
   * Anchors of {@code origin} with tree size ≥ {@code fromSize}, ascending, at most one page:
   * {@code {anchors: [...], next: <fromSize of the next page> | null}}.
   */
  @Transaction(intent = Transaction.TYPE.EVALUATE)
  public String history(Context ctx, String origin, long fromSize) {
    registered(ctx.getStub(), origin);
    if (fromSize < 0) {
      throw refused(AnchorError.MALFORMED, "fromSize " + fromSize + " is negative");
    }
    JSONArray page = new JSONArray();
    Object next = JSONObject.NULL;
    try (QueryResultsIterator<KeyValue> it =
        ctx.getStub()
            .getStateByRange(AnchorKeys.anchor(origin, fromSize), AnchorKeys.anchorEnd(origin))) {
      for (KeyValue kv : it) {
        JSONObject a = json(kv.getValue());
        if (page.length() == pageSize) {
          next = a.getLong("treeSize");
          break;
        }
        page.put(a);
      }
    } catch (Exception e) {
      throw new ChaincodeException("reading the history of " + origin + ": " + e.getMessage(), e);
    }
    return new JSONObject().put("anchors", page).put("next", next).toString();
  }

  private void requireAdmin(Context ctx) {
    ClientIdentity id = ctx.getClientIdentity();
    if (id == null || !admins.admits(id.getMSPID(), id.getAttributeValue(AdminPolicy.ATTRIBUTE))) {
      throw refused(
          AnchorError.NOT_ADMIN,
          "client "
              + (id == null ? "(no identity)" : id.getId() + " of " + id.getMSPID())
              + " may not register logs; admins are MSPs "
              + admins.adminMsps()
              + " or certificates with "
              + AdminPolicy.ATTRIBUTE
              + "=true");
    }
  }

  private static NoteVerifier registered(ChaincodeStub stub, String origin) {
    byte[] log = stub.getState(AnchorKeys.log(origin));
    if (log == null || log.length == 0) {
      throw refused(
          AnchorError.UNKNOWN_ORIGIN, "no log with origin '" + origin + "' is registered");
    }
    return NoteVerifier.fromVerifierKey(json(log).getString("vkey"));
  }

  /** Reads only the first entry of the descending index: see {@link AnchorKeys}. */
  private static JSONObject newest(ChaincodeStub stub, String origin) {
    try (QueryResultsIterator<KeyValue> it =
        stub.getStateByRange(AnchorKeys.indexPrefix(origin), AnchorKeys.indexEnd(origin))) {
      for (KeyValue kv : it) {
        long size = Long.parseLong(kv.getStringValue());
        return json(stub.getState(AnchorKeys.anchor(origin, size)));
      }
      return null;
    } catch (ChaincodeException e) {
      throw e;
    } catch (Exception e) {
      throw new ChaincodeException(
          "reading the anchor index of " + origin + ": " + e.getMessage(), e);
    }
  }

  /** Parses the checkpoint body (before its signature is checked) to learn the origin. */
  private static Checkpoint uncheckedCheckpoint(String note) {
    if (note == null) {
      throw refused(AnchorError.MALFORMED, "checkpoint note is missing");
    }
    int end = note.indexOf("\n\n");
    if (end < 0) {
      throw refused(
          AnchorError.MALFORMED, "checkpoint note has no blank line before its signatures");
    }
    try {
      return Checkpoint.parse(note.substring(0, end + 1));
    } catch (IllegalArgumentException e) {
      throw refused(AnchorError.MALFORMED, "checkpoint note: " + e.getMessage());
    }
  }

  private static List<byte[]> parseProof(String text) {
    List<byte[]> out = new ArrayList<>();
    try {
      JSONArray a = new JSONArray(text == null ? "" : text);
      for (int i = 0; i < a.length(); i++) {
        out.add(Base64.getDecoder().decode(a.getString(i)));
      }
    } catch (JSONException | IllegalArgumentException e) {
      throw refused(
          AnchorError.MALFORMED,
          "consistency proof must be a JSON array of base64 hashes: " + e.getMessage());
    }
    return out;
  }

  private static ChaincodeException fork(Checkpoint cp, JSONObject anchored) {
    return refused(
        AnchorError.FORK,
        "checkpoint "
            + cp.origin()
            + "@"
            + cp.size()
            + " has root "
            + b64(cp.rootHash())
            + " but root "
            + anchored.getString("rootHash")
            + " is anchored at that size (tx "
            + anchored.optString("txId")
            + "): the log forked");
  }

  static ChaincodeException refused(AnchorError error, String message) {
    return new ChaincodeException(error.name() + ": " + message, error.name());
  }

  private static JSONObject json(byte[] v) {
    return new JSONObject(new String(v, StandardCharsets.UTF_8));
  }

  private static byte[] bytes(JSONObject o) {
    return o.toString().getBytes(StandardCharsets.UTF_8);
  }

  private static String b64(byte[] b) {
    return Base64.getEncoder().encodeToString(b);
  }
}
