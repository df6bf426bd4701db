package io.lineageledger.bpf;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.Arrays;

/**
 * One TCP flow as one process used it. Ports are in host order as the kernel keyed them; addresses
 * are the network-order bytes (IPv4 in the first four).
 */
record FlowKey(
    ProcKey proc, int family, int proto, int sport, int dport, byte[] saddr, byte[] daddr) {
  static final int AF_INET = 2;

  FlowKey {
    saddr = saddr.clone();
    daddr = daddr.clone();
  }

  String source() {
    return address(saddr);
  }

  String destination() {
    return address(daddr);
  }

  private String address(byte[] a) {
    try {
      return InetAddress.getByAddress(family == AF_INET ? Arrays.copyOf(a, 4) : a).getHostAddress();
    } catch (UnknownHostException e) {
      throw new IllegalStateException("address of " + a.length + " bytes", e);
    }
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof FlowKey k
        && k.proc.equals(proc)
        && k.family == family
        && k.proto == proto
        && k.sport == sport
        && k.dport == dport
        && Arrays.equals(k.saddr, saddr)
        && Arrays.equals(k.daddr, daddr);
  }

  @Override
  public int hashCode() {
    return ((proc.hashCode() * 31 + sport) * 31 + dport) * 31 + Arrays.hashCode(daddr);
  }

  @Override
  public String toString() {
    return proc + " " + source() + ":" + sport + " -> " + destination() + ":" + dport;
  }
}
