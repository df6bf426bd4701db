package io.lineageledger.chaincode;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.hyperledger.fabric.protos.peer.ChaincodeEvent;
import org.hyperledger.fabric.protos.peer.SignedProposal;
import org.hyperledger.fabric.shim.Chaincode;
import org.hyperledger.fabric.shim.ledger.CompositeKey;
import org.hyperledger.fabric.shim.ledger.KeyModification;
import org.hyperledger.fabric.shim.ledger.KeyValue;
import org.hyperledger.fabric.shim.ledger.QueryResultsIterator;
import org.hyperledger.fabric.shim.ledger.QueryResultsIteratorWithMetadata;

/**
 * Simulates one transaction of the contract outside a peer, as the peer's simulator does: reads go
 * to committed state (a transaction never sees its own writes), writes and the event are collected
 * into a write set for the caller to commit or drop, and every key read is recorded so that the
 * caller can validate the read set against later commits (MVCC). Only what the contract uses is
 * supported; the rest throws {@link UnsupportedOperationException}.
 */
public final class LocalStub implements org.hyperledger.fabric.shim.ChaincodeStub {
  private final StateReader state;
  private final String channel;
  private final String txId;
  private final Instant timestamp;
  private final byte[] creator;
  private final String mspId;
  private final String function;
  private final List<String> parameters;
  private final Map<String, byte[]> writes = new LinkedHashMap<>();
  private final Set<String> reads = new LinkedHashSet<>();
  private ChaincodeEvent event;

  public LocalStub(
      StateReader state,
      String channel,
      String txId,
      Instant timestamp,
      byte[] creator,
      String mspId,
      String function,
      List<String> parameters) {
    this.state = state;
    this.channel = channel;
    this.txId = txId;
    this.timestamp = timestamp;
    this.creator = creator.clone();
    this.mspId = mspId;
    this.function = function;
    this.parameters = List.copyOf(parameters);
  }

  /** Keys written, in order, with their values. */
  public Map<String, byte[]> writes() {
    return Collections.unmodifiableMap(writes);
  }

  /** Keys read, including those returned by range reads. */
  public Set<String> reads() {
    return Collections.unmodifiableSet(reads);
  }

  /** The event the transaction set, or null. */
  public ChaincodeEvent event() {
    return event;
  }

  @Override
  public byte[] getState(String key) {
    reads.add(key);
    return state.get(key);
  }

  @Override
  public void putState(String key, byte[] value) {
    if (key == null || key.isEmpty() || key.charAt(0) == CompositeKey.NAMESPACE.charAt(0)) {
      throw new IllegalArgumentException("invalid simple key '" + key + "'");
    }
    writes.put(key, value.clone());
  }

  @Override
  public QueryResultsIterator<KeyValue> getStateByRange(String startKey, String endKey) {
    Iterator<Map.Entry<String, byte[]>> it = state.range(startKey, endKey);
    return new QueryResultsIterator<>() {
      @Override
      public Iterator<KeyValue> iterator() {
        return new Iterator<>() {
          @Override
          public boolean hasNext() {
            return it.hasNext();
          }

          @Override
          public KeyValue next() {
            Map.Entry<String, byte[]> e = it.next();
            reads.add(e.getKey());
            return new Kv(e.getKey(), e.getValue());
          }
        };
      }

      @Override
      public void close() {}
    };
  }

  private record Kv(String key, byte[] value) implements KeyValue {
    @Override
    public String getKey() {
      return key;
    }

    @Override
    public byte[] getValue() {
      return value.clone();
    }

    @Override
    public String getStringValue() {
      return new String(value, StandardCharsets.UTF_8);
    }
  }

  @Override
  public void setEvent(String name, byte[] payload) {
    event =
        ChaincodeEvent.newBuilder()
            .setEventName(name)
            .setTxId(txId)
            .setPayload(com.google.protobuf.ByteString.copyFrom(payload))
            .build();
  }

  @Override
  public ChaincodeEvent getEvent() {
    return event;
  }

  @Override
  public String getTxId() {
    return txId;
  }

  @Override
  public String getChannelId() {
    return channel;
  }

  @Override
  public Instant getTxTimestamp() {
    return timestamp;
  }

  @Override
  public byte[] getCreator() {
    return creator.clone();
  }

  @Override
  public String getMspId() {
    return mspId;
  }

  @Override
  public String getFunction() {
    return function;
  }

  @Override
  public List<String> getParameters() {
    return parameters;
  }

  @Override
  public List<String> getStringArgs() {
    List<String> all = new ArrayList<>();
    all.add(function);
    all.addAll(parameters);
    return all;
  }

  @Override
  public List<byte[]> getArgs() {
    List<byte[]> all = new ArrayList<>();
    getStringArgs().forEach(s -> all.add(s.getBytes(StandardCharsets.UTF_8)));
    return all;
  }

  @Override
  public Map<String, byte[]> getTransient() {
    return Map.of();
  }

  private static UnsupportedOperationException unsupported() {
    return new UnsupportedOperationException("not used by the anchoring contract");
  }

  @Override
  public Chaincode.Response invokeChaincode(String name, List<byte[]> args, String channel) {
    throw unsupported();
  }

  @Override
  public byte[] getStateValidationParameter(String key) {
    throw unsupported();
  }

  @Override
  public void setStateValidationParameter(String key, byte[] value) {
    throw unsupported();
  }

  @Override
  public void delState(String key) {
    // Anchors are append-only: the contract never deletes, and the simulation refuses to.
    throw unsupported();
  }

  @Override
  public QueryResultsIteratorWithMetadata<KeyValue> getStateByRangeWithPagination(
      String startKey, String endKey, int pageSize, String bookmark) {
    throw unsupported();
  }

  @Override
  public QueryResultsIterator<KeyValue> getStateByPartialCompositeKey(String compositeKey) {
    throw unsupported();
  }

  @Override
  public QueryResultsIterator<KeyValue> getStateByPartialCompositeKey(
      String objectType, String... attributes) {
    throw unsupported();
  }

  @Override
  public QueryResultsIterator<KeyValue> getStateByPartialCompositeKey(CompositeKey compositeKey) {
    throw unsupported();
  }

  @Override
  public QueryResultsIteratorWithMetadata<KeyValue> getStateByPartialCompositeKeyWithPagination(
      CompositeKey compositeKey, int pageSize, String bookmark) {
    throw unsupported();
  }

  @Override
  public CompositeKey createCompositeKey(String objectType, String... attributes) {
    return new CompositeKey(objectType, attributes);
  }

  @Override
  public CompositeKey splitCompositeKey(String compositeKey) {
    return CompositeKey.parseCompositeKey(compositeKey);
  }

  @Override
  public QueryResultsIterator<KeyValue> getQueryResult(String query) {
    throw unsupported();
  }

  @Override
  public QueryResultsIteratorWithMetadata<KeyValue> getQueryResultWithPagination(
      String query, int pageSize, String bookmark) {
    throw unsupported();
  }

  @Override
  public QueryResultsIterator<KeyModification> getHistoryForKey(String key) {
    throw unsupported();
  }

  @Override
  public byte[] getPrivateData(String collection, String key) {
    throw unsupported();
  }

  @Override
  public byte[] getPrivateDataHash(String collection, String key) {
    throw unsupported();
  }

  @Override
  public byte[] getPrivateDataValidationParameter(String collection, String key) {
    throw unsupported();
  }

  @Override
  public void putPrivateData(String collection, String key, byte[] value) {
    throw unsupported();
  }

  @Override
  public void setPrivateDataValidationParameter(String collection, String key, byte[] value) {
    throw unsupported();
  }

  @Override
  public void delPrivateData(String collection, String key) {
    throw unsupported();
  }

  @Override
  public void purgePrivateData(String collection, String key) {
    throw unsupported();
  }

  @Override
  public QueryResultsIterator<KeyValue> getPrivateDataByRange(
      String collection, String startKey, String endKey) {
    throw unsupported();
  }

  @Override
  public QueryResultsIterator<KeyValue> getPrivateDataByPartialCompositeKey(
      String collection, String compositeKey) {
    throw unsupported();
  }

  @Override
  public QueryResultsIterator<KeyValue> getPrivateDataByPartialCompositeKey(
      String collection, CompositeKey compositeKey) {
    throw unsupported();
  }

  @Override
  public QueryResultsIterator<KeyValue> getPrivateDataByPartialCompositeKey(
      String collection, String objectType, String... attributes) {
    throw unsupported();
  }

  @Override
  public QueryResultsIterator<KeyValue> getPrivateDataQueryResult(String collection, String query) {
    throw unsupported();
  }

  @Override
  public SignedProposal getSignedProposal() {
    throw unsupported();
  }

  @Override
  public byte[] getBinding() {
    throw unsupported();
  }
}
