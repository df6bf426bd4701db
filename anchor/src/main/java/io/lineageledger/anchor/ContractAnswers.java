package io.lineageledger.anchor;

import io.lineageledger.chaincode.AnchorError;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Base64;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;
import org.json.JSONArray;
import org.json.JSONException;
import org.json.JSONObject;

/** Reads the contract's JSON answers and refusals; builds its arguments. */
final class ContractAnswers {
  private ContractAnswers() {}

  static AnchorReceipt receipt(
      String backend, String answer, OptionalLong blockNumber, String validationCode)
      throws AnchorException {
    try {
      JSONObject a = new JSONObject(answer);
      return new AnchorReceipt(
          backend,
          a.getString("origin"),
          a.getLong("treeSize"),
          Base64.getDecoder().decode(a.getString("rootHash")),
          a.getString("txId"),
          blockNumber,
          validationCode,
          Instant.parse(a.getString("anchoredAt")));
    } catch (JSONException | IllegalArgumentException | java.time.DateTimeException e) {
      throw new AnchorException(
          AnchorException.Kind.FAILED, "the contract answered something unreadable: " + answer, e);
    }
  }

  static boolean alreadyAnchored(String answer) {
    return "already-anchored".equals(new JSONObject(answer).optString("status"));
  }

  static String txIdOf(String answer) {
    return new JSONObject(answer).getString("txId");
  }

  /** {@code {}} (no anchor yet) → empty. */
  static Optional<String> nonEmpty(String answer) {
    return new JSONObject(answer).isEmpty() ? Optional.empty() : Optional.of(answer);
  }

  static String proofArgument(List<byte[]> proof) {
    JSONArray a = new JSONArray();
    proof.forEach(h -> a.put(Base64.getEncoder().encodeToString(h)));
    return a.toString();
  }

  /** The contract's refusal code, carried as the chaincode error payload or message prefix. */
  static Optional<AnchorError> errorOf(byte[] payload, String message) {
    for (String candidate :
        new String[] {
          payload == null ? "" : new String(payload, StandardCharsets.UTF_8), prefix(message)
        }) {
      for (AnchorError e : AnchorError.values()) {
        if (e.name().equals(candidate.trim())) {
          return Optional.of(e);
        }
      }
    }
    return Optional.empty();
  }

  /** Finds {@code NAME:} of an AnchorError anywhere in a (possibly wrapped) message. */
  static Optional<AnchorError> errorIn(String message) {
    if (message == null) {
      return Optional.empty();
    }
    for (AnchorError e : AnchorError.values()) {
      if (message.contains(e.name() + ":")) {
        return Optional.of(e);
      }
    }
    return Optional.empty();
  }

  private static String prefix(String message) {
    if (message == null) {
      return "";
    }
    int colon = message.indexOf(':');
    return colon < 0 ? "" : message.substring(0, colon);
  }
}
