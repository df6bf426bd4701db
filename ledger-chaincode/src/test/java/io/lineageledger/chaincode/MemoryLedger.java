package io.lineageledger.chaincode;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.hyperledger.fabric.protos.peer.ChaincodeEvent;

/**
 * An in-memory world state that runs the contract one transaction at a time through {@link
 * LocalStub}: a successful transaction's writes commit, a refused one's are dropped. It refuses to
 * overwrite a key, which checks the contract's promise that no key is ever rewritten.
 */
final class MemoryLedger implements StateReader {
  final TreeMap<String, byte[]> state = new TreeMap<>();
  final List<ChaincodeEvent> events = new ArrayList<>();
  private final LocalTransactions transactions;
  private long tx;
  Instant now = Instant.parse("2026-01-02T03:04:05Z");

  MemoryLedger(AnchorContract contract) {
    this.transactions = new LocalTransactions(contract);
  }

  @Override
  public byte[] get(String key) {
    return state.get(key);
  }

  @Override
  public Iterator<Map.Entry<String, byte[]>> range(String start, String end) {
    return new TreeMap<>(state.subMap(start, end)).entrySet().iterator();
  }

  /** Runs and, if the contract accepts, commits one transaction. */
  String submit(LocalIdentity caller, String function, String... args) {
    LocalStub stub = stub(caller, function, args);
    String result = transactions.invoke(stub);
    stub.writes()
        .forEach(
            (k, v) -> {
              if (state.putIfAbsent(k, v) != null) {
                throw new AssertionError("the contract rewrote key " + k.replace('\u0001', '|'));
              }
            });
    if (stub.event() != null) {
      events.add(stub.event());
    }
    return result;
  }

  /** Runs a transaction and returns its stub, committing nothing. */
  LocalStub simulate(LocalIdentity caller, String function, String... args) {
    LocalStub stub = stub(caller, function, args);
    transactions.invoke(stub);
    return stub;
  }

  private LocalStub stub(LocalIdentity caller, String function, String... args) {
    tx++;
    now = now.plusSeconds(1);
    return new LocalStub(
        this,
        "lineage",
        "tx" + tx,
        now,
        caller.serialized(),
        caller.mspId(),
        function,
        List.of(args));
  }
}
