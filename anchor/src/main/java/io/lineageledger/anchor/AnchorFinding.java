package io.lineageledger.anchor;

import java.util.OptionalLong;

/**
 * One problem an anchor audit found.
 *
 * @param kind {@code anchor-block} (the embedded chain), {@code anchor-root} (an anchored root
 *     differs from the journal's), {@code anchor-missing} (recorded here, absent on the ledger)
 * @param treeSize the anchored checkpoint concerned, when one is
 * @param blockNumber the embedded block concerned, when one is
 */
public record AnchorFinding(
    String kind, String detail, OptionalLong treeSize, OptionalLong blockNumber) {
  static AnchorFinding block(long number, String detail) {
    return new AnchorFinding("anchor-block", detail, OptionalLong.empty(), OptionalLong.of(number));
  }

  static AnchorFinding checkpoint(String kind, long treeSize, String detail) {
    return new AnchorFinding(kind, detail, OptionalLong.of(treeSize), OptionalLong.empty());
  }
}
