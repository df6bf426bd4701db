package io.lineageledger.bpf;

/** Cumulative counters of one {@link FlowKey}; bit n of statesSeen = entered TCP state n. */
record FlowCounts(
    long bytesSent,
    long bytesReceived,
    long sends,
    long receives,
    int statesSeen,
    int lastState,
    long firstNs,
    long lastNs) {

  FlowCounts minus(FlowCounts before) {
    if (before == null) {
      return this;
    }
    return new FlowCounts(
        bytesSent - before.bytesSent,
        bytesReceived - before.bytesReceived,
        sends - before.sends,
        receives - before.receives,
        statesSeen,
        lastState,
        firstNs,
        lastNs);
  }

  boolean isZero(FlowCounts before) {
    return before != null
        && bytesSent == before.bytesSent
        && bytesReceived == before.bytesReceived
        && statesSeen == before.statesSeen;
  }
}
