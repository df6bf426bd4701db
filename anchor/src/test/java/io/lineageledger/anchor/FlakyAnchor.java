package io.lineageledger.anchor;

import java.util.List;
import java.util.Optional;

/** Delegates to a real anchor, or fails as an unreachable ledger would while {@code down}. */
final class FlakyAnchor implements Anchor {
  private final Anchor real;
  volatile boolean down;
  int anchorCalls;

  FlakyAnchor(Anchor real) {
    this.real = real;
  }

  private void check() throws AnchorException {
    if (down) {
      throw new AnchorException(
          AnchorException.Kind.UNAVAILABLE, "ledger unreachable (test)", null);
    }
  }

  @Override
  public String backend() {
    return real.backend();
  }

  @Override
  public boolean independent() {
    return real.independent();
  }

  @Override
  public void register(String origin, String vkey) throws AnchorException {
    check();
    real.register(origin, vkey);
  }

  @Override
  public AnchorReceipt anchor(String note, List<byte[]> proof) throws AnchorException {
    anchorCalls++;
    check();
    return real.anchor(note, proof);
  }

  @Override
  public Optional<AnchorReceipt> read(String origin, long treeSize) throws AnchorException {
    check();
    return real.read(origin, treeSize);
  }

  @Override
  public Optional<AnchorReceipt> latest(String origin) throws AnchorException {
    check();
    return real.latest(origin);
  }

  @Override
  public void close() {
    real.close();
  }
}
