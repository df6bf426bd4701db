package io.lineageledger.chaincode;

import java.util.Iterator;
import java.util.Map;

/** Committed world state as a transaction simulation sees it. */
public interface StateReader {
  /** The committed value of {@code key}, or null. */
  byte[] get(String key);

  /** Keys in {@code [start, end)} in ascending order, read lazily. */
  Iterator<Map.Entry<String, byte[]>> range(String start, String end);
}
