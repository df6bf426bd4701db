package io.lineageledger.ledger.verify;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.lineageledger.ledger.canonical.Canonicalizer;
import io.lineageledger.ledger.merkle.Hashes;
import io.lineageledger.ledger.merkle.ProofVerificationException;
import io.lineageledger.ledger.merkle.ProofVerifier;
import io.lineageledger.ledger.note.Checkpoint;
import io.lineageledger.ledger.note.NoteVerificationException;
import io.lineageledger.ledger.note.NoteVerifier;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;

/**
 * Checks a record, its inclusion proof and a signed checkpoint, or a consistency proof between two
 * checkpoints, with nothing but the files and the log's verifier key: no service, no database.
 * Every check prints one line ({@code ok} or {@code FAIL} and why); the result is true only when
 * all hold.
 */
public final class OfflineVerifier {
  private static final ObjectMapper MAPPER = new ObjectMapper();
  private final PrintStream out;
  private boolean allOk = true;

  public OfflineVerifier(PrintStream out) {
    this.out = out;
  }

  private void ok(String what) {
    out.println("ok    " + what);
  }

  private void fail(String what) {
    out.println("FAIL  " + what);
    allOk = false;
  }

  /**
   * @param record the answer of {@code GET /api/v1/records/{id}}, or the record document itself
   * @param proof the answer of {@code GET /api/v1/records/{id}/proof}
   * @param checkpoint the signed checkpoint note text
   * @param vkey the log's note verifier key
   */
  public boolean verifyRecord(Path record, Path proof, Path checkpoint, String vkey)
      throws IOException {
    Checkpoint cp = checkpoint(checkpoint, vkey);
    JsonNode rec = MAPPER.readTree(Files.readAllBytes(record));
    JsonNode document = rec.has("record") && rec.has("canonical") ? rec.get("record") : rec;
    byte[] canonical = Canonicalizer.rfc8785().canonicalize(document);
    if (rec.has("canonical")) {
      byte[] stated = Base64.getDecoder().decode(rec.get("canonical").asText());
      if (MessageDigest.isEqual(stated, canonical)) {
        ok("canonical bytes are the RFC 8785 form of the record");
      } else {
        fail("canonical bytes in " + record + " are not the RFC 8785 form of its record");
      }
    }
    byte[] leafHash = Hashes.leafHash(canonical);
    JsonNode p = MAPPER.readTree(Files.readAllBytes(proof));
    byte[] provedLeaf = Base64.getDecoder().decode(p.path("leafHash").asText());
    if (MessageDigest.isEqual(leafHash, provedLeaf)) {
      ok("record hashes to the proof's leaf hash " + HexFormat.of().formatHex(leafHash));
    } else {
      fail(
          "record hashes to "
              + HexFormat.of().formatHex(leafHash)
              + " but the proof is for leaf "
              + HexFormat.of().formatHex(provedLeaf));
    }
    long treeSize = p.path("treeSize").asLong(-1);
    if (cp != null) {
      if (treeSize != cp.size()) {
        fail("proof is for tree size " + treeSize + " but the checkpoint has size " + cp.size());
      } else {
        try {
          ProofVerifier.verifyInclusion(
              p.path("leafIndex").asLong(-1),
              treeSize,
              leafHash,
              hashes(p.path("hashes")),
              cp.rootHash());
          ok(
              "inclusion proof: leaf "
                  + p.path("leafIndex").asLong()
                  + " is in the checkpoint of size "
                  + cp.size());
        } catch (ProofVerificationException e) {
          fail("inclusion proof: " + e.getMessage());
        }
      }
    }
    return allOk;
  }

  /**
   * @param consistency the answer of {@code GET /api/v1/proofs/consistency}
   */
  public boolean verifyConsistency(
      Path oldCheckpoint, Path newCheckpoint, Path consistency, String vkey) throws IOException {
    Checkpoint a = checkpoint(oldCheckpoint, vkey);
    Checkpoint b = checkpoint(newCheckpoint, vkey);
    JsonNode p = MAPPER.readTree(Files.readAllBytes(consistency));
    if (a != null && b != null) {
      if (p.path("from").asLong(-1) != a.size() || p.path("to").asLong(-1) != b.size()) {
        fail(
            "consistency proof is from "
                + p.path("from")
                + " to "
                + p.path("to")
                + ", the checkpoints have sizes "
                + a.size()
                + " and "
                + b.size());
      } else {
        try {
          ProofVerifier.verifyConsistency(
              a.size(), b.size(), a.rootHash(), b.rootHash(), hashes(p.path("hashes")));
          ok("consistency proof: size " + b.size() + " extends size " + a.size());
        } catch (ProofVerificationException e) {
          fail("consistency proof: " + e.getMessage());
        }
      }
    }
    return allOk;
  }

  private Checkpoint checkpoint(Path file, String vkey) throws IOException {
    String note = Files.readString(file, StandardCharsets.UTF_8);
    try {
      Checkpoint cp = NoteVerifier.fromVerifierKey(vkey).verifyCheckpoint(note);
      ok(
          "checkpoint "
              + file
              + " is signed by "
              + vkey.split("\\+")[0]
              + " (size "
              + cp.size()
              + ")");
      return cp;
    } catch (NoteVerificationException | IllegalArgumentException e) {
      fail("checkpoint " + file + " signature: " + e.getMessage());
      return null;
    }
  }

  private static List<byte[]> hashes(JsonNode array) {
    List<byte[]> out = new ArrayList<>();
    array.forEach(n -> out.add(Base64.getDecoder().decode(n.asText())));
    return out;
  }
}
