package io.lineageledger.chaincode;

import io.lineageledger.ledger.merkle.Hashes;
import io.lineageledger.ledger.merkle.NodeId;
import io.lineageledger.ledger.merkle.ProofNodes;
import io.lineageledger.ledger.note.Checkpoint;
import io.lineageledger.ledger.note.NoteSigner;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;

/**
 * A log in memory: leaves, signed checkpoints and consistency proofs, as the journal makes them.
 */
final class TestLog {
  final NoteSigner signer;
  final List<byte[]> leaves = new ArrayList<>();

  TestLog(NoteSigner signer) {
    this.signer = signer;
  }

  TestLog(String origin) {
    this(NoteSigner.generate(origin));
  }

  TestLog grow(int n, String tag) {
    for (int i = 0; i < n; i++) {
      leaves.add(Hashes.leafHash((tag + leaves.size()).getBytes(StandardCharsets.UTF_8)));
    }
    return this;
  }

  /** A copy of the first {@code size} leaves, growing apart from this log afterwards. */
  TestLog fork(int size) {
    TestLog f = new TestLog(signer);
    f.leaves.addAll(leaves.subList(0, size));
    return f;
  }

  String origin() {
    return signer.keyName();
  }

  byte[] root(long size) {
    return Hashes.root(leaves.subList(0, (int) size));
  }

  String checkpoint(long size) {
    return signer.sign(new Checkpoint(origin(), size, root(size)));
  }

  String consistency(long from, long to) {
    List<byte[]> proof =
        ProofNodes.consistency(from, to).build(ids -> ids.stream().map(this::node).toList());
    StringBuilder b = new StringBuilder("[");
    for (byte[] h : proof) {
      b.append(b.length() > 1 ? "," : "")
          .append('"')
          .append(Base64.getEncoder().encodeToString(h))
          .append('"');
    }
    return b.append(']').toString();
  }

  private byte[] node(NodeId id) {
    return Hashes.root(leaves.subList((int) id.begin(), (int) id.end()));
  }
}
