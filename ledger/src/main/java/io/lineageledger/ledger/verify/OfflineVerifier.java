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
   * Checks a whole query answer given with {@code proofs=true} (lineage, impact, cross-check): its
   * checkpoint's signature; that its {@code anchor} anchors exactly that checkpoint (size and
   * root); every record's canonical bytes, leaf hash and inclusion proof to that one checkpoint;
   * that every record id the answer cites anywhere (a {@code records} or {@code *Records} list of
   * ids) is among them; and that each node and edge is stated by the records it cites (the node
   * among their subjects or link ends, the edge among their {@code payload.links}). What the anchor
   * itself holds is checked against the ledger, not here: the tx id and block number are printed
   * for that.
   *
   * @param answer the saved answer
   */
  public boolean verifyAnswer(Path answer, String vkey) throws IOException {
    JsonNode a = MAPPER.readTree(Files.readAllBytes(answer));
    String note = a.path("checkpoint").path("note").asText("");
    Checkpoint cp = null;
    try {
      cp = NoteVerifier.fromVerifierKey(vkey).verifyCheckpoint(note);
      ok(
          "checkpoint of the answer is signed by "
              + vkey.split("\\+")[0]
              + " (size "
              + cp.size()
              + ")");
    } catch (NoteVerificationException | IllegalArgumentException e) {
      fail("checkpoint of the answer: " + e.getMessage());
    }
    JsonNode anchor = a.path("anchor");
    if (!anchor.path("anchored").asBoolean(false)) {
      fail(
          "the answer is not anchored: "
              + anchor.path("note").asText("it names no anchor (was it asked with proofs=true?)"));
    } else if (cp != null) {
      byte[] root = decode(anchor.path("root").asText(""));
      if (anchor.path("treeSize").asLong(-1) != cp.size()
          || !MessageDigest.isEqual(root, cp.rootHash())) {
        fail(
            "anchor is of tree size "
                + anchor.path("treeSize")
                + " root "
                + anchor.path("root").asText()
                + ", not of the answer's checkpoint (size "
                + cp.size()
                + " root "
                + Base64.getEncoder().encodeToString(cp.rootHash())
                + ")");
      } else {
        ok(
            "anchor names the answer's checkpoint: "
                + anchor.path("backend").asText()
                + " tx "
                + anchor.path("txId").asText()
                + (anchor.hasNonNull("blockNumber")
                    ? " block " + anchor.path("blockNumber").asText()
                    : "")
                + " at "
                + anchor.path("anchoredAt").asText()
                + " (check it on the ledger: getAnchor(origin, "
                + cp.size()
                + "))");
        if (!anchor.path("independent").asBoolean(false)) {
          out.println("note  " + anchor.path("note").asText());
        }
      }
    }
    java.util.Map<Long, JsonNode> documents = new java.util.HashMap<>();
    int proven = 0;
    for (JsonNode rec : a.path("records")) {
      long id = rec.path("id").asLong(-1);
      JsonNode proof = rec.path("proof");
      if (proof.isMissingNode()) {
        fail("record " + id + " carries no proof (ask with proofs=true)");
        continue;
      }
      byte[] canonical = Canonicalizer.rfc8785().canonicalize(rec.path("record"));
      byte[] stated = decode(rec.path("canonical").asText(""));
      if (!MessageDigest.isEqual(stated, canonical)) {
        fail("record " + id + ": canonical bytes are not the RFC 8785 form of its record");
        continue;
      }
      byte[] leafHash = Hashes.leafHash(canonical);
      if (!MessageDigest.isEqual(leafHash, decode(proof.path("leafHash").asText("")))) {
        fail(
            "record "
                + id
                + " hashes to "
                + HexFormat.of().formatHex(leafHash)
                + ", not to its proof's leaf");
        continue;
      }
      if (proof.path("recordId").asLong(-2) != id) {
        fail("record " + id + " carries the proof of record " + proof.path("recordId"));
        continue;
      }
      if (cp == null) {
        continue;
      }
      if (proof.path("treeSize").asLong(-1) != cp.size()) {
        fail(
            "record "
                + id
                + ": proof is for tree size "
                + proof.path("treeSize")
                + ", not the answer's checkpoint (size "
                + cp.size()
                + ")");
        continue;
      }
      try {
        ProofVerifier.verifyInclusion(
            proof.path("leafIndex").asLong(-1),
            cp.size(),
            leafHash,
            hashes(proof.path("hashes")),
            cp.rootHash());
        documents.put(id, rec.path("record"));
        proven++;
      } catch (ProofVerificationException e) {
        fail("record " + id + ": inclusion proof: " + e.getMessage());
      }
    }
    ok(proven + " records are included in the answer's checkpoint (inclusion proofs)");
    java.util.Set<Long> cited = new java.util.TreeSet<>();
    citations(a, null, cited);
    cited.removeAll(documents.keySet());
    if (cited.isEmpty()) {
      ok("every record the answer cites is among them");
    } else {
      fail("the answer cites records " + cited + " that it does not carry with a proof");
    }
    int stated = 0;
    for (JsonNode n : a.path("nodes")) {
      for (JsonNode id : n.path("records")) {
        JsonNode d = documents.get(id.asLong());
        if (d != null && !mentions(d, n.path("id").asText())) {
          fail("node " + n.path("id").asText() + " is not named by its record " + id.asLong());
        } else {
          stated++;
        }
      }
    }
    for (JsonNode e : a.path("edges")) {
      for (JsonNode id : e.path("records")) {
        JsonNode d = documents.get(id.asLong());
        if (d != null && !states(d, e)) {
          fail(
              "edge "
                  + e.path("from").asText()
                  + " -"
                  + e.path("rel").asText()
                  + "-> "
                  + e.path("to").asText()
                  + " is not stated by its record "
                  + id.asLong());
        } else {
          stated++;
        }
      }
    }
    ok(stated + " node and edge citations are stated by the records they cite");
    return allOk;
  }

  // Every id in a "records" / "…Records" array of numbers, anywhere in the answer.
  private static void citations(JsonNode n, String field, java.util.Set<Long> out) {
    if (n.isArray()) {
      boolean ids =
          field != null
              && (field.equals("records") || field.endsWith("Records"))
              && n.size() > 0
              && n.get(0).isIntegralNumber();
      for (JsonNode x : n) {
        if (ids && x.isIntegralNumber()) {
          out.add(x.asLong());
        } else {
          citations(x, null, out);
        }
      }
    } else if (n.isObject()) {
      // A cited record's own document may list ids (a journaled cross-check): not citations.
      n.fields()
          .forEachRemaining(
              e -> {
                if (!e.getKey().equals("record")) {
                  citations(e.getValue(), e.getKey(), out);
                }
              });
    }
  }

  private static boolean mentions(JsonNode document, String node) {
    for (JsonNode s : document.path("subjects")) {
      if (s.asText().equals(node)) {
        return true;
      }
    }
    for (JsonNode l : document.path("payload").path("links")) {
      if (l.path("from").asText().equals(node) || l.path("to").asText().equals(node)) {
        return true;
      }
    }
    return false;
  }

  private static boolean states(JsonNode document, JsonNode edge) {
    for (JsonNode l : document.path("payload").path("links")) {
      if (l.path("from").asText().equals(edge.path("from").asText())
          && l.path("rel").asText().equals(edge.path("rel").asText())
          && l.path("to").asText().equals(edge.path("to").asText())) {
        return true;
      }
    }
    return false;
  }

  private static byte[] decode(String b64) {
    try {
      return Base64.getDecoder().decode(b64);
    } catch (IllegalArgumentException e) {
      return new byte[0];
    }
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
