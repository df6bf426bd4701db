package io.lineageledger.bpf;

import java.util.List;

/**
 * One TCP flow one process used during a window, from that process's side: local and remote address
 * and port, bytes sent and received in the window, and the TCP states it entered.
 */
public record FlowEvidence(
    String family,
    String localAddress,
    int localPort,
    String remoteAddress,
    int remotePort,
    long bytesSent,
    long bytesReceived,
    long sends,
    long receives,
    List<String> states) {
  public FlowEvidence {
    states = List.copyOf(states);
  }
}
