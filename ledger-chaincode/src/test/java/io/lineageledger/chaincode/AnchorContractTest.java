package io.lineageledger.chaincode;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.lineageledger.ledger.note.Checkpoint;
import io.lineageledger.ledger.note.NoteSigner;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Map;
import java.util.Set;
import org.hyperledger.fabric.shim.ChaincodeException;
import org.json.JSONArray;
import org.json.JSONObject;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class AnchorContractTest {
  private static LocalIdentity admin;
  private static LocalIdentity attributeAdmin;
  private static LocalIdentity client;

  private MemoryLedger ledger;
  private TestLog log;

  @BeforeAll
  static void identities() {
    Instant now = Instant.now();
    admin = LocalIdentity.generate("Org1MSP", "admin", Map.of(), now);
    attributeAdmin =
        LocalIdentity.generate("Org2MSP", "ops", Map.of(AdminPolicy.ATTRIBUTE, "true"), now);
    client = LocalIdentity.generate("Org2MSP", "anchorer", Map.of(), now);
  }

  @BeforeEach
  void setUp() {
    ledger = new MemoryLedger(new AnchorContract(new AdminPolicy(Set.of("Org1MSP")), 2));
    log = new TestLog("example.com/log");
    ledger.submit(admin, "registerLog", log.origin(), log.signer.vkey());
  }

  private JSONObject anchor(long size, String proof) {
    return new JSONObject(ledger.submit(client, "anchor", log.checkpoint(size), proof));
  }

  private static AnchorError errorOf(Throwable t) {
    return AnchorError.valueOf(
        new String(((ChaincodeException) t).getPayload(), StandardCharsets.UTF_8));
  }

  @Test
  void registerLog_byNonAdminClient_isRefused() {
    TestLog other = new TestLog("other.example/log");
    assertThatThrownBy(
            () -> ledger.submit(client, "registerLog", other.origin(), other.signer.vkey()))
        .isInstanceOf(ChaincodeException.class)
        .hasMessageContaining("may not register logs")
        .satisfies(e -> assertThat(errorOf(e)).isEqualTo(AnchorError.NOT_ADMIN));
  }

  @Test
  void registerLog_byCertificateAttribute_isAdmitted() {
    TestLog other = new TestLog("other.example/log");
    JSONObject r =
        new JSONObject(
            ledger.submit(attributeAdmin, "registerLog", other.origin(), other.signer.vkey()));
    assertThat(r.getString("status")).isEqualTo("registered");
    assertThat(r.getString("registeredBy")).isEqualTo("Org2MSP");
  }

  @Test
  void registerLog_sameKeyAgain_isNoOp_differentKeyRefused() {
    JSONObject again =
        new JSONObject(ledger.submit(admin, "registerLog", log.origin(), log.signer.vkey()));
    assertThat(again.getString("status")).isEqualTo("already-registered");

    String otherKey = NoteSigner.generate(log.origin()).vkey();
    assertThatThrownBy(() -> ledger.submit(admin, "registerLog", log.origin(), otherKey))
        .satisfies(e -> assertThat(errorOf(e)).isEqualTo(AnchorError.ALREADY_REGISTERED))
        .hasMessageContaining(log.signer.vkey());
  }

  @Test
  void anchor_firstThenExtension_storesOneKeyPerSizeAndOneEventEach() {
    log.grow(5, "a");
    JSONObject first = anchor(5, "[]");
    log.grow(8, "b");
    JSONObject second = anchor(13, log.consistency(5, 13));

    assertThat(first.getString("status")).isEqualTo("anchored");
    assertThat(first.getLong("previousSize")).isEqualTo(-1);
    assertThat(second.getLong("previousSize")).isEqualTo(5);
    assertThat(second.getString("txId")).isEqualTo("tx3");
    // The anchoring time is the transaction's timestamp, not the peer's clock.
    assertThat(Instant.parse(second.getString("anchoredAt"))).isEqualTo(ledger.now);
    assertThat(ledger.events).hasSize(2);
    assertThat(ledger.events.get(1).getEventName()).isEqualTo(AnchorContract.EVENT);
    assertThat(new JSONObject(ledger.events.get(1).getPayload().toStringUtf8()).getLong("treeSize"))
        .isEqualTo(13);
    assertThat(ledger.state)
        .containsKeys(AnchorKeys.anchor(log.origin(), 5), AnchorKeys.anchor(log.origin(), 13));
    JSONObject latest = new JSONObject(ledger.submit(client, "latest", log.origin()));
    assertThat(latest.getLong("treeSize")).isEqualTo(13);
  }

  @Test
  void anchor_sameCheckpointAgain_isNoOpWithoutWritesOrEvent() {
    log.grow(4, "a");
    anchor(4, "[]");
    log.grow(3, "b");
    anchor(7, log.consistency(4, 7));
    int events = ledger.events.size();

    LocalStub again = ledger.simulate(client, "anchor", log.checkpoint(7), log.consistency(4, 7));
    LocalStub older = ledger.simulate(client, "anchor", log.checkpoint(4), "[]");

    assertThat(again.writes()).isEmpty();
    assertThat(again.event()).isNull();
    assertThat(older.writes()).isEmpty();
    assertThat(
            new JSONObject(ledger.submit(client, "anchor", log.checkpoint(7), "[]"))
                .getString("status"))
        .isEqualTo("already-anchored");
    assertThat(ledger.events).hasSize(events);
  }

  @Test
  void anchor_sameSizeDifferentRoot_isRefusedAsFork() {
    log.grow(6, "a");
    anchor(6, "[]");
    TestLog forked = log.fork(3).grow(3, "evil");

    assertThatThrownBy(() -> ledger.submit(client, "anchor", forked.checkpoint(6), "[]"))
        .satisfies(e -> assertThat(errorOf(e)).isEqualTo(AnchorError.FORK))
        .hasMessageContaining("the log forked");
  }

  @Test
  void anchor_rewrittenHistoryWithItsOwnValidProof_isRefusedAsInconsistent() {
    log.grow(6, "a");
    anchor(6, "[]");
    // Rewrites leaf 4 and grows: the proof is a correct proof of the forked tree, from its own 6.
    TestLog forked = log.fork(4).grow(6, "evil");

    assertThatThrownBy(
            () -> ledger.submit(client, "anchor", forked.checkpoint(10), forked.consistency(6, 10)))
        .satisfies(e -> assertThat(errorOf(e)).isEqualTo(AnchorError.INCONSISTENT))
        .hasMessageContaining("not proven to extend the anchored checkpoint of size 6");
    assertThat(ledger.state).doesNotContainKey(AnchorKeys.anchor(log.origin(), 10));
  }

  @Test
  void anchor_smallerThanNewestAndNeverAnchored_isRefused() {
    log.grow(9, "a");
    anchor(9, "[]");
    assertThatThrownBy(() -> anchor(5, "[]"))
        .satisfies(e -> assertThat(errorOf(e)).isEqualTo(AnchorError.SMALLER_THAN_ANCHORED))
        .hasMessageContaining("smaller than the newest anchored checkpoint (size 9)");
  }

  @Test
  void anchor_signedByAnotherKeyOfTheSameName_isRefused() {
    log.grow(3, "a");
    NoteSigner impostor = NoteSigner.generate(log.origin());
    String note = impostor.sign(new Checkpoint(log.origin(), 3, log.root(3)));

    assertThatThrownBy(() -> ledger.submit(client, "anchor", note, "[]"))
        .satisfies(e -> assertThat(errorOf(e)).isEqualTo(AnchorError.BAD_SIGNATURE));
    assertThat(ledger.events).isEmpty();
  }

  @Test
  void anchor_tamperedProofHash_isRefused() {
    log.grow(5, "a");
    anchor(5, "[]");
    log.grow(6, "b");
    JSONArray proof = new JSONArray(log.consistency(5, 11));
    byte[] h = java.util.Base64.getDecoder().decode(proof.getString(1));
    h[0] ^= 1;
    proof.put(1, java.util.Base64.getEncoder().encodeToString(h));

    assertThatThrownBy(() -> anchor(11, proof.toString()))
        .satisfies(e -> assertThat(errorOf(e)).isEqualTo(AnchorError.INCONSISTENT));
    assertThatThrownBy(() -> anchor(11, "not json"))
        .satisfies(e -> assertThat(errorOf(e)).isEqualTo(AnchorError.MALFORMED));
  }

  @Test
  void anchorAndQueries_unknownOrigin_areRefused() {
    TestLog stranger = new TestLog("stranger.example/log").grow(2, "x");
    assertThatThrownBy(() -> ledger.submit(client, "anchor", stranger.checkpoint(2), "[]"))
        .satisfies(e -> assertThat(errorOf(e)).isEqualTo(AnchorError.UNKNOWN_ORIGIN))
        .hasMessageContaining("stranger.example/log");
    assertThatThrownBy(() -> ledger.submit(client, "latest", stranger.origin()))
        .satisfies(e -> assertThat(errorOf(e)).isEqualTo(AnchorError.UNKNOWN_ORIGIN));
    assertThatThrownBy(() -> ledger.submit(client, "getAnchor", log.origin(), "3"))
        .satisfies(e -> assertThat(errorOf(e)).isEqualTo(AnchorError.NOT_FOUND));
  }

  @Test
  void history_pagesAscendingFromSize() {
    long prev = 0;
    for (long size : new long[] {2, 5, 9, 14, 20}) {
      log.grow((int) (size - prev), "a");
      anchor(size, prev == 0 ? "[]" : log.consistency(prev, size));
      prev = size;
    }
    JSONObject page1 = new JSONObject(ledger.submit(client, "history", log.origin(), "0"));
    JSONObject page2 =
        new JSONObject(
            ledger.submit(client, "history", log.origin(), String.valueOf(page1.getLong("next"))));
    JSONObject page3 =
        new JSONObject(
            ledger.submit(client, "history", log.origin(), String.valueOf(page2.getLong("next"))));
    JSONObject fromMiddle = new JSONObject(ledger.submit(client, "history", log.origin(), "6"));

    assertThat(sizes(page1)).containsExactly(2L, 5L);
    assertThat(page1.getLong("next")).isEqualTo(9);
    assertThat(sizes(page2)).containsExactly(9L, 14L);
    assertThat(sizes(page3)).containsExactly(20L);
    assertThat(page3.isNull("next")).isTrue();
    assertThat(sizes(fromMiddle)).containsExactly(9L, 14L);
  }

  private static java.util.List<Long> sizes(JSONObject page) {
    JSONArray a = page.getJSONArray("anchors");
    java.util.List<Long> out = new java.util.ArrayList<>();
    for (int i = 0; i < a.length(); i++) {
      out.add(a.getJSONObject(i).getLong("treeSize"));
    }
    return out;
  }

  @Test
  void anchor_readsOnlyTheNewestIndexEntry_notTheWholeHistory() {
    long prev = 0;
    for (long size : new long[] {1, 2, 3, 4, 5}) {
      log.grow((int) (size - prev), "a");
      anchor(size, prev == 0 ? "[]" : log.consistency(prev, size));
      prev = size;
    }
    log.grow(3, "b");
    LocalStub next = ledger.simulate(client, "anchor", log.checkpoint(8), log.consistency(5, 8));

    assertThat(next.reads()).contains(AnchorKeys.index(log.origin(), 5));
    assertThat(next.reads())
        .doesNotContain(
            AnchorKeys.index(log.origin(), 4),
            AnchorKeys.index(log.origin(), 1),
            AnchorKeys.anchor(log.origin(), 4));
    assertThat(next.writes().keySet())
        .containsExactly(AnchorKeys.anchor(log.origin(), 8), AnchorKeys.index(log.origin(), 8));
  }
}
