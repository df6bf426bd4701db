package io.lineageledger.ledger.verify;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.lineageledger.ledger.canonical.Canonicalizer;
import io.lineageledger.ledger.merkle.Hashes;
import io.lineageledger.ledger.note.Checkpoint;
import io.lineageledger.ledger.note.NoteSigner;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Base64;
import java.util.List;
import java.util.function.Consumer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A two-leaf log and a lineage answer over it, checked as {@code lineage verify ANSWER.json}. */
class OfflineVerifierAnswerTest {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final Base64.Encoder B64 = Base64.getEncoder();
  private static final String DATASET = "mlflow://prod/datasets/train@d1";
  private static final String RUN = "mlflow://prod/runs/r1";

  @TempDir Path dir;
  private final NoteSigner signer = NoteSigner.generate("verify.test/log");
  private String output = "";

  private static ObjectNode document(String ref, String from, String rel, String to) {
    ObjectNode d = JSON.createObjectNode().put("v", 1).put("source", "test").put("kind", "k");
    d.put("sourceRef", ref).put("observedAt", "2026-01-01T00:00:00Z");
    d.putArray("subjects").add(from).add(to);
    d.putObject("payload")
        .putArray("links")
        .addObject()
        .put("from", from)
        .put("rel", rel)
        .put("to", to);
    return d;
  }

  /** Records 1 and 2 at leaves 0 and 1, their proofs to the size-2 checkpoint, its anchor. */
  private ObjectNode answer() {
    List<ObjectNode> docs =
        List.of(
            document("a", DATASET, "input-to", RUN),
            document("b", RUN, "produced", "mlflow://prod/model-versions/m/1"));
    byte[][] canonical = new byte[2][];
    byte[][] leaves = new byte[2][];
    for (int i = 0; i < 2; i++) {
      canonical[i] = Canonicalizer.rfc8785().canonicalize(docs.get(i));
      leaves[i] = Hashes.leafHash(canonical[i]);
    }
    byte[] root = Hashes.nodeHash(leaves[0], leaves[1]);
    String note = signer.sign(new Checkpoint("verify.test/log", 2, root));
    ObjectNode a = JSON.createObjectNode();
    a.putObject("checkpoint")
        .put("size", 2)
        .put("root", B64.encodeToString(root))
        .put("note", note);
    a.putObject("anchor")
        .put("backend", "embedded")
        .put("independent", false)
        .put("anchored", true)
        .put("treeSize", 2)
        .put("root", B64.encodeToString(root))
        .put("txId", "tx1")
        .put("blockNumber", "7")
        .put("anchoredAt", "2026-01-01T00:00:01Z")
        .put("note", "embedded anchor: NOT independent");
    a.putArray("nodes").addObject().put("id", RUN).putArray("records").add(1).add(2);
    a.putArray("edges")
        .addObject()
        .put("from", DATASET)
        .put("rel", "input-to")
        .put("to", RUN)
        .putArray("records")
        .add(1);
    ArrayNode records = a.putArray("records");
    for (int i = 0; i < 2; i++) {
      ObjectNode r = records.addObject().put("id", i + 1);
      r.set("record", docs.get(i));
      r.put("canonical", B64.encodeToString(canonical[i]));
      r.putObject("proof")
          .put("recordId", i + 1)
          .put("leafIndex", i)
          .put("treeSize", 2)
          .put("leafHash", B64.encodeToString(leaves[i]))
          .putArray("hashes")
          .add(B64.encodeToString(leaves[1 - i]));
    }
    return a;
  }

  private boolean verify(ObjectNode answer) throws Exception {
    Path file = Files.createTempFile(dir, "answer", ".json");
    Files.writeString(file, answer.toString());
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    boolean ok =
        new OfflineVerifier(new PrintStream(out, true, StandardCharsets.UTF_8))
            .verifyAnswer(file, signer.vkey());
    output = out.toString(StandardCharsets.UTF_8);
    return ok;
  }

  private boolean verifyAltered(Consumer<ObjectNode> change) throws Exception {
    ObjectNode a = answer();
    change.accept(a);
    return verify(a);
  }

  @Test
  void verifyAnswer_wholeAnswer_everyCheckHolds() throws Exception {
    assertThat(verify(answer())).as(output).isTrue();
    assertThat(output)
        .contains("ok    anchor names the answer's checkpoint: embedded tx tx1 block 7")
        .contains("ok    2 records are included")
        .contains("ok    every record the answer cites is among them")
        .contains("ok    3 node and edge citations are stated")
        .doesNotContain("FAIL");
  }

  @Test
  void verifyAnswer_anyAlteration_fails() throws Exception {
    assertThat(
            verifyAltered(
                a ->
                    ((ObjectNode) a.withArray("records").get(0).get("record"))
                        .put("observedAt", "1999-01-01T00:00:00Z")))
        .isFalse();
    assertThat(output).contains("FAIL  record 1");
    assertThat(verifyAltered(a -> ((ObjectNode) a.withArray("edges").get(0)).put("rel", "forged")))
        .isFalse();
    assertThat(output).contains("is not stated by its record 1");
    assertThat(verifyAltered(a -> a.withArray("records").remove(1))).isFalse();
    assertThat(output).contains("cites records [2]");
    assertThat(verifyAltered(a -> ((ObjectNode) a.get("anchor")).put("treeSize", 3))).isFalse();
    assertThat(verifyAltered(a -> ((ObjectNode) a.get("anchor")).put("anchored", false))).isFalse();
    assertThat(output).contains("FAIL  the answer is not anchored");
    assertThat(
            verifyAltered(
                a ->
                    ((ObjectNode) a.withArray("records").get(1).get("proof"))
                        .withArray("hashes")
                        .set(0, JSON.getNodeFactory().textNode(B64.encodeToString(new byte[32])))))
        .isFalse();
    assertThat(output).contains("inclusion proof");
  }
}
